"""Install the 智能审核 rule `import_value` (values an Excel import could not store).

The rule's definition is frozen here, not read from `catalog.RULES`: a migration must install
what it installed the day it was written. An existing row (installed by 0002 from a newer
catalog, or edited by an administrator) is left as it is.
"""

from __future__ import annotations

from django.db import migrations

RULE = {
    "code": "import_value",
    "name": "导入时未能保存的值",
    "description": "从 Excel 导入时，有的单元格的值不能保存（如支出计划 5000%、负数金额、"
    "金额栏中的文字、超长的文字）：导入为草稿，原值记在表上，在编辑页改正该栏后此错误消失。",
    "severity": "error",
    "params": {},
    "order": 25,
}


def forwards(apps, schema_editor) -> None:
    CheckRule = apps.get_model("checks", "CheckRule")
    CheckRule.objects.get_or_create(
        code=RULE["code"], defaults={k: v for k, v in RULE.items() if k != "code"}
    )


def backwards(apps, schema_editor) -> None:
    apps.get_model("checks", "CheckRule").objects.filter(code=RULE["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("checks", "0003_carried_unchanged")]

    operations = [migrations.RunPython(forwards, backwards)]
