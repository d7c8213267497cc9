"""The two indicator frameworks the product ships with (DOMAIN.md, "Indicators").

Installed by a data migration so every database has them; administrators may add more in the
admin (a region's own variant, a future central revision).
"""

from __future__ import annotations

LEGACY = "legacy"
CENTRAL_2021 = "central-2021"

FRAMEWORKS: dict[str, dict] = {
    LEGACY: {
        "name": "旧指标体系（成本指标属产出指标）",
        "description": "河北等地 2021 年及以前公开表格使用的体系：产出、效益、满意度三个一级指标。",
        "tree": [
            ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
            ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
            ("满意度指标", ["服务对象满意度指标"]),
        ],
    },
    CENTRAL_2021: {
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


def install_frameworks(framework_model, category_model) -> None:
    """Create or complete the shipped frameworks (idempotent); works with migration models."""
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
