"""What the city's monitoring view shows: units × projects with their light, 执行率 against the
spending plan at the cut-off, and the sheets overdue. Read by the round page and by the
执行监控 tab of 审核工作台."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from budgetapp.targets.models import Status
from budgetapp.units.models import BudgetYear, Unit

from .access import rounds_visible_to
from .lights import Light, execution_rate, planned_share
from .models import MonitoringRound, MonitoringSheet
from .services import lights_summary


@dataclass
class SheetLine:
    sheet: MonitoringSheet
    rate: Decimal | None  # 执行率 (%)
    planned: Decimal | None  # the spending plan's share at the cut-off (%)
    overdue: bool

    @property
    def behind_plan(self) -> bool:
        return self.rate is not None and self.planned is not None and self.rate < self.planned


@dataclass
class UnitLines:
    unit: Unit
    lines: list[SheetLine] = field(default_factory=list)


@dataclass
class RoundView:
    round: MonitoringRound
    units: list[UnitLines]
    counts: list[tuple[str, str, int]]  # (label, light, number of sheets)
    overdue_count: int
    submitted_count: int
    sheet_count: int


def round_view(round_: MonitoringRound, *, today: date | None = None) -> RoundView:
    """The round's sheets grouped by unit, in the order of the region tree."""
    sheets = list(
        round_.sheets.select_related("table", "unit").order_by(
            "unit__region__path", "unit__name", "table__sequence"
        )
    )
    past_due = (today or timezone.localdate()) > round_.due_date
    units: dict[int, UnitLines] = {}
    for sheet in sheets:
        entry = units.setdefault(sheet.unit_id, UnitLines(sheet.unit))
        entry.lines.append(
            SheetLine(
                sheet=sheet,
                rate=execution_rate(sheet.spent, sheet.budget),
                planned=planned_share(sheet.table.spending_plan, round_.cutoff_month),
                overdue=past_due and sheet.status in Status.editable(),
            )
        )
    counts = lights_summary(sheets)
    return RoundView(
        round=round_,
        units=list(units.values()),
        counts=[(Light.LABELS[key], key, counts.get(key, 0)) for key in Light.LABELS],
        overdue_count=sum(1 for entry in units.values() for line in entry.lines if line.overdue),
        submitted_count=sum(1 for s in sheets if s.status == Status.SUBMITTED),
        sheet_count=len(sheets),
    )


def rounds_of_year(user: User | AnonymousUser, year: BudgetYear) -> list[MonitoringRound]:
    """The rounds of one year the user may view (a reviewer's city first, then below it)."""
    rounds = rounds_visible_to(user).filter(year=year).select_related("year", "region")
    return list(rounds.order_by("region__path"))
