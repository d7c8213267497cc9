"""Install the rule `carried_unchanged` (a carried table submitted with last year's content).

The rule's definition is frozen here as it shipped, so this migration gives the same result
whatever `catalog.py` says later. A row already present (installed by 0002 on a fresh
database, or edited by an administrator) is left as it is.
"""

from __future__ import annotations

from django.db import migrations

RULE = {
    "code": "carried_unchanged",
    "name": "结转的表未按本年度修改",
    "description": "由上年结转的表，预算数、资金支出计划或全部指标值仍与上年的表相同。"
    "提交前请核对：本年度的预算批复数（财政资金、其他资金）、各时点的累计支出进度、"
    "每项指标的本年度目标；确实沿用上年的，在说明中写明原因。",
    "severity": "warning",
    "params": {"parts": ["budget", "plan", "targets"]},
    "order": 24,
}


def forwards(apps, schema_editor) -> None:
    rule_model = apps.get_model("checks", "CheckRule")
    rule_model.objects.get_or_create(
        code=RULE["code"], defaults={k: v for k, v in RULE.items() if k != "code"}
    )


def backwards(apps, schema_editor) -> None:
    apps.get_model("checks", "CheckRule").objects.filter(code=RULE["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("checks", "0002_install_rules")]

    operations = [migrations.RunPython(forwards, backwards)]
