"""Demo data for the later stages: 张家口市残联本级 2021 monitored at 1–7月 and self-evaluated.

The figures are invented, not taken from any published document, and every text the demo
writes starts with 【演示数据】. They are made from each indicator's own 指标值 so they read
plausibly: most rows on track, every seventh at risk (黄) and every eleventh short (红), and
one project spending behind its plan, so the lights, the shortfall explanations and the scores
all have something to show. Everything goes through the same services as a person's clicks.
"""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from budgetapp.evaluation import services as evaluation
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.indicators.values import Comparator, parse_target
from budgetapp.monitoring import services as monitoring
from budgetapp.monitoring.lights import Likelihood, planned_share
from budgetapp.monitoring.models import DeviationCause, MonitoringRound
from budgetapp.review.stage_workflow import StageProblems
from budgetapp.units.models import BudgetYear, Unit

from .publishing import UNIT_NAME, YEAR

MARK = "【演示数据】"
CUTOFF_MONTH = 7


def _share(position: int) -> Decimal:
    """How much of its target a row reaches: every 11th row 60 %, every 7th 93 %, else all."""
    if position % 11 == 0:
        return Decimal("0.6")
    if position % 7 == 0:
        return Decimal("0.93")
    return Decimal(1)


def _value(target: str, share: Decimal, *, elapsed: Decimal = Decimal(1)) -> str:
    parsed = parse_target(target)
    if parsed.number is None:
        return ""
    number = parsed.number
    step = Decimal(1) if number == number.to_integral() else Decimal("0.1")
    if parsed.comparator in (Comparator.LE, Comparator.LT):
        value = number * (2 - share)  # a ceiling: falling short means going over it
        if share == 1 and parsed.comparator == Comparator.LT:
            value -= step
    else:
        value = number * share
        if share == 1 and parsed.comparator == Comparator.GT:
            value += step  # `>90%` is met by 91%, not by 90%
    if not parsed.is_percentage:
        value *= elapsed
    return f"{value.quantize(step, rounding=ROUND_HALF_UP)}{parsed.unit}"


def _likelihood(share: Decimal) -> str:
    if share == 1:
        return Likelihood.CERTAIN
    return Likelihood.POSSIBLE if share > Decimal("0.9") else Likelihood.IMPOSSIBLE


def _fill_sheet(sheet, filer, *, slow: bool) -> None:
    rows = {}
    for position, row in enumerate(sheet.rows.all(), 1):
        share = _share(position)
        quantitative = parse_target(row.target).is_quantitative
        short = share < 1
        rows[row.pk] = monitoring.RowInput(
            to_date=_value(row.target, share, elapsed=Decimal(CUTOFF_MONTH) / 12)
            if quantitative
            else "按计划推进",
            projected=_value(row.target, share) if quantitative else "",
            likelihood=_likelihood(share),
            causes=[DeviationCause.FUNDING] if short else [],
            measures=f"{MARK}加快资金拨付，调整下半年实施计划。" if short else "",
        )
    planned = planned_share(sheet.table.spending_plan, CUTOFF_MONTH) or Decimal(50)
    spent = sheet.budget * planned / 100 * (Decimal("0.6") if slow else Decimal(1))
    monitoring.save_sheet(
        user=filer,
        sheet=sheet,
        data=monitoring.SheetInput(
            spent=spent.quantize(Decimal("0.01")),
            projected_spend=sheet.budget,
            lag_reason=f"{MARK}部分资金待下半年集中拨付。" if slow else "",
            rows=rows,
        ),
        loaded_version=sheet.version,
    )


def _fill_evaluation(item: SelfEvaluation, filer, *, slow: bool) -> None:
    rows = {}
    for position, row in enumerate(item.rows.all(), 1):
        share = _share(position)
        quantitative = parse_target(row.target).is_quantitative
        rows[row.pk] = evaluation.RowInput(
            actual=_value(row.target, share) if quantitative else "已完成",
            qualitative="" if quantitative else "full",
            analysis=f"{MARK}受资金到位时间影响未完全达成，下年度提前谋划、按月调度。"
            if share < 1
            else "",
        )
    executed = item.fiscal_full_year * (Decimal("0.85") if slow else Decimal("0.98"))
    evaluation.save_evaluation(
        user=filer,
        evaluation=item,
        data=evaluation.EvaluationInput(
            money={"fiscal_executed": executed.quantize(Decimal("0.01"))},
            goal_actual=f"{MARK}全年按计划实施，主要目标基本完成。",
            weights_reason="",
            rows=rows,
        ),
        loaded_version=item.version,
    )


def load_stage_demo() -> tuple[int, int]:
    """Open the 1–7月 round and fill every sheet, then self-evaluate every table; returns how
    many sheets and evaluations were made (0, 0 when the demo stages exist already)."""
    unit = Unit.objects.select_related("region").get(name=UNIT_NAME)
    year = BudgetYear.objects.get(year=YEAR)
    if MonitoringRound.objects.filter(region=unit.region, year=year).exists():
        return 0, 0
    users = get_user_model().objects
    filer, reviewer = users.get(username="zjk_filer"), users.get(username="zjk_reviewer")
    round_ = monitoring.open_round(
        user=reviewer,
        region=unit.region,
        year=year,
        cutoff_month=CUTOFF_MONTH,
        due_date=date(YEAR, 8, 10),
    )
    sheets = list(
        round_.sheets.filter(unit=unit).select_related("table").order_by("table__sequence")
    )
    evaluations = 0
    for index, sheet in enumerate(sheets):
        slow = index == 1  # one project spends behind its plan
        _fill_sheet(sheet, filer, slow=slow)
        with contextlib.suppress(StageProblems):  # else left in draft, problems on its page
            monitoring.submit_sheet(sheet=sheet, user=filer)
        item = evaluation.start_evaluation(user=filer, table=sheet.table)
        _fill_evaluation(item, filer, slow=slow)
        with contextlib.suppress(StageProblems):
            evaluation.submit_evaluation(evaluation=item, user=filer)
        evaluations += 1
    return len(sheets), evaluations
