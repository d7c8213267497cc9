"""The rules shipped with the product: installed as `CheckRule` rows by data migrations, each of
which holds its own frozen copy of the rules it installs (0002: the 25 of this list).

Codes match the functions in `registry.RULES`. Severity and params are only the starting values;
administrators change them in the admin afterwards.
"""

from __future__ import annotations

PERCENT_UNITS = ["%", "％"]
MONEY_UNITS = ["元", "万元", "千元", "亿元"]
TIME_UNITS = ["天", "日", "个工作日", "工作日", "小时", "周", "个月", "月", "年", "季度"]
YES_NO = ["是", "否", "是/否", "是／否", "是或否"]
ACCEPTED_WORDINGS = [
    "是",
    "否",
    "长期",
    "持续",
    "达标",
    "合格",
    "良好",
    "优良",
    "较大",
    "显著",
    "明显",
    "及时",
    "按时",
    "按期",
    "全覆盖",
    "应保尽保",
    "按要求支出",
]
ACCEPTED_PREFIXES = [
    "有所",
    "进一步",
    "明显",
    "显著",
    "稳步",
    "逐步",
    "持续",
    "不断",
    "有效",
    "大幅",
    "基本",
    "全面",
    "按时",
    "按期",
    "及时",
]
# Date-like qualitative targets: `12月31日前`, `2024年12月31日前`, `年底前`, `于2021年底完成…`.
DATE_PATTERNS = [
    r"\d{1,2}月(\d{1,2}日)?(前|之前|以前|底前?)?",
    r"(\d{4}年)?(年底|年末|年内|上半年|下半年|第[一二三四1-4]季度)",
    r"\d{4}年\d{1,2}月",
]

RULES: list[dict] = [
    {
        "code": "budget_sum",
        "name": "预算数等于财政资金加其他资金",
        "description": "项目表的“预算数”应等于“其中：财政资金”与“其他资金”之和。",
        "severity": "error",
        "params": {"tolerance": "0.01"},
    },
    {
        "code": "projects_sum",
        "name": "项目预算合计等于部门项目支出",
        "description": "本单位本年度各项目表的预算数之和应等于部门整体绩效目标中的“项目支出”"
        "（元、万元表格先换算再比较）。",
        "severity": "error",
        "params": {"tolerance": "0.01"},
    },
    {
        "code": "plan_range",
        "name": "支出计划在 0% 到 100% 之间",
        "description": "资金支出计划的每个累计百分比都应在 0% 到 100% 之间。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "plan_not_falling",
        "name": "支出计划不下降",
        "description": "资金支出计划是累计进度，后一个时点不能小于前一个时点。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "plan_ends_full",
        "name": "12月底支出计划为 100%",
        "description": "资金支出计划到 12 月底应达到 100%。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "plan_blank",
        "name": "支出计划有空格",
        "description": "3月底、6月底、10月底的累计支出计划留空时提示填写（确无支出可填 0）。",
        "severity": "warning",
        "params": {},
    },
    {
        "code": "level1_present",
        "name": "一级指标齐全",
        "description": "产出、效益、满意度指标（2021 年中央指标体系下还有成本指标）每类至少一行。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "level2_allowed",
        "name": "二级指标属于所选一级指标",
        "description": "二级指标必须是所选一级指标下的类别（如“质量指标”只属于“产出指标”）。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "target_blank",
        "name": "指标值未填写",
        "description": "每行指标都要有指标值。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "target_unit_missing",
        "name": "定量指标缺少计量单位",
        "description": "定量指标值应有数字和计量单位（如“≥3800人”）；指标名称末尾括号里写明的单位"
        "（如“满意度(%)”）视为已填写。",
        "severity": "error",
        "params": {"unit_from_name": True},
    },
    {
        "code": "target_comparator_missing",
        "name": "定量指标缺少比较符",
        "description": "定量指标值应写明比较符（≥、≤、>、<、=），说明是下限、上限还是确切值。",
        "severity": "warning",
        "params": {"exempt": ["100%"]},
    },
    {
        "code": "qualitative_wording",
        "name": "定性指标使用规范表述",
        "description": "定性指标值应是可评判的规范表述（如“有所提高”“是”“长期”“12月31日前”）。",
        "severity": "warning",
        "params": {
            "accepted": ACCEPTED_WORDINGS,
            "accepted_prefixes": ACCEPTED_PREFIXES,
            "date_patterns": DATE_PATTERNS,
        },
    },
    {
        "code": "rate_is_percent",
        "name": "“率”和满意度指标用百分比",
        "description": "名称含“率”或“满意度”的指标，指标值应为百分比，不能是人数、“是/否”或时长。",
        "severity": "error",
        "params": {
            "keywords": ["率", "满意度"],
            "exclude": ["效率", "频率", "利率", "汇率", "税率", "功率"],
            "percent_units": PERCENT_UNITS,
            "yes_no": YES_NO,
        },
    },
    {
        "code": "cost_is_money",
        "name": "成本指标用金额",
        "description": "成本指标的指标值应是金额（元、万元，可带“/人”等），不能是百分比或“是/否”。",
        "severity": "error",
        "params": {"money_units": MONEY_UNITS},
    },
    {
        "code": "time_is_time",
        "name": "时效指标用时间、日期或百分比",
        "description": "时效指标的指标值应是时长（天、月）、日期（如“12月31日前”）或百分比"
        "（如及时率）。",
        "severity": "error",
        "params": {
            "time_units": TIME_UNITS,
            "percent_units": PERCENT_UNITS,
            "date_patterns": DATE_PATTERNS,
            "accepted": ["及时", "按时", "按期", "按时完成", "及时完成"],
        },
    },
    {
        "code": "quantity_upper_bound",
        "name": "数量指标使用了上限",
        "description": "数量指标写“≤”或“<”表示最多完成多少，通常应为下限“≥”。",
        "severity": "warning",
        "params": {},
    },
    {
        "code": "percent_over_100",
        "name": "百分比超过 100%",
        "description": "百分比指标值不能超过 100%。",
        "severity": "error",
        "params": {"percent_units": PERCENT_UNITS},
    },
    {
        "code": "cost_over_budget",
        "name": "成本指标超过项目预算",
        "description": "以金额表示的成本指标不应超过本项目的预算数（元、万元先换算）。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "duplicate_names",
        "name": "三级指标重名",
        "description": "同一张表中三级指标名称不能重复，应写明区别。",
        "severity": "error",
        "params": {},
    },
    {
        "code": "description_repeats_name",
        "name": "指标描述只重复了名称",
        "description": "绩效指标描述应说明具体衡量什么，而不是重复三级指标名称。",
        "severity": "warning",
        "params": {},
    },
    {
        "code": "basis_blank",
        "name": "指标值确定依据未填写",
        "description": "每行指标都要写明指标值确定依据（工作计划、历史数据、国家标准等）；"
        "版式中没有此栏的（广东部门整体表）不检查。",
        "severity": "error",
        "params": {"skip_layouts": ["guangdong"]},
    },
    {
        "code": "copied_block",
        "name": "多个项目复制了相同的指标行",
        "description": "连续若干行（名称和描述都相同）与本单位另一项目的指标完全一样，"
        "可能是复制后未按本项目修改。",
        "severity": "warning",
        "params": {"min_rows": 3},
    },
    {
        "code": "below_last_year",
        "name": "目标低于上年",
        "description": "同一指标的当年目标低于上年（以“上年”栏或上年同一项目的表为准）。",
        "severity": "warning",
        "params": {},
    },
    {
        "code": "carried_unchanged",
        "name": "结转的表未按本年度修改",
        "description": "由上年结转的表，预算数、资金支出计划或全部指标值仍与上年的表相同。"
        "提交前请核对：本年度的预算批复数（财政资金、其他资金）、各时点的累计支出进度、"
        "每项指标的本年度目标；确实沿用上年的，在说明中写明原因。",
        "severity": "warning",
        "params": {"parts": ["budget", "plan", "targets"]},
    },
    # Also installed by checks/migrations/0004_import_value_rule.py (frozen copy).
    {
        "code": "import_value",
        "name": "导入时未能保存的值",
        "description": "从 Excel 导入时，有的单元格的值不能保存（如支出计划 5000%、负数金额、"
        "金额栏中的文字、超长的文字）：导入为草稿，原值记在表上，在编辑页改正该栏后此错误消失。",
        "severity": "error",
        "params": {},
    },
]
