"""Files of what was published: rendered once inside the publishing step, stored, served later.

They are rendered from the frozen versions (`frozen.py`), never from the live tables.

The review services call `store_table_files` and `store_unit_book` inside the publishing
transaction, after the state change: if rendering fails, the exception rolls the publication
back, so a published table always has its files. Everything is rendered before anything is
written to storage; `discard` removes the blobs of an attempt whose transaction rolled back.
"""

from __future__ import annotations

import errno
import hashlib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction

from budgetapp.core.errors import TableError
from budgetapp.targets.models import TargetTable
from budgetapp.units.models import BudgetYear, Unit

from .frozen import frozen_table_book, frozen_unit_book
from .models import FileFormat, Publication, PublishedFile, PublishedKind
from .public_state import public_changed
from .registry import EXPORTERS, Export

logger = logging.getLogger(__name__)


class PublishFailed(TableError):
    pass


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
            _save_blob(record, export)
            stored.append(record)
            record.save()
    except OSError as error:
        discard(stored)
        logger.exception("Storing the published files failed")
        reason = "服务器磁盘空间不足" if error.errno == errno.ENOSPC else "存储文件时出错"
        raise PublishFailed(
            f"{reason}，公开文件未能保存，本次公开已撤销（状态未变）。请联系管理员处理后重试。"
        ) from error
    except BaseException:
        discard(stored)
        raise
    return stored


def _save_blob(record: PublishedFile, export: Export) -> None:
    """Store the file; a write that fails half-way (a full disk) leaves no partial file: the
    storage does not remove what it had written, so the name it was writing to is removed."""
    storage = record.file.storage
    name = storage.get_available_name(
        record.file.field.generate_filename(record, export.filename),
        max_length=record.file.field.max_length,
    )
    try:
        record.file.name = storage.save(
            name, ContentFile(export.content), max_length=record.file.field.max_length
        )
    except OSError:
        if storage.exists(name):
            storage.delete(name)
        raise


def store_table_files(
    *, publication: Publication, user: User | None, formats: Iterable[str] = FileFormat.values
) -> list[PublishedFile]:
    """Render a published version from its frozen layout (PDF and Excel, or `formats`) and
    keep the files."""
    formats = list(formats)
    book = frozen_table_book(publication)
    exports = _render(f"“{publication.title}”", lambda fmt: EXPORTERS[fmt](book), formats)
    return _store(
        exports,
        formats,
        kind=PublishedKind.TABLE,
        unit=publication.unit,
        year=publication.year,
        content_type=publication.content_type,
        object_id=publication.object_id,
        publication=publication,
        created_by=user,
    )


def store_unit_book(
    *, unit: Unit, year: BudgetYear, user: User | None, formats: Iterable[str] = FileFormat.values
) -> list[PublishedFile]:
    """Render the unit's book of the year from the current published versions (PDF and Excel,
    or `formats`) and keep it."""
    formats = list(formats)
    book = frozen_unit_book(unit, year)
    if not book.entries() or not formats:
        return []
    exports = _render(f"{unit.name}{year.year}年全本", lambda fmt: EXPORTERS[fmt](book), formats)
    return _store(exports, formats, kind=PublishedKind.BOOK, unit=unit, year=year, created_by=user)


@contextmanager
def publishing() -> Iterator[list[PublishedFile]]:
    """A transaction for a publication; the files added to the list are removed on rollback.
    Cached public pages are dropped when it commits (public_state.py)."""
    stored: list[PublishedFile] = []
    try:
        with transaction.atomic():
            public_changed()
            yield stored
    except BaseException:
        discard(stored)
        raise


def discard(records: Iterable[PublishedFile]) -> None:
    """Remove the stored blobs of records whose transaction did not commit."""
    for record in records:
        if record.file.name:
            record.file.storage.delete(record.file.name)


def publication_file(publication: Publication, fmt: str) -> PublishedFile | None:
    """The file of a published version in `fmt` (the latest, if `--verify` re-rendered it)."""
    return publication.files.filter(fmt=fmt).latest_first().first()


def latest_table_file(table: TargetTable, fmt: str) -> PublishedFile | None:
    """The file of the table's current published version."""
    publication = Publication.objects.of_table(table).current().first()
    return publication_file(publication, fmt) if publication is not None else None


def latest_book_file(unit: Unit, year: int, fmt: str) -> PublishedFile | None:
    return (
        PublishedFile.objects.filter(kind=PublishedKind.BOOK, unit=unit, year__year=year, fmt=fmt)
        .latest_first()
        .first()
    )
