"""Blank templates: the page listing them and their downloads, for logged-in users.

Not public: a template is for filing (fill in Excel, import), which needs a login anyway, and
each download prints a PDF on demand, work an anonymous visitor should not be able to start at
will.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from budgetapp.units.models import BudgetYear

from .blank import BLANK_LAYOUTS, MONEY_UNITS, ROWS_PER_LEVEL1, BlankError, blank_book
from .registry import EXPORTERS
from .views import download


def _default_year() -> BudgetYear | None:
    return (
        BudgetYear.objects.filter(is_open=True).order_by("-year").first()
        or BudgetYear.objects.order_by("-year").first()
    )


@login_required
@require_safe
def blank_list(request: HttpRequest) -> HttpResponse:
    years = list(BudgetYear.objects.select_related("framework").order_by("-year"))
    chosen = request.GET.get("year", "")
    year = next((y for y in years if str(y.year) == chosen), None) or _default_year()
    money_unit = request.GET.get("money_unit", "")
    if money_unit not in MONEY_UNITS:
        money_unit = MONEY_UNITS[0]
    return render(
        request,
        "exports/blank_list.html",
        {
            "years": years,
            "year": year,
            "money_unit": money_unit,
            "money_units": MONEY_UNITS,
            "layouts": list(BLANK_LAYOUTS.items()),
            "rows_per_level1": ROWS_PER_LEVEL1,
        },
    )


@login_required
@require_safe
def blank_download(request: HttpRequest, year: int, layout: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS or layout not in BLANK_LAYOUTS:
        raise Http404("没有这种空白模板。")
    budget_year = get_object_or_404(BudgetYear.objects.select_related("framework"), year=year)
    try:
        book = blank_book(layout, budget_year, request.GET.get("money_unit", MONEY_UNITS[0]))
    except BlankError as error:
        raise Http404(str(error)) from error
    return download(EXPORTERS[fmt](book))
