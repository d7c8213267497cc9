"""The city summary of a year's self-evaluations (绩效自评汇总表) as PDF or Excel, for the same
people as the targets' city summary: reviewers (their city's units) and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetapp.exports.jobs import overseen_units, scope_name
from budgetapp.exports.registry import EXPORTERS, recorded_download
from budgetapp.units.access import role_of
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
    units = list(overseen_units(request.user))
    book = evaluation_summary_book(units=units, year=budget_year, scope=scope_name(request.user))
    return recorded_download(
        request,
        EXPORTERS[fmt](book),
        obj=budget_year,
        draft=book.draft,
        details={"export": "evaluation_summary", "format": fmt},
    )
