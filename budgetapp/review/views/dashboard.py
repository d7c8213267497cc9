"""The reviewer's workspace: every unit of the city for one year, and the unit-wide actions."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip
from budgetapp.core.paging import page_of, query_without_page
from budgetapp.exports.models import ExportJob
from budgetapp.targets.models import Status
from budgetapp.units.access import role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role, Unit

from .. import services
from ..selectors import (
    DISCLOSURE_DAYS,
    UnitRow,
    attach_tables,
    default_year,
    state_counts,
    summarize,
)

# Units per page of the dashboard (a province has hundreds, the country thousands).
PAGE_SIZE = 50
_PK = 987654321  # stands for a table's id in a reversed URL


def _short(name: str, length: int = 12) -> str:
    """As the template filter truncatechars:12."""
    return name if len(name) <= length else f"{name[: length - 1]}…"


def _add_links(rows: list[UnitRow]) -> None:
    """Each row's tables as links with their states, built here: a city's page lists hundreds,
    too many to resolve attribute by attribute in the template. Plain string operations with
    every value escaped (html.escape, as Django's escape): the HTML `format_html_join` gave."""
    pk_text = str(_PK)
    urls = {
        kind: escape(reverse("review:table", args=[kind, _PK]))
        for kind in ("project", "department")
    }
    labels = {status.value: escape(str(status.label)) for status in Status}
    for row in rows:
        row.links = mark_safe(
            "".join(
                f'<a href="{urls[t.kind].replace(pk_text, str(t.pk))}" class="me-2">'
                f"{'部门整体' if t.kind == 'department' else escape(f'{t.sequence}.{_short(t.name)}')}"
                f'</a><span class="badge status-{escape(t.status)} me-2">{labels[t.status]}</span>'
                for t in row.tables
            )
        )


def _add_urls(rows: list[UnitRow], year: int) -> None:
    """Each row's book and 公开 URLs: reversed once per page and completed per unit (three
    reverses per row were a quarter of the template's time on a page of 50 units)."""
    pk_text = str(_PK)
    pdf, xlsx = (reverse("exports:unit_book", args=[_PK, year, fmt]) for fmt in ("pdf", "xlsx"))
    publish = reverse("review:publish_unit_confirm", args=[_PK, year])
    for row in rows:
        unit = str(row.unit_id)
        row.book_pdf = pdf.replace(pk_text, unit)
        row.book_xlsx = xlsx.replace(pk_text, unit)
        row.publish_url = publish.replace(pk_text, unit)


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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人可以查看审核工作台。")
    years = list(BudgetYear.objects.order_by("-year"))
    by_year = {str(y.year): y for y in years}
    visible = units_visible_to(request.user)
    year = by_year.get(request.GET.get("year", "")) or default_year(years, visible)
    units = visible.order_by("region__path", "code", "name")
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(name__icontains=query)
    all_rows = summarize(units, year) if year else []
    counts = state_counts(all_rows)
    # Work waiting comes first: without a choice, the list opens on 待审核 when there is any.
    chosen = request.GET.get("filter") or ("submitted" if counts[0].count else "all")
    if chosen not in FILTERS:
        chosen = "all"
    label, keep = FILTERS[chosen]
    rows = [row for row in all_rows if keep(row)]
    # The whole set's figures; the units of one page with their tables.
    page = page_of(request, rows, PAGE_SIZE)
    if year:
        attach_tables(list(page.object_list), year)
        _add_links(list(page.object_list))
        _add_urls(list(page.object_list), year.year)
    return render(
        request,
        "review/dashboard.html",
        {
            "years": years,
            "year": year,
            "rows": page.object_list,
            "page": page,
            "query_string": query_without_page(request),
            "unit_count": len(rows),
            "table_count": sum(row.table_count for row in rows),
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
