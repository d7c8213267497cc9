"""The public portal: browse province → city → unit → year and read published tables.

No login. Only published versions exist here (`exports.models.Publication`, frozen when a table
was published): anything else answers 404, so a draft's address reveals nothing, and nothing
edited after publication shows. Downloads are the files stored when the versions were
published, checked against their SHA-256; open data (CSV, JSON) is the frozen snapshot.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from budgetapp.exports.book import safe_filename
from budgetapp.exports.frozen import frozen_document
from budgetapp.exports.integrity import FileUnavailable, read_verified
from budgetapp.exports.models import Publication, PublishedFile
from budgetapp.layouts.html import render_html
from budgetapp.units.models import Region

from . import feeds, open_data, selectors
from .cache import cached_page

OPEN_DATA_FORMATS = ("csv", "json")


@require_safe
@cached_page
def index(request: HttpRequest) -> HttpResponse:
    visible = selectors.regions_with_publications()
    provinces = Region.objects.filter(parent=None, pk__in=visible).order_by("name")
    return render(request, "portal/index.html", {"provinces": provinces})


@require_safe
@cached_page
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


@require_safe
@cached_page
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    current = selectors.public_unit(pk)
    years = [
        (year, selectors.unit_year_publications(current, year))
        for year in selectors.unit_years(current)
    ]
    return render(
        request,
        "portal/unit.html",
        {"unit": current, "years": years, "crumbs": current.region.ancestors()},
    )


@require_safe
@cached_page
def unit_year(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    current = selectors.public_unit(pk)
    publications = selectors.unit_year_publications(current, year)
    return render(
        request,
        "portal/unit_year.html",
        {
            "unit": current,
            "year": year,
            "publications": publications,
            "evaluations": [p for p in publications if p.kind == "evaluation"],
            "book_formats": selectors.published_book_formats(current, year),
            "crumbs": current.region.ancestors(),
        },
    )


def _table_page(request: HttpRequest, version: Publication) -> HttpResponse:
    versions = list(selectors.versions_of(version))
    return render(
        request,
        "portal/table.html",
        {
            "version": version,
            "is_current": version.number == versions[0].number,
            "versions": [(v, selectors.version_formats(v)) for v in versions],
            "document_html": render_html(frozen_document(version), anchors=False, first_heading=2),
            "crumbs": version.unit.region.ancestors(),
            "formats": selectors.version_formats(version),
            "open_data_formats": OPEN_DATA_FORMATS,
        },
    )


@require_safe
@cached_page
def table(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _table_page(request, selectors.public_version(kind, pk))


@require_safe
@cached_page
def version(request: HttpRequest, kind: str, pk: int, number: int) -> HttpResponse:
    return _table_page(request, selectors.public_version(kind, pk, number))


def _unavailable(request: HttpRequest, error: FileUnavailable) -> HttpResponse:
    return render(request, "portal/file_unavailable.html", {"message": str(error)}, status=503)


def _stored(request: HttpRequest, record: PublishedFile) -> HttpResponse:
    try:
        content = read_verified(record)
    except FileUnavailable as error:
        return _unavailable(request, error)
    response = HttpResponse(content, content_type=record.mimetype)
    response["Content-Disposition"] = _attachment(record.filename)
    return response


def _attachment(filename: str) -> str:
    return content_disposition_header(True, filename)


def _download(request: HttpRequest, version: Publication, fmt: str) -> HttpResponse:
    if fmt in OPEN_DATA_FORMATS:
        stem = safe_filename(
            f"{version.unit_name}_{version.year.year}_{version.title}_第{version.number}版"
        )
        if fmt == "json":
            body = json.dumps(open_data.open_data_json(version), ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        else:
            body = "\ufeff" + open_data.open_data_csv(version)  # the BOM tells Excel it is UTF-8
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _attachment(f"{stem}.{fmt}")
        return response
    return _stored(request, selectors.version_file(version, fmt))


@require_safe
def table_download(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    return _download(request, selectors.public_version(kind, pk), fmt)


@require_safe
def version_download(
    request: HttpRequest, kind: str, pk: int, number: int, fmt: str
) -> HttpResponse:
    return _download(request, selectors.public_version(kind, pk, number), fmt)


@require_safe
def book_download(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    return _stored(request, selectors.published_book_file(pk, year, fmt))


@require_safe
def book_zip(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Every stored file of the unit's current published set of the year, in one ZIP."""
    current = selectors.public_unit(pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for position, publication in enumerate(selectors.unit_year_publications(current, year), 1):
            for fmt in selectors.version_formats(publication):
                record = selectors.version_file(publication, fmt)
                try:
                    content = read_verified(record)
                except FileUnavailable as error:
                    return _unavailable(request, error)
                archive.writestr(f"{position:02d}_{record.filename}", content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    filename = safe_filename(f"{current.name}_{year}_绩效目标公开文件") + ".zip"
    response["Content-Disposition"] = _attachment(filename)
    return response


@require_safe
@cached_page
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    results = list(selectors.search(query)[:200]) if query else []
    return render(request, "portal/search.html", {"query": query, "results": results})


def _atom(feed) -> HttpResponse:
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_safe
@cached_page
def feed(request: HttpRequest) -> HttpResponse:
    return _atom(feeds.build_feed(request, None))


@require_safe
@cached_page
def region_feed(request: HttpRequest, pk: int) -> HttpResponse:
    return _atom(feeds.build_feed(request, selectors.public_region(pk)))
