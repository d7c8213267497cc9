"""What the public may see: the frozen published versions (`exports.models.Publication`) only,
and the regions and units that have some. Nothing here reads a table's live rows."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from budgetapp.exports.models import FileFormat, Publication, PublishedFile
from budgetapp.exports.public_state import public_token
from budgetapp.exports.published import latest_book_file, publication_file
from budgetapp.units.models import Region, Unit

KINDS = ("project", "department", "evaluation")
logger = logging.getLogger(__name__)


def current_publications() -> QuerySet[Publication]:
    """The latest version of every published table."""
    return Publication.objects.current()


def units_with_publications() -> QuerySet[Unit]:
    """Units with a published version (any version: every published table has a current
    one, so the latest-version test is not needed here; an indexed semi-join on the unit)."""
    published = Publication.objects.filter(unit=OuterRef("pk"))
    return Unit.objects.filter(Exists(published)).select_related("region")


def regions_with_publications() -> set[int]:
    """Ids of every region that has, somewhere below it, a unit with published tables
    (worked out once per state of what is public, and kept in the cache)."""
    token = public_token()
    key = f"portal:regions:{token}"
    ids = _cached(key) if token else None
    if ids is None:
        ids = set()
        # No ordering: Unit's default ordering would join and sort the regions for nothing.
        paths = units_with_publications().order_by().values_list("region__path", flat=True)
        for path in paths.distinct():
            ids.update(int(part) for part in path.strip("/").split("/"))
        if token:
            _keep(key, ids)
    return ids


def _cached(key: str) -> set[int] | None:
    try:
        ids: set[int] | None = cache.get(key)
    except Exception:
        logger.exception("reading the portal cache failed")
        return None
    return ids


def _keep(key: str, value: set[int]) -> None:
    try:
        cache.set(key, value, 60 * 60 * 24)
    except Exception:
        logger.exception("writing the portal cache failed")


def public_region(pk: int) -> Region:
    if pk not in regions_with_publications():
        raise Http404("没有公开内容。")
    return Region.objects.get(pk=pk)


def public_unit(pk: int) -> Unit:
    unit = units_with_publications().filter(pk=pk).first()
    if unit is None:
        raise Http404("没有公开内容。")
    return unit


def unit_years(unit: Unit) -> list[int]:
    years = current_publications().filter(unit=unit).values_list("year__year", flat=True)
    return sorted(set(years), reverse=True)


def unit_year_publications(unit: Unit, year: int) -> list[Publication]:
    """The unit's published set of a year: the department table first, then the projects."""
    publications = list(
        current_publications()
        .filter(unit=unit, year__year=year)
        .select_related("year")
        .order_by("sequence", "object_id")
    )
    if not publications:
        raise Http404("没有公开内容。")
    return sorted(publications, key=lambda p: p.kind != "department")


def public_version(kind: str, pk: int, number: int | None = None) -> Publication:
    """A published version of a table (the current one when `number` is None), else 404."""
    if kind not in KINDS:
        raise Http404("没有这种表格。")
    versions = Publication.objects.filter(kind=kind, object_id=pk).select_related(
        "unit__region", "year"
    )
    version: Publication | None = (
        versions.order_by("-number").first()
        if number is None
        else versions.filter(number=number).first()
    )
    if version is None:
        raise Http404("没有公开内容。")
    return version


def versions_of(publication: Publication) -> QuerySet[Publication]:
    """Every published version of the same table, newest first."""
    return Publication.objects.filter(
        content_type=publication.content_type, object_id=publication.object_id
    ).order_by("-number")


def version_file(publication: Publication, fmt: str) -> PublishedFile:
    record = publication_file(publication, fmt) if fmt in FileFormat.values else None
    if record is None:
        raise Http404("没有公开文件。")
    return record


def version_formats(publication: Publication) -> list[str]:
    """The stored formats of a version (files rendered on publication)."""
    stored = set(publication.files.values_list("fmt", flat=True))
    return [fmt for fmt in FileFormat.values if fmt in stored]


def published_book_file(unit_pk: int, year: int, fmt: str) -> PublishedFile:
    """The latest stored book of a unit's published tables of a year (404 for anything else)."""
    unit = public_unit(unit_pk)
    has_published = current_publications().filter(unit=unit, year__year=year).exists()
    record = (
        latest_book_file(unit, year, fmt) if has_published and fmt in FileFormat.values else None
    )
    if record is None:
        raise Http404("没有公开文件。")
    return record


def published_book_formats(unit: Unit, year: int) -> list[str]:
    return [fmt for fmt in FileFormat.values if latest_book_file(unit, year, fmt) is not None]


def search(query: str) -> QuerySet[Publication]:
    """Current versions whose unit name or code, region, project name or code, or title
    contains `query`, as frozen when they were published."""
    return (
        current_publications()
        .filter(Q(search_text__contains=query.lower()) | Q(unit_code=query))
        .select_related("year")
        .order_by("-year__year", "unit_name", "kind", "sequence")
    )


def feed_entries(region: Region | None = None, *, limit: int = 50) -> QuerySet[Publication]:
    """The newest publications (corrections included), of units under `region` if given."""
    publications = Publication.objects.select_related("year")
    if region is not None:
        publications = publications.filter(unit__region__path__startswith=region.path)
    return publications.order_by("-published_at", "-pk")[:limit]
