"""Install the two indicator frameworks the product ships with (DOMAIN.md, "Indicators").

Frozen here as `indicators/frameworks.py` defined them when this migration was frozen: a data
migration installs what it installed the day it was written, whatever the live module says
later. Idempotent: frameworks and categories already present are completed, not changed.
"""

from __future__ import annotations

from django.db import migrations

FRAMEWORKS = {
    "legacy": {
        "name": "旧指标体系（成本指标属产出指标）",
        "description": "河北等地 2021 年及以前公开表格使用的体系：产出、效益、满意度三个一级指标。",
        "tree": [
            ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
            ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
            ("满意度指标", ["服务对象满意度指标"]),
        ],
    },
    "central-2021": {
        "name": "中央 2021 年指标体系（成本指标为一级指标）",
        "description": "财政部 2021 年起的项目支出绩效指标体系：产出、成本、效益、满意度四个一级指标。",
        "tree": [
            ("产出指标", ["数量指标", "质量指标", "时效指标"]),
            ("成本指标", ["经济成本指标", "社会成本指标", "生态环境成本指标"]),
            ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
            ("满意度指标", ["服务对象满意度指标"]),
        ],
    },
}


def forwards(apps, schema_editor) -> None:
    framework_model = apps.get_model("indicators", "Framework")
    category_model = apps.get_model("indicators", "Category")
    for code, spec in FRAMEWORKS.items():
        framework, _ = framework_model.objects.get_or_create(
            code=code, defaults={"name": spec["name"], "description": spec["description"]}
        )
        for order1, (level1_name, children) in enumerate(spec["tree"], 1):
            level1, _ = category_model.objects.get_or_create(
                framework=framework, parent=None, name=level1_name, defaults={"order": order1}
            )
            for order2, level2_name in enumerate(children, 1):
                category_model.objects.get_or_create(
                    framework=framework, parent=level1, name=level2_name, defaults={"order": order2}
                )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
