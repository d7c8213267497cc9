"""A published file is served only while it is what was stored: its SHA-256 is checked on
every read against the digest recorded at publication.

A file that is missing or changed on disk (tampering, a bad restore, a failing disk) is refused
and logged; `manage.py store_published_files --verify` finds such files and renders them again
from the frozen version (`frozen.py`), storing a new record beside the old one.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.db.models import Max

from .models import FileFormat, Publication, PublishedFile, PublishedKind
from .published import publication_file, publishing, store_table_files, store_unit_book

logger = logging.getLogger(__name__)

UNAVAILABLE = "此公开文件未通过完整性校验（文件缺失或与公开时不一致），暂停提供下载。管理员已收到记录，修复后即可下载。"


class FileUnavailable(Exception):
    """The stored file is missing or no longer matches its recorded SHA-256."""


def read_verified(record: PublishedFile) -> bytes:
    """The stored bytes of `record`, or `FileUnavailable` (logged) if they are not the ones
    published."""
    try:
        with record.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        logger.error("Published file %s (record %s) is missing", record.file.name, record.pk)
        raise FileUnavailable(UNAVAILABLE) from None
    digest = hashlib.sha256(content).hexdigest()
    if digest != record.sha256:
        logger.error(
            "Published file %s (record %s) does not match its SHA-256: stored %s, found %s",
            record.file.name,
            record.pk,
            record.sha256,
            digest,
        )
        raise FileUnavailable(UNAVAILABLE)
    return content


def is_intact(record: PublishedFile) -> bool:
    try:
        read_verified(record)
    except FileUnavailable:
        return False
    return True


@dataclass(frozen=True)
class BrokenFile:
    record: PublishedFile

    @property
    def label(self) -> str:
        return f"{self.record.unit.name} {self.record.year.year}年 {self.record.filename}"


def served_files() -> list[PublishedFile]:
    """Every file the portal can serve: each version's latest file per format and each unit
    book's latest file per format."""
    records: list[PublishedFile] = []
    for version in Publication.objects.order_by("pk"):
        for fmt in FileFormat.values:
            if (record := publication_file(version, fmt)) is not None:
                records.append(record)
    books = (
        PublishedFile.objects.filter(kind=PublishedKind.BOOK)
        .values("unit_id", "year_id", "fmt")
        .annotate(latest=Max("pk"))
    )
    records += PublishedFile.objects.filter(pk__in=[row["latest"] for row in books]).order_by("pk")
    return records


def find_broken() -> list[BrokenFile]:
    return [BrokenFile(record) for record in served_files() if not is_intact(record)]


def repair(broken: BrokenFile) -> list[PublishedFile]:
    """Render the file again from its frozen version (or the unit's frozen book) and store it
    as a new record; the broken record stays on record."""
    record = broken.record
    with publishing() as stored:
        if record.publication_id is not None:
            stored += store_table_files(
                publication=record.publication, user=None, formats=[record.fmt]
            )
        else:
            stored += store_unit_book(
                unit=record.unit, year=record.year, user=None, formats=[record.fmt]
            )
        return list(stored)
