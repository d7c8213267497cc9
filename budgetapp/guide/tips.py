"""How to put right what each 智能审核 rule finds: one sentence per rule code, shown on the help
page under the rule's own name and description (which administrators may edit in the admin).
A rule without a tip here still gets its section and anchor."""

from __future__ import annotations

RULE_TIPS: dict[str, str] = {
    "budget_sum": "核对批复文件，使“预算数”＝“其中：财政资金”＋“其他资金”；金额单位全表统一。",
    "projects_sum": "逐一核对各项目表的预算数和部门整体表的“项目支出”，注意元与万元的换算。",
    "plan_range": "支出计划填累计百分比，每格在 0 到 100 之间，不要填金额。",
    "plan_not_falling": "支出计划是累计数：6月底不能小于3月底，依此类推。",
    "plan_ends_full": "12月底的累计支出计划应为 100%；确实跨年执行的，请在资金用途中说明。",
    "plan_blank": "某时点确实没有支出时填 0，不要留空。",
    "level1_present": "产出、效益、满意度（2021 年起还有成本）每类至少写一行指标。",
    "level2_allowed": "先选一级指标，再从它下面的二级指标中选择。",
    "target_blank": "每行都写指标值；写不出数值的，改写成可评判的定性表述。",
    "target_unit_missing": "在数字后写上计量单位，如“≥3800人”“≤0.4万元/人”“100%”。",
    "target_comparator_missing": "在数字前写比较符：要达到的下限用“≥”，不能超过的上限用“≤”，确切值用“=”。",
    "qualitative_wording": "用可评判的规范表述，如“有所提高”“明显改善”“是”“长期”“12月31日前”。",
    "rate_is_percent": "“……率”和满意度写百分比，如“≥95%”；人数、“是/否”另设数量或定性指标。",
    "cost_is_money": "成本指标写金额，如“≤12000元/人”“≤82.16万元”，不写百分比或“是/否”。",
    "time_is_time": "时效指标写时长、日期或及时率，如“≤60天”“12月31日前”“≥95%”。",
    "quantity_upper_bound": "数量指标一般是“至少完成多少”，用“≥”；确需上限的，提交时说明原因。",
    "percent_over_100": "百分比不超过 100%；超过的通常是把数量误写成了百分比。",
    "cost_over_budget": "成本指标不能超过本项目预算数，注意元与万元的换算。",
    "duplicate_names": "同名指标合并成一行，或在名称中写明区别（如“培训人数（盲人按摩）”）。",
    "description_repeats_name": "描述写清楚衡量什么、怎么算，例如“当年参加职业技能培训并取得证书的残疾人人数”。",
    "basis_blank": "写明依据：工作计划、历史数据、国家标准、省级标准或具体文件名。",
    "copied_block": "从其他项目复制的指标要按本项目的内容和数量改写，不要原样照搬。",
    "below_last_year": "目标低于上年的，在提交时说明原因（如资金减少、对象减少）。",
}
