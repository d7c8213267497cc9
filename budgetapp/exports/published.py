"""Files of what was published: rendered once inside the publishing step, stored, served later.

The review services call `store_table_files` and `store_unit_book` inside the publishing
transaction, after the state change: if rendering fails, the exception rolls the publication
back, so a published table always has its files. Everything is rendered before anything is
written to storage; `discard` removes the blobs of an attempt whose transaction rolled back.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction

from budgetapp.targets.models import DepartmentTable, ProjectTable, Status, TargetTable
from budgetapp.targets.services import TableError
from budgetapp.units.models import BudgetYear, Unit

from .book import DEPARTMENT_PART, PROJECT_PART, Book, Part, safe_filename, table_book
from .models import FileFormat, PublishedFile, PublishedKind
from .registry import EXPORTERS, Export, export_table

logger = logging.getLogger(__name__)


class PublishFailed(TableError):
    pass


def published_book(unit: Unit, year: int) -> Book:
    """The unit's book of the year with its published tables only (never a draft).

    `registry.export_unit_book` prints every table of the year whatever its state, which is
    right for the unit and its reviewers but not for the public.
    """
    department = (
        DepartmentTable.objects.filter(unit=unit, year__year=year, status=Status.PUBLISHED)
        .select_related("unit__region", "year")
        .first()
    )
    projects = (
        ProjectTable.objects.filter(unit=unit, year__year=year, status=Status.PUBLISHED)
        .select_related("unit__region", "year")
        .order_by("sequence", "pk")
    )
    parts = []
    if department is not None:
        parts.append(Part(heading=DEPARTMENT_PART, entries=table_book(department).entries()))
    project_entries = [entry for table in projects for entry in table_book(table).entries()]
    if project_entries:
        parts.append(Part(heading=PROJECT_PART, entries=project_entries))
    return Book(
        title=f"{unit.name}{year}年绩效目标",
        author=unit.name,
        filename=safe_filename(f"{unit.name}_{year}_绩效目标"),
        parts=parts,
    )


def _render(what: str, render, formats: Iterable[str] = FileFormat.values) -> list[Export]:
    try:
        return [render(fmt) for fmt in formats]
    except Exception as error:
        logger.exception("Rendering the published files of %s failed", what)
        raise PublishFailed(
            f"生成{what}的公开文件失败，未公开，请稍后重试或联系管理员。"
        ) from error


def _store(
    exports: list[Export], formats: Iterable[str] = FileFormat.values, **fields
) -> list[PublishedFile]:
    stored: list[PublishedFile] = []
    try:
        for fmt, export in zip(formats, exports, strict=True):
            record = PublishedFile(
                fmt=fmt,
                filename=export.filename,
                mimetype=export.mimetype,
                sha256=hashlib.sha256(export.content).hexdigest(),
                size=len(export.content),
                **fields,
            )
            record.file.save(export.filename, ContentFile(export.content), save=False)
            stored.append(record)
            record.save()
    except BaseException:
        discard(stored)
        raise
    return stored


def store_table_files(
    *, table: TargetTable, user: User | None, formats: Iterable[str] = FileFormat.values
) -> list[PublishedFile]:
    """Render a table just published (PDF and Excel, or `formats`) and keep the files."""
    formats = list(formats)
    exports = _render(f"“{table.title}”", lambda fmt: export_table(table, fmt), formats)
    return _store(
        exports,
        formats,
        kind=PublishedKind.TABLE,
        unit=table.unit,
        year=table.year,
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        created_by=user,
    )


def store_unit_book(
    *, unit: Unit, year: BudgetYear, user: User | None, formats: Iterable[str] = FileFormat.values
) -> list[PublishedFile]:
    """Render the unit's book of its published tables of the year (PDF and Excel, or
    `formats`) and keep it."""
    formats = list(formats)
    book = published_book(unit, year.year)
    if not book.entries() or not formats:
        return []
    exports = _render(f"{unit.name}{year.year}年全本", lambda fmt: EXPORTERS[fmt](book), formats)
    return _store(exports, formats, kind=PublishedKind.BOOK, unit=unit, year=year, created_by=user)


@contextmanager
def publishing() -> Iterator[list[PublishedFile]]:
    """A transaction for a publication; the files added to the list are removed on rollback."""
    stored: list[PublishedFile] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        discard(stored)
        raise


def discard(records: Iterable[PublishedFile]) -> None:
    """Remove the stored blobs of records whose transaction did not commit."""
    for record in records:
        if record.file.name:
            record.file.storage.delete(record.file.name)


def latest_table_file(table: TargetTable, fmt: str) -> PublishedFile | None:
    return (
        PublishedFile.objects.filter(
            kind=PublishedKind.TABLE,
            content_type=ContentType.objects.get_for_model(table),
            object_id=table.pk,
            fmt=fmt,
        )
        .latest_first()
        .first()
    )


def latest_book_file(unit: Unit, year: int, fmt: str) -> PublishedFile | None:
    return (
        PublishedFile.objects.filter(kind=PublishedKind.BOOK, unit=unit, year__year=year, fmt=fmt)
        .latest_first()
        .first()
    )
