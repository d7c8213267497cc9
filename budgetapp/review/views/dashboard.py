"""The reviewer's workspace: every unit of the city for one year, and the unit-wide actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip
from budgetapp.exports.models import ExportJob
from budgetapp.targets.models import DepartmentTable, MoneyUnit, ProjectTable, Status, TargetTable
from budgetapp.units.access import role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role, Unit

from .. import services

# 财预〔2016〕143号: approved targets are disclosed within 20 days.
DISCLOSURE_DAYS = 20
_WAN = Decimal("10000")


def days_left(approved_at, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return DISCLOSURE_DAYS - (today - timezone.localtime(approved_at).date()).days


@dataclass
class UnitRow:
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
        return -self.min_days_left if self.overdue else 0

    @property
    def approved_waiting(self) -> int:
        return self.counts.get(Status.APPROVED, 0)


def _budget_in_wan(table: ProjectTable) -> Decimal:
    return table.budget_total / _WAN if table.money_unit == MoneyUnit.YUAN else table.budget_total


def build_rows(units, year: BudgetYear) -> list[UnitRow]:
    rows = {unit.pk: UnitRow(unit) for unit in units}
    tables: list[TargetTable] = [
        *DepartmentTable.objects.filter(unit__in=units, year=year),
        *ProjectTable.objects.filter(unit__in=units, year=year).order_by("sequence", "pk"),
    ]
    for table in tables:
        row = rows[table.unit_id]
        row.tables.append(table)
        row.counts[table.status] = row.counts.get(table.status, 0) + 1
        if isinstance(table, ProjectTable):
            row.budget_wan += _budget_in_wan(table)
        if table.status == Status.APPROVED and table.approved_at:
            left = days_left(table.approved_at)
            row.min_days_left = left if row.min_days_left is None else min(row.min_days_left, left)
    return list(rows.values())


# The filters in the order a reviewer works through them: what waits for them first.
FILTERS = {
    "submitted": ("待审核", lambda row: row.counts.get(Status.SUBMITTED, 0) > 0),
    "approved": ("待公开", lambda row: row.approved_waiting > 0),
    "overdue": ("公开逾期", lambda row: row.overdue),
    "returned": ("已退回", lambda row: row.counts.get(Status.RETURNED, 0) > 0),
    "not_submitted": ("未提交", lambda row: row.not_submitted),
    "published": ("已公开", lambda row: row.counts.get(Status.PUBLISHED, 0) > 0),
    "all": ("全部单位", lambda row: True),
}


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


def default_year(years: list[BudgetYear], units) -> BudgetYear | None:
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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人可以查看审核工作台。")
    years = list(BudgetYear.objects.order_by("-year"))
    by_year = {str(y.year): y for y in years}
    visible = units_visible_to(request.user)
    year = by_year.get(request.GET.get("year", "")) or default_year(years, visible)
    units = visible.select_related("region").order_by("region__path", "code", "name")
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(name__icontains=query)
    all_rows = build_rows(list(units), year) if year else []
    counts = state_counts(all_rows)
    # Work waiting comes first: without a choice, the list opens on 待审核 when there is any.
    chosen = request.GET.get("filter") or ("submitted" if counts[0].count else "all")
    if chosen not in FILTERS:
        chosen = "all"
    label, keep = FILTERS[chosen]
    rows = [row for row in all_rows if keep(row)]
    return render(
        request,
        "review/dashboard.html",
        {
            "years": years,
            "year": year,
            "rows": rows,
            "filters": [(key, name) for key, (name, _) in FILTERS.items()],
            "chosen": chosen,
            "chosen_label": label,
            "state_counts": counts,
            "query": query,
            "total_wan": sum((row.budget_wan for row in rows), Decimal("0")),
            "disclosure_days": DISCLOSURE_DAYS,
            "export_jobs": ExportJob.objects.filter(requested_by=request.user).select_related(
                "year"
            )[:5],
        },
    )


def _unit_step(
    request: HttpRequest, unit_pk: int, year: int, step, done: str, back: str
) -> HttpResponse:
    """Run a unit-wide workflow step; `done` is formatted with the unit and the count."""
    unit = get_object_or_404(units_visible_to(request.user), pk=unit_pk)
    budget_year = get_object_or_404(BudgetYear, year=year)
    try:
        results = step(unit=unit, year=budget_year, user=request.user, ip=client_ip(request))
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except TableError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(unit=unit.name, count=len(results)))
    return redirect(f"{reverse(back)}?year={year}")


@login_required
@require_POST
def publish_unit(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    return _unit_step(
        request,
        unit_pk,
        year,
        services.publish_unit,
        "已公开 {unit} 的 {count} 张表。",
        "review:dashboard",
    )


def _submit_all(*, unit: Unit, year: BudgetYear, user, ip: str | None, request: HttpRequest):
    submitted = services.submit_all(unit=unit, year=year, user=user, ip=ip)
    if submitted.held:
        listing = "；".join(f"{table.title}（{why}）" for table, why in submitted.held)
        messages.warning(
            request,
            f"以下 {len(submitted.held)} 张表有智能审核提示，未随“全部提交”提交，"
            f"请打开各表修改错误或逐条说明警告后单独提交：{listing}",
        )
    return submitted


@login_required
@require_POST
def submit_unit(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Submit the unit's clean tables; the ones with findings are named for the filer."""

    def step(**kwargs):
        return _submit_all(request=request, **kwargs)

    return _unit_step(
        request,
        unit_pk,
        year,
        step,
        "已提交 {count} 张表，等待审核。",
        "targets:home",
    )
