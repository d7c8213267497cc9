"""The 智能审核 rules of a self-evaluation: actual values in the unit of the target, scores
consistent with the rule, 执行率 consistent with the amounts, every shortfall explained.

Each rule is a function `(EvaluationData, params) -> Iterator[Hit]`, registered under its code
for the stage `evaluation` by `EvaluationConfig.ready()`. Its row in `checks.CheckRule`
(installed by `checks/migrations/0006_stage_rules.py`) says whether it runs, its severity and
its params: errors block submission (`services.submit_evaluation`), warnings are shown on the
page only. Each finding names its row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from budgetapp.checks.engine import Hit, Report
from budgetapp.checks.models import Stage
from budgetapp.checks.stages import StageRow, StageRule, run_stage_checks
from budgetapp.indicators.values import parse_target
from budgetapp.monitoring.checks import unit_mismatch
from budgetapp.monitoring.services import number_of

from .models import EvaluationRow, SelfEvaluation
from .scoring import budget_score, check_weights, grade, indicator_score

STAGE = Stage.EVALUATION
_SOURCES = (("fiscal", "当年财政拨款"), ("carried", "上年结转资金"), ("other", "其他资金"))


@dataclass
class EvaluationData:
    """What the rules read: the saved self-evaluation and its indicator rows, read once."""

    evaluation: SelfEvaluation
    rows: list[EvaluationRow]

    @classmethod
    def of(cls, evaluation: SelfEvaluation) -> EvaluationData:
        return cls(evaluation, list(evaluation.rows.all()))

    def numbered(self) -> Iterator[tuple[StageRow, str, EvaluationRow]]:
        """Each row with its place and the `第N行 名称：` its messages start with."""
        for position, row in enumerate(self.rows, 1):
            yield StageRow(position, row.pk), f"第{position}行 {row.name}：", row


def check_evaluation(evaluation: SelfEvaluation) -> Report:
    """The findings of the enabled self-evaluation rules on a saved self-evaluation."""
    return run_stage_checks(STAGE, EvaluationData.of(evaluation))


def goal_actual(data: EvaluationData, params: dict) -> Iterator[Hit]:
    if not data.evaluation.goal_actual.strip():
        yield Hit("请填写年度总体目标的实际完成情况。", field="goal_actual")


def executed_over_budget(data: EvaluationData, params: dict) -> Iterator[Hit]:
    evaluation = data.evaluation
    if evaluation.total_executed > evaluation.total_full_year:
        yield Hit("全年执行数超过全年预算数，请核对项目资金。")
    for source, label in _SOURCES:
        if getattr(evaluation, f"{source}_executed") > getattr(evaluation, f"{source}_full_year"):
            yield Hit(f"{label}的全年执行数超过全年预算数。", field=f"{source}_executed")


def budget_rate_consistent(data: EvaluationData, params: dict) -> Iterator[Hit]:
    evaluation = data.evaluation
    expected = budget_score(evaluation.total_executed, evaluation.total_full_year)
    if evaluation.budget_score != expected:
        yield Hit(
            f"预算执行率得分 {evaluation.budget_score} 与执行数计算的 {expected} 不一致"
            "（执行率 = 全年执行数 ÷ 全年预算数），请重新保存。"
        )


def weights_sum(data: EvaluationData, params: dict) -> Iterator[Hit]:
    problem = check_weights([row.weight for row in data.rows])
    if problem:
        yield Hit(problem)


def actual_blank(data: EvaluationData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        if parse_target(row.target).is_quantitative and not row.actual:
            yield Hit(f"{where}请填写实际完成值。", place, "actual")


def actual_number(data: EvaluationData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        quantitative = parse_target(row.target).is_quantitative
        if quantitative and row.actual and number_of(row.actual) is None:
            yield Hit(
                f"{where}实际完成值“{row.actual}”不是数值，无法与指标值比较。", place, "actual"
            )


def actual_unit(data: EvaluationData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        if row.actual and unit_mismatch(row.target, row.actual):
            yield Hit(
                f"{where}“{row.actual}”的计量单位与指标值“{row.target}”不一致。", place, "actual"
            )


def qualitative_choice(data: EvaluationData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        if not parse_target(row.target).is_quantitative and not row.qualitative:
            yield Hit(
                f"{where}定性指标请选择完成情况（完全达成、部分达成或未达成）。",
                place,
                "qualitative",
            )


def score_by_rule(data: EvaluationData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        expected = indicator_score(
            row.target,
            weight=row.weight,
            actual=number_of(row.actual),
            qualitative=row.qualitative,
        )
        if row.score != expected:
            yield Hit(
                f"{where}得分 {row.score} 与评分规则计算的 {expected} 不一致，请重新保存。", place
            )
    evaluation = data.evaluation
    total = evaluation.budget_score + sum((row.score for row in data.rows), Decimal(0))
    if evaluation.total_score != total:
        yield Hit(f"总分 {evaluation.total_score} 与各项得分之和 {total} 不一致，请重新保存。")
    elif evaluation.grade != grade(total):
        yield Hit(f"自评等级“{evaluation.grade}”与总分 {total} 不相符，请重新保存。")


def shortfall_explained(data: EvaluationData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        if row.score < row.weight and not row.analysis.strip():
            yield Hit(f"{where}未得满分，请填写偏差原因分析及改进措施。", place, "analysis")


RULES: dict[str, StageRule] = {
    "evaluation_goal_actual": goal_actual,
    "evaluation_executed_over_budget": executed_over_budget,
    "evaluation_budget_rate": budget_rate_consistent,
    "evaluation_weights_sum": weights_sum,
    "evaluation_actual_blank": actual_blank,
    "evaluation_actual_number": actual_number,
    "evaluation_actual_unit": actual_unit,
    "evaluation_qualitative_choice": qualitative_choice,
    "evaluation_score_rule": score_by_rule,
    "evaluation_shortfall_explained": shortfall_explained,
}
