"""What the public may see: published tables only, and the regions and units that have some."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from budgetapp.exports.models import FileFormat, PublishedFile
from budgetapp.exports.published import latest_book_file, latest_table_file
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status
from budgetapp.units.models import Region, Unit


def published_projects() -> QuerySet[ProjectTable]:
    return ProjectTable.objects.filter(status=Status.PUBLISHED)


def published_departments() -> QuerySet[DepartmentTable]:
    return DepartmentTable.objects.filter(status=Status.PUBLISHED)


def units_with_publications() -> QuerySet[Unit]:
    unit_ids = set(published_projects().values_list("unit_id", flat=True))
    unit_ids |= set(published_departments().values_list("unit_id", flat=True))
    return Unit.objects.filter(pk__in=unit_ids).select_related("region")


def regions_with_publications() -> set[int]:
    """Ids of every region that has, somewhere below it, a unit with published tables."""
    ids: set[int] = set()
    for path in units_with_publications().values_list("region__path", flat=True):
        ids.update(int(part) for part in path.strip("/").split("/"))
    return ids


def public_region(pk: int) -> Region:
    if pk not in regions_with_publications():
        raise Http404("没有公开内容。")
    return Region.objects.get(pk=pk)


def public_unit(pk: int) -> Unit:
    unit = units_with_publications().filter(pk=pk).first()
    if unit is None:
        raise Http404("没有公开内容。")
    return unit


def public_table(kind: str, pk: int) -> ProjectTable | DepartmentTable:
    queryset = {"project": published_projects(), "department": published_departments()}.get(kind)
    if queryset is None:
        raise Http404("没有这种表格。")
    table = queryset.select_related("unit__region", "year").filter(pk=pk).first()
    if table is None:
        raise Http404("没有公开内容。")
    return table


def published_table_file(kind: str, pk: int, fmt: str) -> PublishedFile:
    """The latest stored file of a published table (404 for anything else)."""
    record = latest_table_file(public_table(kind, pk), fmt) if fmt in FileFormat.values else None
    if record is None:
        raise Http404("没有公开文件。")
    return record


def published_book_file(unit_pk: int, year: int, fmt: str) -> PublishedFile:
    """The latest stored book of a unit's published tables of a year (404 for anything else)."""
    unit = public_unit(unit_pk)
    has_published = (
        published_departments().filter(unit=unit, year__year=year).exists()
        or published_projects().filter(unit=unit, year__year=year).exists()
    )
    record = (
        latest_book_file(unit, year, fmt) if has_published and fmt in FileFormat.values else None
    )
    if record is None:
        raise Http404("没有公开文件。")
    return record


def published_formats(table: ProjectTable | DepartmentTable) -> list[str]:
    """The formats a published table can be downloaded in (files stored on publication)."""
    return [fmt for fmt in FileFormat.values if latest_table_file(table, fmt) is not None]


def published_book_formats(unit: Unit, year: int) -> list[str]:
    return [fmt for fmt in FileFormat.values if latest_book_file(unit, year, fmt) is not None]
