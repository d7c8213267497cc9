"""The start page: the tables of my unit (or, for reviewers, my city's units) for one year."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from budgetapp.core.formatting import format_money
from budgetapp.core.paging import page_of, query_without_page
from budgetapp.units.access import account_of, can_file_for, role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role

from ..models import DepartmentTable, ProjectIndicator, ProjectTable, Status

# What the list shows of a project table; its rows are counted by one subquery each, on the
# rows' table index (a join and GROUP BY over every column sorted the page's 4,000 rows).
_LISTED = ("pk", "unit_id", "name", "code", "budget_total", "money_unit", "status", "sequence")
_indicator_count = (
    ProjectIndicator.objects.filter(table=OuterRef("pk"))
    .order_by()
    .values("table")
    .annotate(count=Count("pk"))
    .values("count")
)

# Units per page of the start page: a reviewer's city fits on one or two, a province's or the
# country's units are paged (with the count of the whole set).
PAGE_SIZE = 20


def _selected_year(request: HttpRequest, years: list[BudgetYear], visible) -> BudgetYear | None:
    requested = request.GET.get("year", "")
    by_year = {str(y.year): y for y in years}
    if requested in by_year:
        return by_year[requested]
    # The newest year with a table: an aggregate over the user's units (ordering the
    # tables by year probed every table of the country for an administrator).
    latest_with_tables = ProjectTable.objects.filter(unit__in=visible).aggregate(
        latest=Max("year__year")
    )["latest"]
    if latest_with_tables is not None:
        return by_year.get(str(latest_with_tables))
    return years[0] if years else None


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in lands (LOGIN_REDIRECT_URL): each role on the page its day starts
    with. A reviewer's is the dashboard of the work waiting for them; the others' the list."""
    if role_of(request.user) == Role.REVIEWER:
        return redirect("review:dashboard")
    return redirect("targets:home")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    account = account_of(request.user)
    # The 安全管理员 and 审计管理员 see no tables (三权分立): their start page is their own.
    if account is not None and account.role == Role.SECURITY_ADMIN:
        return redirect("security:accounts")
    if account is not None and account.role == Role.AUDIT_ADMIN:
        return redirect("security:audit_log")
    visible = units_visible_to(request.user)
    years = list(BudgetYear.objects.order_by("-year"))
    year = _selected_year(request, years, visible)
    account = account_of(request.user)
    units = []
    page = page_of(
        request,
        visible.select_related("region").order_by("region__path", "code", "name"),
        PAGE_SIZE,
    )
    if year is not None:
        # The tables of the units of this page only (a province has hundreds of units).
        shown = list(page.object_list)
        projects = (
            ProjectTable.objects.filter(unit__in=shown, year=year)
            .only(*_LISTED)
            .annotate(indicator_count=Coalesce(Subquery(_indicator_count), 0))
            .order_by("sequence", "pk")  # within a unit; the units come in the page's order
        )
        departments = {
            d.unit_id: d
            for d in DepartmentTable.objects.filter(unit__in=shown, year=year).only(
                "pk", "unit_id", "status"
            )
        }
        by_unit: dict[int, list[ProjectTable]] = {}
        for project in projects:
            by_unit.setdefault(project.unit_id, []).append(project)
        links = _links(year.year)
        for unit in shown:
            can_file = can_file_for(request.user, unit)
            projects = by_unit.get(unit.pk, [])
            department = departments.get(unit.pk)
            units.append(
                {
                    "unit": unit,
                    "department": department,
                    "department_url": links["department"](department.pk) if department else "",
                    "books": {
                        name: link(unit.pk) for name, link in links.items() if name != "department"
                    },
                    "projects": projects,
                    "project_rows": _project_rows(projects, can_file=can_file),
                    "can_file": can_file,
                }
            )
    return render(
        request,
        "targets/home.html",
        {
            "years": years,
            "year": year,
            "units": units,
            "account": account,
            "page": page,
            "query_string": query_without_page(request),
        },
    )


_PK = 987654321  # stands for a table's id in a reversed URL


def _links(year: int) -> dict[str, Callable[[int], str]]:
    """Each unit's links of the page, reversed once (a page lists 20 units) and then completed
    with the id of a unit or of its 部门整体 table."""

    def pattern(name: str, *args: object) -> Callable[[int], str]:
        before, after = reverse(name, args=args).split(str(_PK))
        return lambda pk: f"{before}{pk}{after}"

    return {
        "department": pattern("review:table", "department", _PK),
        "pdf": pattern("exports:unit_book", _PK, year, "pdf"),
        "xlsx": pattern("exports:unit_book", _PK, year, "xlsx"),
        "year_pdf": pattern("exports:unit_stage_book", _PK, year, "year", "pdf"),
        "year_xlsx": pattern("exports:unit_stage_book", _PK, year, "year", "xlsx"),
    }


def _project_rows(projects: list[ProjectTable], *, can_file: bool) -> SafeString:
    """The projects' rows of the table, built here: a city's reviewer sees hundreds, too many
    to resolve attribute by attribute in the template. Plain string operations with every
    value escaped (html.escape, as Django's escape), the same HTML `format_html_join` gave."""
    view = escape(reverse("review:table", args=["project", _PK]))
    edit = escape(reverse("targets:project_edit", args=[_PK]))
    labels = {status.value: escape(str(status.label)) for status in Status}
    pk_text = str(_PK)
    rows = []
    for project in projects:
        pk = str(project.pk)
        editing = (
            f' · <a href="{edit.replace(pk_text, pk)}">编辑</a>'
            if can_file and project.is_editable
            else ""
        )
        status = escape(project.status)
        rows.append(
            f'<tr data-project="{pk}"><td>{escape(project.title)}</td>'
            f'<td class="font-monospace small">{escape(project.code)}</td>'
            f'<td class="text-end">{escape(format_money(project.budget_total))} '
            f"{escape(project.money_unit)}</td><td>{project.indicator_count}</td>"
            f'<td><span class="badge status-{status}">{labels[project.status]}</span></td>'
            f'<td><a href="{view.replace(pk_text, pk)}">查看</a>{editing}</td></tr>'
        )
    return mark_safe("\n".join(rows))
