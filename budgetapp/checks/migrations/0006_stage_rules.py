"""Install the 智能审核 rules of the later stages: 运行监控 (monitoring sheets) and 绩效自评
(self-evaluations), until now fixed lists in those apps' `checks.py`.

The rules' definitions are frozen here, not read from `catalog_stages.STAGE_RULES`: a migration must
install what it installed the day it was written. A row already present (edited by an
administrator) is left as it is.
"""

from __future__ import annotations

from django.db import migrations

RULES = [
    {
        "stage": "monitoring",
        "code": "monitoring_spending_blank",
        "name": "执行数未填写",
        "description": "监控表应填写截至月份末的累计执行数和全年预计执行数（确无支出填 0）。",
        "severity": "error",
        "params": {},
        "order": 101,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_lag_reason",
        "name": "执行率落后支出计划须说明原因",
        "description": "执行率低于资金支出计划在截止月份的进度（按 3月底、6月底、10月底、12月底的计划直线推算）超过 points 个百分点时，应填写执行偏差原因。",
        "severity": "error",
        "params": {"points": "0"},
        "order": 102,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_spent_over_budget",
        "name": "执行数超过年初预算数",
        "description": "截至月份末的执行数不应超过年初预算数（允许差额 tolerance，金额单位同表）。",
        "severity": "error",
        "params": {"tolerance": "0"},
        "order": 103,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_projected_over_budget",
        "name": "全年预计执行数超过年初预算数",
        "description": "全年预计执行数超过年初预算数时提示核对；年中追加了预算的，在执行偏差原因中说明。",
        "severity": "warning",
        "params": {"tolerance": "0"},
        "order": 104,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_value_blank",
        "name": "定量指标未填写完成值",
        "description": "定量指标应填写截至月份末的实际完成值或全年预计完成值（至少一项）。",
        "severity": "error",
        "params": {},
        "order": 105,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_likelihood_blank",
        "name": "未选择完成目标可能性",
        "description": "每项指标都要选择完成目标可能性：确定能、有可能或完全不可能。",
        "severity": "error",
        "params": {},
        "order": 106,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_value_unit",
        "name": "完成值的计量单位与指标值不一致",
        "description": "实际完成值和全年预计完成值应使用年度指标值的计量单位（指标值“≥20人”，完成值不能写“17次”）。",
        "severity": "error",
        "params": {},
        "order": 107,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_shortfall_explained",
        "name": "预计不能达成目标须写偏差原因和完善措施",
        "description": "亮灯为 lights 所列颜色（amber 黄、red 红）的指标，应选择偏差原因并填写完善措施。",
        "severity": "error",
        "params": {"lights": ["amber", "red"]},
        "order": 108,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_other_cause_note",
        "name": "偏差原因“其他”须说明",
        "description": "偏差原因选了“其他”时，应写明具体原因。",
        "severity": "error",
        "params": {},
        "order": 109,
    },
    {
        "stage": "monitoring",
        "code": "monitoring_likelihood_consistent",
        "name": "完成可能性与完成值不符",
        "description": "按填写的完成值预计达不到目标（黄灯或红灯），完成目标可能性却选了“确定能”。",
        "severity": "warning",
        "params": {},
        "order": 110,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_goal_actual",
        "name": "总体目标实际完成情况未填写",
        "description": "自评表应填写年度总体目标的实际完成情况。",
        "severity": "error",
        "params": {},
        "order": 201,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_executed_over_budget",
        "name": "全年执行数超过全年预算数",
        "description": "年度资金总额及当年财政拨款、上年结转资金、其他资金各项的全年执行数都不应超过全年预算数。",
        "severity": "error",
        "params": {},
        "order": 202,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_budget_rate",
        "name": "执行率得分与金额一致",
        "description": "预算执行率得分应等于 全年执行数 ÷ 全年预算数 × 10（不超过 10 分）。",
        "severity": "error",
        "params": {},
        "order": 203,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_weights_sum",
        "name": "指标分值合计为 90 分",
        "description": "各项绩效指标的分值合计应为 90 分，且不能为负数。",
        "severity": "error",
        "params": {},
        "order": 204,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_actual_blank",
        "name": "定量指标未填写实际完成值",
        "description": "定量指标应填写实际完成值。",
        "severity": "error",
        "params": {},
        "order": 205,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_actual_number",
        "name": "实际完成值不是数值",
        "description": "定量指标的实际完成值应是数值（可带计量单位），才能与指标值比较、计算得分。",
        "severity": "error",
        "params": {},
        "order": 206,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_actual_unit",
        "name": "实际完成值的计量单位与指标值不一致",
        "description": "实际完成值应使用年度指标值的计量单位（指标值“≥20人”，完成值不能写“17次”）。",
        "severity": "error",
        "params": {},
        "order": 207,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_qualitative_choice",
        "name": "定性指标未选择完成情况",
        "description": "定性指标应选择完全达成、部分达成或未达成，得分按所选计算。",
        "severity": "error",
        "params": {},
        "order": 208,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_score_rule",
        "name": "得分与评分规则一致",
        "description": "每项指标的得分、总分和等级应与评分规则按所填数值计算的结果一致。",
        "severity": "error",
        "params": {},
        "order": 209,
    },
    {
        "stage": "evaluation",
        "code": "evaluation_shortfall_explained",
        "name": "未得满分须分析偏差原因",
        "description": "得分低于分值的指标，应填写偏差原因分析及改进措施。",
        "severity": "error",
        "params": {},
        "order": 210,
    },
]


def forwards(apps, schema_editor) -> None:
    rule_model = apps.get_model("checks", "CheckRule")
    for rule in RULES:
        rule_model.objects.get_or_create(
            code=rule["code"], defaults={k: v for k, v in rule.items() if k != "code"}
        )


def backwards(apps, schema_editor) -> None:
    codes = [rule["code"] for rule in RULES]
    apps.get_model("checks", "CheckRule").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("checks", "0005_checkrule_stage")]

    operations = [migrations.RunPython(forwards, backwards)]
