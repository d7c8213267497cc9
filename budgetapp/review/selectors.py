"""Reads of the review workflow: the reviewer's dashboard (its rows, counts and default year)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from budgetapp.targets.models import DepartmentTable, ProjectTable, Status, TargetTable
from budgetapp.targets.money import in_wan
from budgetapp.targets.selectors import tables_by_unit
from budgetapp.units.models import BudgetYear, Unit

# 财预〔2016〕143号: approved targets are disclosed within 20 days.
DISCLOSURE_DAYS = 20


def days_left(approved_at: datetime, today: date | None = None) -> int:
    """Days left to publish a table approved at `approved_at` (negative: overdue)."""
    today = today or timezone.localdate()
    return DISCLOSURE_DAYS - (today - timezone.localtime(approved_at).date()).days


@dataclass
class UnitRow:
    """One unit on the dashboard: its tables of the year, counted by state, and its budget."""

    unit: Unit
    tables: list[TargetTable] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    budget_wan: Decimal = Decimal("0")
    min_days_left: int | None = None

    @property
    def not_submitted(self) -> bool:
        """Nothing filed yet, or something still in the filer's hands."""
        return not self.tables or any(t.status in Status.editable() for t in self.tables)

    @property
    def overdue(self) -> bool:
        return self.min_days_left is not None and self.min_days_left < 0

    @property
    def overdue_days(self) -> int:
        return -self.min_days_left if self.min_days_left is not None and self.overdue else 0

    @property
    def approved_waiting(self) -> int:
        return self.counts.get(Status.APPROVED, 0)


def dashboard_rows(units: Sequence[Unit], year: BudgetYear) -> list[UnitRow]:
    """A row per unit, in the order given: its tables, counts by state, the project tables'
    预算数 in 万元 and the fewest days left to publish an approved table."""
    tables = tables_by_unit(units, year)
    rows = []
    for unit in units:
        row = UnitRow(unit, tables[unit.pk])
        for table in row.tables:
            row.counts[table.status] = row.counts.get(table.status, 0) + 1
            if isinstance(table, ProjectTable):
                row.budget_wan += in_wan(table.budget_total, table.money_unit)
            if table.status == Status.APPROVED and table.approved_at:
                left = days_left(table.approved_at)
                row.min_days_left = (
                    left if row.min_days_left is None else min(row.min_days_left, left)
                )
        rows.append(row)
    return rows


@dataclass(frozen=True)
class StateCount:
    """One of the counts above the list: how many tables (or units) are in a state."""

    filter: str
    label: str
    count: int
    noun: str
    urgent: bool


def state_counts(rows: list[UnitRow]) -> list[StateCount]:
    tables: dict[str, int] = {}
    for row in rows:
        for status, count in row.counts.items():
            tables[status] = tables.get(status, 0) + count
    overdue = sum(1 for row in rows if row.overdue)
    not_submitted = sum(1 for row in rows if row.not_submitted)
    waiting = tables.get(Status.SUBMITTED, 0)
    approved = tables.get(Status.APPROVED, 0)
    return [
        StateCount("submitted", "待审核", waiting, "张表", waiting > 0),
        StateCount("approved", "待公开", approved, "张表", approved > 0),
        StateCount("overdue", "公开逾期", overdue, "个单位", overdue > 0),
        StateCount("returned", "已退回", tables.get(Status.RETURNED, 0), "张表", False),
        StateCount("not_submitted", "未提交", not_submitted, "个单位", False),
        StateCount("published", "已公开", tables.get(Status.PUBLISHED, 0), "张表", False),
    ]


def default_year(years: list[BudgetYear], units: QuerySet[Unit]) -> BudgetYear | None:
    """The latest year with tables waiting for review; else the latest year with any table;
    else the latest year (years come newest first)."""
    by_pk = {year.pk: year for year in years}
    for statuses in ([Status.SUBMITTED], list(Status)):
        latest = [
            model.objects.filter(unit__in=units, status__in=statuses)
            .order_by("-year__year")
            .values_list("year_id", flat=True)
            .first()
            for model in (ProjectTable, DepartmentTable)
        ]
        found = [by_pk[pk] for pk in latest if pk in by_pk]
        if found:
            return max(found, key=lambda year: year.year)
    return years[0] if years else None
