"""Published tables without a frozen version or without stored files: found and made after
the fact (`manage.py store_published_files`).

Tables published before versions were frozen (an upgraded database) have no `Publication`:
the portal does not show them until this runs. Freezing them now uses the live rows, which is
the best record there is: a published table is read-only in the workflow since its approval,
so its rows are what was approved; its last submission snapshot holds the same data but not
the layout. A department table freezes only the projects already frozen, so the projects are
frozen first. Files stored before versions existed (which may list draft projects in a Hubei
department table) stay on record in the admin but are no longer served; each version gets
its files rendered from its frozen layout. Existing files of a version are never touched:
only the formats that have none are added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from budgetapp.targets.models import DepartmentTable, ProjectTable, Status, TargetTable
from budgetapp.units.models import BudgetYear, Unit

from .frozen import freeze_table
from .models import FileFormat, Publication, PublishedFile, PublishedKind
from .published import publishing, store_table_files, store_unit_book


@dataclass(frozen=True)
class MissingFiles:
    """The formats (FileFormat values) missing for one published table, or for a unit's book
    of a year when `table` is None. `unfrozen`: the table has no published version yet."""

    unit: Unit
    year: BudgetYear
    table: TargetTable | None
    formats: tuple[str, ...]
    unfrozen: bool = False
    version: Publication | None = None

    @property
    def label(self) -> str:
        what = "全本"
        if self.version is not None:
            what = f"{self.version.title}（第{self.version.number}版）"
        elif self.table is not None:
            what = self.table.title
        frozen = "（补记公开版本）" if self.unfrozen else ""
        return f"{self.unit.name} {self.year.year}年 {what}{frozen}（{'、'.join(self.formats)}）"


def _narrow(queryset, units: Iterable[Unit] | None, year: int | None):
    if units is not None:
        queryset = queryset.filter(unit__in=list(units))
    if year is not None:
        queryset = queryset.filter(year__year=year)
    return queryset


def _has_version(table: TargetTable) -> bool:
    return Publication.objects.of_table(table).exists()


def _unfrozen_tables(units: Iterable[Unit] | None, year: int | None) -> list[TargetTable]:
    tables: list[TargetTable] = []
    for model in (ProjectTable, DepartmentTable):  # projects first, see the module's note
        queryset = model.objects.filter(status=Status.PUBLISHED).select_related(
            "unit__region", "year"
        )
        tables += [t for t in _narrow(queryset, units, year).order_by("pk") if not _has_version(t)]
    return tables


def _version_formats(publication: Publication) -> set[str]:
    return set(publication.files.values_list("fmt", flat=True))


def _book_formats(unit: Unit, year: BudgetYear) -> set[str]:
    return set(
        PublishedFile.objects.filter(kind=PublishedKind.BOOK, unit=unit, year=year).values_list(
            "fmt", flat=True
        )
    )


def _missing(present: set[str]) -> tuple[str, ...]:
    return tuple(fmt for fmt in FileFormat.values if fmt not in present)


def find_missing(
    *, units: Iterable[Unit] | None = None, year: int | None = None
) -> list[MissingFiles]:
    """What is missing for `units` (all when None) in `year` (all years when None): published
    tables without a version, versions without their files, then each unit book's files."""
    result: list[MissingFiles] = []
    books: dict[tuple[int, int], tuple[Unit, BudgetYear]] = {}
    for table in _unfrozen_tables(units, year):
        books.setdefault((table.unit_id, table.year_id), (table.unit, table.year))
        result.append(
            MissingFiles(table.unit, table.year, table, tuple(FileFormat.values), unfrozen=True)
        )
    versions = _narrow(Publication.objects.select_related("unit", "year"), units, year)
    for unit_id, year_id in versions.values_list("unit_id", "year_id").distinct():
        if (unit_id, year_id) not in books:
            books[(unit_id, year_id)] = (
                Unit.objects.get(pk=unit_id),
                BudgetYear.objects.get(pk=year_id),
            )
    # One query for the versions lacking a format, not one per version (this runs at start-up).
    lacking = versions.annotate(formats=Count("files__fmt", distinct=True)).filter(
        formats__lt=len(FileFormat.values)
    )
    for version in lacking.order_by("unit_id", "year_id", "pk"):
        if formats := _missing(_version_formats(version)):
            result.append(MissingFiles(version.unit, version.year, None, formats, version=version))
    for unit, budget_year in books.values():
        if formats := _missing(_book_formats(unit, budget_year)):
            result.append(MissingFiles(unit, budget_year, None, formats))
    return result


def store_missing(item: MissingFiles) -> list[PublishedFile]:
    """Freeze and store what `item` lists as missing, if it still is; returns the new files.

    Takes the unit's lock as publishing does, so it cannot race a publication of the same unit,
    and looks again under the lock: a file stored meanwhile is not stored twice, and a table no
    longer published is not frozen.
    """
    with publishing() as stored:
        Unit.objects.select_for_update().filter(pk=item.unit.pk).first()
        if item.version is not None:
            formats = [f for f in item.formats if f not in _version_formats(item.version)]
            if formats:
                stored += store_table_files(publication=item.version, user=None, formats=formats)
        elif item.table is not None:
            table = (
                type(item.table)
                .objects.select_for_update()
                .select_related("unit__region", "year")
                .get(pk=item.table.pk)
            )
            if _has_version(table) or table.status != Status.PUBLISHED:
                return []
            version = freeze_table(table=table, user=None, backfilled=True)
            stored += store_table_files(publication=version, user=None, formats=item.formats)
        else:
            present = _book_formats(item.unit, item.year)
            formats = [fmt for fmt in item.formats if fmt not in present]
            stored += store_unit_book(unit=item.unit, year=item.year, user=None, formats=formats)
        return list(stored)
