"""Reads of the review workflow: the reviewer's dashboard (its rows, counts and default year)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple, TypeVar

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from budgetapp.targets.models import DepartmentTable, MoneyUnit, ProjectTable, Status
from budgetapp.targets.money import in_wan
from budgetapp.units.models import BudgetYear, Unit

_Table = TypeVar("_Table", ProjectTable, DepartmentTable)

# 财预〔2016〕143号: approved targets are disclosed within 20 days.
DISCLOSURE_DAYS = 20


def days_left(approved_at: datetime, today: date | None = None) -> int:
    """Days left to publish a table approved at `approved_at` (negative: overdue)."""
    today = today or timezone.localdate()
    return DISCLOSURE_DAYS - (today - timezone.localtime(approved_at).date()).days


# The filer's states, once (an enum's members are slow to reach: the country has 3,361 rows).
_EDITABLE = tuple(str(status) for status in Status.editable())


@dataclass(slots=True)
class UnitRow:
    """One unit on the dashboard: its tables of the year counted by state, and its budget.
    `unit` and `tables` are loaded for the rows of the page shown (`attach_tables`)."""

    unit: Unit | None
    unit_id: int = 0
    tables: list[ListedTable] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    budget_wan: Decimal = Decimal("0")
    min_days_left: int | None = None
    links: str = ""  # the tables' links and states, built by the dashboard view
    # The unit's book (PDF, Excel) and its 公开 confirmation, reversed by the dashboard view.
    book_pdf: str = ""
    book_xlsx: str = ""
    publish_url: str = ""

    @property
    def table_count(self) -> int:
        return sum(self.counts.values())

    @property
    def not_submitted(self) -> bool:
        """Nothing filed yet, or something still in the filer's hands."""
        counts = self.counts
        return not any(counts.values()) or any(counts.get(s, 0) for s in _EDITABLE)

    @property
    def overdue(self) -> bool:
        return self.min_days_left is not None and self.min_days_left < 0

    @property
    def overdue_days(self) -> int:
        return -self.min_days_left if self.min_days_left is not None and self.overdue else 0

    @property
    def approved_waiting(self) -> int:
        return self.counts.get(Status.APPROVED, 0)


def _of_units(tables: QuerySet[_Table], units: QuerySet[Unit]) -> QuerySet[_Table]:
    """The `tables` of `units`. Every unit (an administrator's scope) adds no condition: every
    table has a unit, and joining the country's 3,361 units to its 48,000 tables of a year cost
    PostgreSQL a hash join of each (issue 17)."""
    if not units.query.has_filters():
        return tables
    return tables.filter(unit__in=units.order_by().values("pk"))


def summarize(units: QuerySet[Unit], year: BudgetYear) -> list[UnitRow]:
    """One row per unit of the queryset `units`, in its order, from two grouped queries
    (counts per state, the projects' 预算数 in 万元, the oldest approval): however many units
    and tables, no table and no unit is loaded (`attach_tables` loads one page's)."""
    rows = {pk: UnitRow(None, pk) for pk in units.values_list("pk", flat=True)}
    today = timezone.localdate()
    approved = Q(status=Status.APPROVED)
    # A group per unit and state (the country's 48,000 project tables of a year in some 3,000
    # groups); the projects' 预算数 summed per money unit (any other than 万元 is 元, as
    # targets.money takes it), so that each sum converts to 万元 once, as every other sum
    # does; the oldest approval of the approved tables only (a published table's is not read).
    in_wan_yuan = Q(money_unit=MoneyUnit.WAN_YUAN)
    sums = {
        "wan": Sum("budget_total", filter=in_wan_yuan),
        "yuan": Sum("budget_total", filter=~in_wan_yuan),
    }
    units_of_sums = (MoneyUnit.WAN_YUAN, MoneyUnit.YUAN)
    for model, budgets in ((DepartmentTable, {}), (ProjectTable, sums)):
        grouped = (
            _of_units(model.objects.filter(year=year), units)
            .order_by()
            .values_list("unit_id", "status")
            .annotate(count=Count("*"), oldest=Min("approved_at", filter=approved), **budgets)
        )
        for unit_id, status, count, oldest, *budget in grouped:
            row = rows[unit_id]
            row.counts[status] = row.counts.get(status, 0) + count
            for money_unit, amount in zip(units_of_sums, budget, strict=False):
                if amount is not None:
                    row.budget_wan += in_wan(amount, money_unit)
            if oldest is not None:
                left = days_left(oldest, today)
                row.min_days_left = (
                    left if row.min_days_left is None else min(row.min_days_left, left)
                )
    return list(rows.values())


class ListedTable(NamedTuple):
    """A table as the dashboard lists it: a link with its state (no model instance: a page
    lists some 700)."""

    kind: str
    pk: int
    unit_id: int
    status: str
    sequence: int = 0
    name: str = ""


def attach_tables(rows: list[UnitRow], year: BudgetYear) -> None:
    """The units of one page and their tables of the year (the department table first, then
    the projects in their order): four queries, only the fields the dashboard shows."""
    by_unit = {row.unit_id: row for row in rows}
    for unit in Unit.objects.filter(pk__in=list(by_unit)).select_related("region"):
        by_unit[unit.pk].unit = unit
    fields = ("pk", "unit_id", "status")
    tables: list[ListedTable] = [
        *(
            ListedTable("department", *values)
            for values in DepartmentTable.objects.filter(unit__in=list(by_unit), year=year)
            .order_by()
            .values_list(*fields)
        ),
        *(
            ListedTable("project", *values)
            for values in ProjectTable.objects.filter(unit__in=list(by_unit), year=year)
            .order_by("sequence", "pk")
            .values_list(*fields, "sequence", "name")
        ),
    ]
    for table in tables:
        by_unit[table.unit_id].tables.append(table)


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
    # The years with a submitted table: a few thousand rows of the country, found through the
    # partial indexes on them (aggregating every table of the country by year took an
    # administrator's dashboard 35-75 ms of PostgreSQL, issue 17).
    waiting = set(
        _of_units(ProjectTable.objects.filter(status=Status.SUBMITTED), units)
        .order_by()
        .values_list("year_id", flat=True)
        .union(
            _of_units(DepartmentTable.objects.filter(status=Status.SUBMITTED), units)
            .order_by()
            .values_list("year_id", flat=True)
        )
    )
    # Whether each year has any table: one probe per year, stopping at the first table found.
    filed = {
        pk
        for pk, has_tables in BudgetYear.objects.order_by()
        .annotate(
            has_tables=Exists(_of_units(ProjectTable.objects.filter(year=OuterRef("pk")), units))
            | Exists(_of_units(DepartmentTable.objects.filter(year=OuterRef("pk")), units))
        )
        .values_list("pk", "has_tables")
        if has_tables
    }
    for chosen in (waiting, filed):
        found = [year for year in years if year.pk in chosen]
        if found:
            return max(found, key=lambda year: year.year)
    return years[0] if years else None
