"""The 智能审核 rules of a monitoring sheet, in the filer's words.

Each rule is a function `(SheetData, params) -> Iterator[Hit]`, registered under its code for
the stage `monitoring` by `MonitoringConfig.ready()`. Its row in `checks.CheckRule` (installed
by `checks/migrations/0006_stage_rules.py`) says whether it runs, its severity and its params:
errors block submission (`services.submit_sheet`), warnings are shown on the sheet page only.
Each finding names its row (第3行 …) so the filer finds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from budgetapp.checks.engine import Hit, Report
from budgetapp.checks.models import Stage
from budgetapp.checks.stages import StageRow, StageRule, run_stage_checks
from budgetapp.indicators.values import parse_target

from .lights import Light, Likelihood, execution_rate, planned_share
from .models import DeviationCause, MonitoringRow, MonitoringSheet

STAGE = Stage.MONITORING


@dataclass
class SheetData:
    """What the rules read: the saved sheet and its indicator rows, read once."""

    sheet: MonitoringSheet
    rows: list[MonitoringRow]

    @classmethod
    def of(cls, sheet: MonitoringSheet) -> SheetData:
        return cls(sheet, list(sheet.rows.all()))

    @property
    def period(self) -> str:
        return self.sheet.round.period_label

    def numbered(self) -> Iterator[tuple[StageRow, str, MonitoringRow]]:
        """Each row with its place and the `第N行 名称：` its messages start with."""
        for position, row in enumerate(self.rows, 1):
            yield StageRow(position, row.pk), f"第{position}行 {row.name}：", row


def check_sheet(sheet: MonitoringSheet) -> Report:
    """The findings of the enabled monitoring rules on a saved sheet."""
    return run_stage_checks(STAGE, SheetData.of(sheet))


def _decimal(value: object, default: str = "0") -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(default)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def unit_mismatch(target: str, typed: str) -> bool:
    """A value typed with a unit other than the target's (`17次` against `≥20人`)."""
    goal, value = parse_target(target), parse_target(typed)
    if not (goal.is_quantitative and value.is_quantitative and goal.unit and value.unit):
        return False
    return goal.unit.strip() != value.unit.strip()


# --- spending ---------------------------------------------------------------------------------


def spending_blank(data: SheetData, params: dict) -> Iterator[Hit]:
    if data.sheet.spent is None:
        yield Hit(f"请填写{data.period}执行数。", field="spent")
    if data.sheet.projected_spend is None:
        yield Hit("请填写全年预计执行数。", field="projected_spend")


def lag_reason(data: SheetData, params: dict) -> Iterator[Hit]:
    sheet = data.sheet
    rate = execution_rate(sheet.spent, sheet.budget)
    planned = planned_share(sheet.table.spending_plan, sheet.round.cutoff_month)
    if rate is None or planned is None or sheet.lag_reason.strip():
        return
    if rate < planned - _decimal(params.get("points", "0")):
        yield Hit(
            f"执行率 {rate}% 低于支出计划进度 {planned}%，请填写执行偏差原因。", field="lag_reason"
        )


def _over_budget(amount: Decimal | None, budget: Decimal | None, params: dict) -> bool:
    if amount is None or budget is None:
        return False
    return Decimal(amount) > Decimal(budget) + _decimal(params.get("tolerance", "0"))


def spent_over_budget(data: SheetData, params: dict) -> Iterator[Hit]:
    sheet = data.sheet
    if _over_budget(sheet.spent, sheet.budget, params):
        yield Hit(
            f"{data.period}执行数 {_money(sheet.spent)} 超过年初预算数 {_money(sheet.budget)}"
            f"（{sheet.get_money_unit_display()}），请核对。",
            field="spent",
        )


def projected_over_budget(data: SheetData, params: dict) -> Iterator[Hit]:
    sheet = data.sheet
    if _over_budget(sheet.projected_spend, sheet.budget, params):
        yield Hit(
            f"全年预计执行数 {_money(sheet.projected_spend)} 超过年初预算数 "
            f"{_money(sheet.budget)}（{sheet.get_money_unit_display()}）；预算已调整的，"
            "请在执行偏差原因中说明。",
            field="projected_spend",
        )


# --- indicators -------------------------------------------------------------------------------


def value_blank(data: SheetData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        if not row.to_date and not row.projected and parse_target(row.target).is_quantitative:
            yield Hit(f"{where}请填写{data.period}实际完成值或全年预计完成值。", place, "to_date")


def likelihood_blank(data: SheetData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        if not row.likelihood:
            yield Hit(f"{where}请选择完成目标可能性。", place, "likelihood")


def value_unit(data: SheetData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        for field, value in (("to_date", row.to_date), ("projected", row.projected)):
            if value and unit_mismatch(row.target, value):
                yield Hit(f"{where}“{value}”的计量单位与指标值“{row.target}”不一致。", place, field)


def shortfall_explained(data: SheetData, params: dict) -> Iterator[Hit]:
    lights = params.get("lights", [Light.AMBER, Light.RED])
    for place, where, row in data.numbered():
        if row.light not in lights:
            continue
        if not row.causes:
            yield Hit(f"{where}预计不能完全达成目标，请选择偏差原因。", place, "causes")
        if not row.measures.strip():
            yield Hit(f"{where}预计不能完全达成目标，请填写完善措施。", place, "measures")


def other_cause_note(data: SheetData, params: dict) -> Iterator[Hit]:
    for place, where, row in data.numbered():
        if DeviationCause.OTHER in row.causes and not row.cause_note.strip():
            yield Hit(f"{where}偏差原因选了“其他”，请说明具体原因。", place, "cause_note")


def likelihood_consistent(data: SheetData, params: dict) -> Iterator[Hit]:
    # 确定能 never darkens a light, so a 黄/红 row chosen 确定能 is short by its own numbers.
    for place, where, row in data.numbered():
        if row.likelihood == Likelihood.CERTAIN and row.light in (Light.AMBER, Light.RED):
            yield Hit(
                f"{where}按填写的完成值预计达不到目标（{Light.LABELS[row.light]}灯），"
                "完成目标可能性却选了“确定能”，请核对。",
                place,
                "likelihood",
            )


RULES: dict[str, StageRule] = {
    "monitoring_spending_blank": spending_blank,
    "monitoring_lag_reason": lag_reason,
    "monitoring_spent_over_budget": spent_over_budget,
    "monitoring_projected_over_budget": projected_over_budget,
    "monitoring_value_blank": value_blank,
    "monitoring_likelihood_blank": likelihood_blank,
    "monitoring_value_unit": value_unit,
    "monitoring_shortfall_explained": shortfall_explained,
    "monitoring_other_cause_note": other_cause_note,
    "monitoring_likelihood_consistent": likelihood_consistent,
}
