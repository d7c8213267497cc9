"""Published tables without their stored files: found and rendered after the fact.

Tables published before publishing stored files (or restored from a backup without the media
folder) have no PublishedFile. `find_missing` lists what is missing, per table and per unit
book of a year, and `store_missing` renders and stores it with the code publishing uses
(`published.py`). Existing files are never touched: only the formats that have no file at all
are added, so what was once served stays what it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from budgetapp.targets.models import DepartmentTable, ProjectTable, Status, TargetTable
from budgetapp.units.models import BudgetYear, Unit

from .models import FileFormat, PublishedFile, PublishedKind
from .published import publishing, store_table_files, store_unit_book


@dataclass(frozen=True)
class MissingFiles:
    """The formats (FileFormat values) missing for one published table, or for a unit's book
    of a year when `table` is None."""

    unit: Unit
    year: BudgetYear
    table: TargetTable | None
    formats: tuple[str, ...]

    @property
    def label(self) -> str:
        what = self.table.title if self.table is not None else "全本"
        return f"{self.unit.name} {self.year.year}年 {what}（{'、'.join(self.formats)}）"


def _published_tables(units: Iterable[Unit] | None, year: int | None) -> list[TargetTable]:
    tables: list[TargetTable] = []
    for model in (DepartmentTable, ProjectTable):
        queryset = model.objects.filter(status=Status.PUBLISHED).select_related(
            "unit__region", "year"
        )
        if units is not None:
            queryset = queryset.filter(unit__in=list(units))
        if year is not None:
            queryset = queryset.filter(year__year=year)
        tables += queryset.order_by("unit__name", "year__year", "pk")
    return tables


def _table_formats(table: TargetTable) -> set[str]:
    return set(
        PublishedFile.objects.filter(
            kind=PublishedKind.TABLE,
            content_type=ContentType.objects.get_for_model(table),
            object_id=table.pk,
        ).values_list("fmt", flat=True)
    )


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
    """What is missing for the published tables of `units` (all when None) in `year` (all
    years when None): each table's files, then each unit book's."""
    tables = _published_tables(units, year)
    result: list[MissingFiles] = []
    books: dict[tuple[int, int], tuple[Unit, BudgetYear]] = {}
    for table in tables:
        books.setdefault((table.unit_id, table.year_id), (table.unit, table.year))
        if formats := _missing(_table_formats(table)):
            result.append(MissingFiles(table.unit, table.year, table, formats))
    for unit, budget_year in books.values():
        if formats := _missing(_book_formats(unit, budget_year)):
            result.append(MissingFiles(unit, budget_year, None, formats))
    return result


def store_missing(item: MissingFiles) -> list[PublishedFile]:
    """Render and store what `item` lists as missing, if it still is; returns the new files.

    Takes the unit's lock as publishing does, so it cannot race a publication of the same unit,
    and looks again under the lock: a file stored meanwhile is not stored twice, and a table no
    longer published gets none.
    """
    with publishing() as stored:
        Unit.objects.select_for_update().filter(pk=item.unit.pk).first()
        if item.table is not None:
            table = (
                type(item.table)
                .objects.select_related("unit__region", "year")
                .get(pk=item.table.pk)
            )
            if table.status != Status.PUBLISHED:
                return []
            formats = [fmt for fmt in item.formats if fmt not in _table_formats(table)]
            if formats:
                stored += store_table_files(table=table, user=None, formats=formats)
        else:
            present = _book_formats(item.unit, item.year)
            formats = [fmt for fmt in item.formats if fmt not in present]
            stored += store_unit_book(unit=item.unit, year=item.year, user=None, formats=formats)
        return list(stored)
