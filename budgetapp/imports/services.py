"""Writes of the import feature: store an upload as a pending batch, confirm a batch."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from budgetapp.audit.log import record as audit_record
from budgetapp.audit.models import EventKind as AuditKind
from budgetapp.units.access import can_file_for
from budgetapp.units.models import Unit

from .apply import import_workbook
from .isolation import read_workbook_isolated
from .models import BatchStatus, ImportBatch
from .outcome import ImportResult
from .parsed import ParsedWorkbook
from .reader import UnreadableWorkbook
from .safety import UnsafeFile, check_upload


class ImportRefused(Exception):
    """The upload or confirmation is refused; the message is for the filer."""


def read_upload(data: bytes, filename: str) -> ParsedWorkbook:
    """Check the file's safety, then read it in a child process with memory and time limits
    (`isolation.py`, which also bounds the size of the reading); any refusal is one
    ImportRefused message."""
    try:
        check_upload(data, filename)
        return read_workbook_isolated(data)
    except (UnsafeFile, UnreadableWorkbook) as error:
        raise ImportRefused(str(error)) from None


def purge_stale_batches(*, days: int | None = None) -> int:
    """Delete the pending batches older than `days` (IMPORT_PENDING_DAYS); their count.

    A pending batch holds a parsed upload nobody confirmed: after a week its preview is stale
    anyway (the tables will have changed). Imported batches stay: they record what was
    imported, by whom and when.
    """
    days = settings.IMPORT_PENDING_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = ImportBatch.objects.filter(
        status=BatchStatus.PENDING, created_at__lt=cutoff
    ).delete()
    return deleted


def create_batch(
    *, user: User, unit: Unit, year: int, filename: str, data: bytes
) -> tuple[ImportBatch, ImportResult]:
    if not can_file_for(user, unit):
        raise ImportRefused("只有本单位的填报人可以导入本单位的表。")
    # Reading may take the child up to IMPORT_PARSE_TIMEOUT: it runs before the transaction,
    # so no transaction stays open over a hostile file (on SQLite, one that had read anything
    # would hold off every other writer's commit for that long).
    parsed = read_upload(data, filename)
    with transaction.atomic():
        purge_stale_batches()
        preview = import_workbook(user=user, unit=unit, year=year, parsed=parsed, dry_run=True)
        batch = ImportBatch.objects.create(
            user=user,
            unit=unit,
            year=year,
            filename=filename[:255],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            parsed=parsed.to_dict(),
            versions=preview.versions(),
        )
    return batch, preview


def preview_batch(*, batch: ImportBatch, user: User) -> ImportResult:
    return import_workbook(
        user=user,
        unit=batch.unit,
        year=batch.year,
        parsed=ParsedWorkbook.from_dict(batch.parsed),
        dry_run=True,
        expected_versions=batch.versions if batch.status == BatchStatus.PENDING else None,
    )


@transaction.atomic
def confirm_batch(*, batch: ImportBatch, user: User, ip: str | None = None) -> ImportResult:
    """Apply a pending batch; all of it or, on any error, nothing."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != BatchStatus.PENDING:
        raise ImportRefused("此文件已经导入过，不能重复导入。")
    if not can_file_for(user, locked.unit):
        raise ImportRefused("只有本单位的填报人可以导入本单位的表。")
    result = import_workbook(
        user=user,
        unit=locked.unit,
        year=locked.year,
        parsed=ParsedWorkbook.from_dict(locked.parsed),
        dry_run=False,
        expected_versions=locked.versions,
        ip=ip,
    )
    if result.applied:
        locked.status = BatchStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.summary = result.summary()
        locked.save(update_fields=["status", "applied_at", "summary"])
        audit_record(
            kind=AuditKind.IMPORT,
            user=user,
            ip=ip,
            obj=locked,
            details={"unit": str(locked.unit), "summary": result.summary()},
        )
    return result
