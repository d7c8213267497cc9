"""The city summary of a year's self-evaluations (绩效自评汇总表) as PDF or Excel, for the same
people as the targets' city summary: reviewers (their city's units) and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.exports.jobs import scope_name
from budgetapp.exports.registry import EXPORTERS, attachment
from budgetapp.units.access import role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role

from .summary import evaluation_summary_book


@login_required
@require_safe
@never_cache
def city_summary(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人可以下载全市自评汇总表。")
    budget_year = get_object_or_404(BudgetYear, year=year)
    units = list(
        units_visible_to(request.user)
        .select_related("region")
        .order_by("region__path", "code", "name")
    )
    book = evaluation_summary_book(units=units, year=budget_year, scope=scope_name(request.user))
    export = EXPORTERS[fmt](book)
    record(
        kind=EventKind.DRAFT_DOWNLOAD if book.draft else EventKind.EXPORT_DOWNLOAD,
        request=request,
        obj=budget_year,
        details={"export": "evaluation_summary", "format": fmt, "filename": export.filename},
    )
    return attachment(export)
