"""The public portal: browse province → city → unit → year and read published tables.

No login. Only published tables exist here: anything else answers 404, so a draft's address
reveals nothing. Downloads are the files stored when the tables were published, never a fresh
rendering of what the database holds now.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from budgetapp.core.http import stored_file_response
from budgetapp.layouts import document_for
from budgetapp.layouts.html import render_html
from budgetapp.units.models import Region

from . import selectors


def index(request: HttpRequest) -> HttpResponse:
    visible = selectors.regions_with_publications()
    provinces = Region.objects.filter(parent=None, pk__in=visible).order_by("name")
    return render(request, "portal/index.html", {"provinces": provinces})


def region(request: HttpRequest, pk: int) -> HttpResponse:
    current = selectors.public_region(pk)
    visible = selectors.regions_with_publications()
    children = current.children.filter(pk__in=visible).order_by("name")
    units = selectors.units_with_publications().filter(region=current).order_by("code", "name")
    return render(
        request,
        "portal/region.html",
        {"region": current, "children": children, "units": units, "crumbs": current.ancestors()},
    )


def unit(request: HttpRequest, pk: int) -> HttpResponse:
    current = selectors.public_unit(pk)
    years: dict[int, dict] = {}
    for table in selectors.published_departments().filter(unit=current).select_related("year"):
        years.setdefault(table.year.year, {"department": None, "projects": []})["department"] = (
            table
        )
    for table in (
        selectors.published_projects()
        .filter(unit=current)
        .select_related("year")
        .order_by("sequence")
    ):
        years.setdefault(table.year.year, {"department": None, "projects": []})["projects"].append(
            table
        )
    for number, tables in years.items():
        tables["book_formats"] = selectors.published_book_formats(current, number)
    return render(
        request,
        "portal/unit.html",
        {
            "unit": current,
            "years": sorted(years.items(), reverse=True),
            "crumbs": current.region.ancestors(),
        },
    )


def table(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    current = selectors.public_table(kind, pk)
    return render(
        request,
        "portal/table.html",
        {
            "table": current,
            "kind": kind,
            "document_html": render_html(document_for(current)),
            "crumbs": current.unit.region.ancestors(),
            "formats": selectors.published_formats(current),
        },
    )


def _download(record) -> HttpResponse:
    return stored_file_response(record.file, filename=record.filename, content_type=record.mimetype)


@require_safe
def table_download(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    return _download(selectors.published_table_file(kind, pk, fmt))


@require_safe
def book_download(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    return _download(selectors.published_book_file(pk, year, fmt))


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    results = []
    if query:
        results = list(
            selectors.published_projects()
            .filter(name__icontains=query)
            .select_related("unit", "year")
            .order_by("-year__year", "unit__name", "sequence")[:200]
        )
    return render(request, "portal/search.html", {"query": query, "results": results})
