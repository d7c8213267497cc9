"""What a self-evaluation must hold before it is submitted (the stage's 智能审核 rules):
actual values in the unit of the target, scores consistent with the rule, 执行率 consistent with
the amounts, and every shortfall explained. Each problem names its row."""

from __future__ import annotations

from budgetapp.indicators.values import parse_target
from budgetapp.monitoring.checks import unit_mismatch
from budgetapp.monitoring.services import number_of

from .models import SelfEvaluation
from .scoring import budget_score, check_weights, indicator_score


def evaluation_problems(evaluation: SelfEvaluation) -> list[str]:
    problems = []
    rows = list(evaluation.rows.all())
    if not evaluation.goal_actual.strip():
        problems.append("请填写年度总体目标的实际完成情况。")
    if evaluation.total_executed > evaluation.total_full_year:
        problems.append("全年执行数超过全年预算数，请核对项目资金。")
    for source, label in (
        ("fiscal", "当年财政拨款"),
        ("carried", "上年结转资金"),
        ("other", "其他资金"),
    ):
        if getattr(evaluation, f"{source}_executed") > getattr(evaluation, f"{source}_full_year"):
            problems.append(f"{label}的全年执行数超过全年预算数。")
    if evaluation.budget_score != budget_score(
        evaluation.total_executed, evaluation.total_full_year
    ):
        problems.append("预算执行率得分与执行数不一致，请重新保存。")
    weights_problem = check_weights([row.weight for row in rows])
    if weights_problem:
        problems.append(weights_problem)
    for position, row in enumerate(rows, 1):
        where = f"第{position}行 {row.name}："
        quantitative = parse_target(row.target).is_quantitative
        if quantitative and not row.actual:
            problems.append(f"{where}请填写实际完成值。")
        if quantitative and row.actual and number_of(row.actual) is None:
            problems.append(f"{where}实际完成值“{row.actual}”不是数值，无法与指标值比较。")
        if row.actual and unit_mismatch(row.target, row.actual):
            problems.append(f"{where}“{row.actual}”的计量单位与指标值“{row.target}”不一致。")
        if not quantitative and not row.qualitative:
            problems.append(f"{where}定性指标请选择完成情况（完全达成、部分达成或未达成）。")
        expected = indicator_score(
            row.target, weight=row.weight, actual=number_of(row.actual), qualitative=row.qualitative
        )
        if row.score != expected:
            problems.append(
                f"{where}得分 {row.score} 与评分规则计算的 {expected} 不一致，请重新保存。"
            )
        if row.score < row.weight and not row.analysis.strip():
            problems.append(f"{where}未得满分，请填写偏差原因分析及改进措施。")
    return problems
