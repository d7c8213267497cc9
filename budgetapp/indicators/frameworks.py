"""The two indicator frameworks the product ships with (DOMAIN.md, "Indicators").

Installed by the data migration `indicators/0002_install_frameworks.py` (which holds its own
frozen copy) so every database has them; administrators may add more in the admin (a region's
own variant, a future central revision). The demo, the checks' tests and the library vetting
read the trees from here.
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
