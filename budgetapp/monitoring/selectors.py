"""What the city's monitoring view shows: units × projects with their light, 执行率 against the
spending plan at the cut-off, and the sheets overdue. Read by the round page and by the
执行监控 tab of 审核工作台."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from budgetapp.targets.models import Status
from budgetapp.units.models import BudgetYear, Unit

from .access import rounds_visible_to
from .lights import Light, execution_rate, planned_share
from .models import MonitoringRound, MonitoringSheet


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
    units: list[UnitLines]  # the units of one page (all of them without a page)
    counts: list[tuple[str, str, int]]  # (label, light, number of sheets), the whole round
    overdue_count: int
    submitted_count: int
    sheet_count: int
    unit_count: int


def round_units(round_: MonitoringRound) -> QuerySet[Unit]:
    """The units with a sheet in the round, in the order of the region tree (a page's worth of
    them is shown at a time: a province's round has hundreds)."""
    return Unit.objects.filter(pk__in=round_.sheets.values("unit_id")).order_by(
        "region__path", "name", "pk"
    )


def round_view(
    round_: MonitoringRound, units: Sequence[Unit] | None = None, *, today: date | None = None
) -> RoundView:
    """The round's figures over all its sheets (one query), and the sheets of `units` (all the
    round's units when None) grouped by unit, in the order of the region tree."""
    past_due = (today or timezone.localdate()) > round_.due_date
    editable = Q(status__in=Status.editable())
    figures = round_.sheets.aggregate(
        total=Count("pk"),
        units=Count("unit", distinct=True),
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        waiting=Count("pk", filter=editable),
        **{f"light_{key or 'none'}": Count("pk", filter=Q(light=key)) for key in Light.LABELS},
    )
    sheets = round_.sheets.select_related("table", "unit").order_by(
        "unit__region__path", "unit__name", "unit_id", "table__sequence", "pk"
    )
    if units is not None:
        sheets = sheets.filter(unit__in=[unit.pk for unit in units])
    lines: dict[int, UnitLines] = {}
    for sheet in sheets:
        entry = lines.setdefault(sheet.unit_id, UnitLines(sheet.unit))
        entry.lines.append(
            SheetLine(
                sheet=sheet,
                rate=execution_rate(sheet.spent, sheet.budget),
                planned=planned_share(sheet.table.spending_plan, round_.cutoff_month),
                overdue=past_due and sheet.status in Status.editable(),
            )
        )
    return RoundView(
        round=round_,
        units=list(lines.values()),
        counts=[
            (label, key, figures[f"light_{key or 'none'}"]) for key, label in Light.LABELS.items()
        ],
        overdue_count=figures["waiting"] if past_due else 0,
        submitted_count=figures["submitted"],
        sheet_count=figures["total"],
        unit_count=figures["units"],
    )


def rounds_of_year(user: User | AnonymousUser, year: BudgetYear) -> list[MonitoringRound]:
    """The rounds of one year the user may view (a reviewer's city first, then below it)."""
    rounds = rounds_visible_to(user).filter(year=year).select_related("year", "region")
    return list(rounds.order_by("region__path"))
