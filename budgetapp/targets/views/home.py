"""The start page: the tables of my unit (or, for reviewers, my city's units) for one year."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from html import escape

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from budgetapp.core.formatting import format_money
from budgetapp.core.paging import counted_page_of, query_without_page
from budgetapp.units.access import account_of, can_file_for, role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role, Unit

from ..models import DepartmentTable, ProjectIndicator, ProjectTable, Status
from .home_units import PROJECT_FIELDS, ListedDepartment, ListedProject, unit_section_html

# A project table's rows are counted by one subquery each, on the rows' table index (a join
# and GROUP BY over every column sorted the page's 4,000 rows). COUNT(*), not COUNT(id): the
# index holds no id, so only COUNT(*) is an index-only scan on a vacuumed table (a city's 304
# tables: 1.3–2.0 ms instead of 2.1–2.2, docs/performance.md "Vacuumed like production").
_indicator_count = (
    ProjectIndicator.objects.filter(table=OuterRef("pk"))
    .order_by()
    .values("table")
    .annotate(count=Count("*"))
    .values("count")
)

# Units per page of the start page: a reviewer's city fits on one or two, a province's or the
# country's units are paged (with the count of the whole set).
PAGE_SIZE = 20


def _years(visible: QuerySet[Unit]) -> list[BudgetYear]:
    """The budget years, newest first, each marked whether the user's units have a table in
    it (`has_tables`): one query for the year list and the default year both."""
    with_tables = ProjectTable.objects.filter(year=OuterRef("pk"), unit__in=visible)
    return list(BudgetYear.objects.order_by("-year").annotate(has_tables=Exists(with_tables)))


def _selected_year(request: HttpRequest, years: list[BudgetYear]) -> BudgetYear | None:
    requested = request.GET.get("year", "")
    by_year = {str(y.year): y for y in years}
    if requested in by_year:
        return by_year[requested]
    # The newest year with a table of the user's units (an aggregate over their tables cost
    # an administrator 25 ms; one EXISTS per year stops at the first table).
    latest_with_tables = next((y for y in years if y.has_tables), None)  # type: ignore[attr-defined]
    if latest_with_tables is not None:
        return latest_with_tables
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
    years = _years(visible)
    year = _selected_year(request, years)
    listed_units = visible.order_by("region__path", "code", "name")
    if year is not None:
        # Each unit's 部门整体 table of the year read with the unit (one query less).
        department = DepartmentTable.objects.filter(unit=OuterRef("pk"), year=year).order_by()
        listed_units = listed_units.annotate(
            department_pk=Subquery(department.values("pk")[:1]),
            department_status=Subquery(department.values("status")[:1]),
        )
    units = []
    page = counted_page_of(request, listed_units, PAGE_SIZE)
    if year is not None:
        # The tables of the units of this page only (a province has hundreds of units).
        shown = list(page.object_list)
        by_unit: dict[int, list[ListedProject]] = {}
        for row in (
            ProjectTable.objects.filter(unit__in=shown, year=year)
            .annotate(indicator_count=Coalesce(Subquery(_indicator_count), 0))
            .order_by("sequence", "pk")  # within a unit; the units come in the page's order
            .values_list(*PROJECT_FIELDS)
        ):
            listed = ListedProject(*row)
            by_unit.setdefault(listed.unit_id, []).append(listed)
        links = _links(year.year)
        for unit in shown:
            department = (
                ListedDepartment(unit.department_pk, unit.department_status)
                if unit.department_pk is not None
                else None
            )
            units.append(
                unit_entry(
                    unit,
                    year=year.year,
                    department=department,
                    projects=by_unit.get(unit.pk, []),
                    can_file=can_file_for(request.user, unit),
                    links=links,
                )
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


def _links(year: int) -> dict[str, Callable[[int | str], str]]:
    """Each unit's and table's links of the page, reversed once (a page lists 20 units and 300
    tables) and then completed with the id of a unit or of a table; those of a table come
    escaped, as the rows print them."""

    def pattern(name: str, *args: object, escaped: bool = False) -> Callable[[int | str], str]:
        before, after = reverse(name, args=args).split(str(_PK))
        if escaped:
            before, after = escape(before), escape(after)
        return lambda pk: f"{before}{pk}{after}"

    return {
        "department": pattern("review:table", "department", _PK),
        "pdf": pattern("exports:unit_book", _PK, year, "pdf"),
        "xlsx": pattern("exports:unit_book", _PK, year, "xlsx"),
        "year_pdf": pattern("exports:unit_stage_book", _PK, year, "year", "pdf"),
        "year_xlsx": pattern("exports:unit_stage_book", _PK, year, "year", "xlsx"),
        "project": pattern("review:table", "project", _PK, escaped=True),
        "project_edit": pattern("targets:project_edit", _PK, escaped=True),
    }


_BOOKS = ("pdf", "xlsx", "year_pdf", "year_xlsx")


def unit_entry(
    unit: Unit,
    *,
    year: int,
    department: ListedDepartment | None,
    projects: list[ListedProject],
    can_file: bool,
    links: dict[str, Callable[[int | str], str]],
) -> dict:
    """What targets/_home_unit.html shows of one unit, and (`html`) the section built in
    Python for a unit the user does not file for; a filer's own unit, with its filing
    buttons, is left to the template (`html` empty)."""
    department_url = links["department"](department.pk) if department else ""
    books = {name: links[name](unit.pk) for name in _BOOKS}
    project_rows = _project_rows(projects, can_file=can_file, links=links)
    html = (
        ""
        if can_file
        else unit_section_html(
            unit, year, department, department_url, projects, project_rows, books
        )
    )
    return {
        "unit": unit,
        "department": department,
        "department_url": department_url,
        "books": books,
        "projects": projects,
        "project_rows": project_rows,
        "can_file": can_file,
        "html": html,
    }


def _project_rows(
    projects: Sequence[ListedProject | ProjectTable],
    *,
    can_file: bool,
    links: dict[str, Callable[[int | str], str]] | None = None,
) -> SafeString:
    """The projects' rows of the table, built here: a city's reviewer sees hundreds, too many
    to resolve attribute by attribute in the template. Plain string operations with every
    value escaped (html.escape, as Django's escape), the same HTML `format_html_join` gave."""
    if links is None:
        links = _links(0)
    view_link, edit_link = links["project"], links["project_edit"]
    rows = []
    for project in projects:
        pk = str(project.pk)
        editing = (
            f' · <a href="{edit_link(pk)}">编辑</a>' if can_file and project.is_editable else ""
        )
        status = _STATUS_CLASSES.get(project.status) or escape(project.status)
        # A formatted amount is digits, separators and a sign: nothing to escape. The unit and
        # the state repeat on every row: escaped once each.
        rows.append(
            f'<tr data-project="{pk}"><td>{escape(project.title)}</td>'
            f'<td class="font-monospace small">{escape(project.code)}</td>'
            f'<td class="text-end">{format_money(project.budget_total)} '
            f"{_escape_repeated(project.money_unit)}</td><td>{project.indicator_count}</td>"
            f'<td><span class="badge status-{status}">{_STATUS_LABELS[project.status]}</span></td>'
            f'<td><a href="{view_link(pk)}">查看</a>{editing}</td></tr>'
        )
    return mark_safe("\n".join(rows))


_STATUS_LABELS = {status.value: escape(str(status.label)) for status in Status}
_STATUS_CLASSES = {status.value: escape(status.value) for status in Status}
_escape_repeated = functools.lru_cache(maxsize=64)(escape)
