"""Downloads rendered on demand for logged-in users: one table or a unit's whole book (drafts
included) for whoever may read them, and the reviewer's city summary."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.targets.access import get_table_for_user
from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.targets.models.base import Status
from budgetapp.units.access import get_unit_for_user, role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role

from .jobs import scope_name
from .registry import EXPORTERS, Export, export_table, export_unit_book
from .summary import city_summary


def download(export: Export) -> HttpResponse:
    """An attachment named as RFC 6266 asks (`filename*=utf-8''…` for Chinese names)."""
    response = HttpResponse(export.content, content_type=export.mimetype)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response


@login_required
@require_safe
@never_cache  # drafts are not public: no shared or browser cache keeps a copy
def table_export(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    table = get_table_for_user(request.user, kind, pk)
    export = export_table(table, fmt)
    record(
        kind=EventKind.EXPORT_DOWNLOAD
        if table.status == Status.PUBLISHED
        else EventKind.DRAFT_DOWNLOAD,
        request=request,
        obj=table,
        details={"format": fmt, "status": table.status, "filename": export.filename},
    )
    return download(export)


@login_required
@require_safe
@never_cache
def unit_book_export(request: HttpRequest, unit_pk: int, year: int, fmt: str) -> HttpResponse:
    """Every table of a unit for a year, whatever its state, for its filers and reviewers."""
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    unit = get_unit_for_user(request.user, unit_pk)
    has_tables = (
        DepartmentTable.objects.filter(unit=unit, year__year=year).exists()
        or ProjectTable.objects.filter(unit=unit, year__year=year).exists()
    )
    if not has_tables:
        raise Http404("此单位本年度没有绩效目标表。")
    export = export_unit_book(unit, year, fmt)
    # A unit's book holds its tables in whatever state they are: drafts included.
    record(
        kind=EventKind.DRAFT_DOWNLOAD,
        request=request,
        obj=unit,
        details={"format": fmt, "year": year, "filename": export.filename},
    )
    return download(export)


@login_required
@require_safe
@never_cache
def city_summary_export(request: HttpRequest, year: int) -> HttpResponse:
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人可以下载全市汇总表。")
    budget_year = get_object_or_404(BudgetYear, year=year)
    units = list(
        units_visible_to(request.user)
        .select_related("region")
        .order_by("region__path", "code", "name")
    )
    export = city_summary(units=units, year=budget_year, scope=scope_name(request.user))
    record(
        kind=EventKind.EXPORT_DOWNLOAD,
        request=request,
        obj=budget_year,
        details={"export": "city_summary", "units": len(units), "filename": export.filename},
    )
    return download(export)
