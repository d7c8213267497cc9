"""Keeping the audit log at least `AUDIT_RETENTION_DAYS` (≥ 180, 等保 level 3) and no longer
than needed: the one path that removes records, itself on the record."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .log import record
from .models import PURGE_SETTING, AuditEvent, EventKind

MINIMUM_RETENTION_DAYS = 180


class RetentionError(Exception):
    pass


def retention_days() -> int:
    return max(MINIMUM_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", 180)))


def purge_before(*, day: datetime.date) -> int:
    """Delete the records older than `day`; refuses a day inside the retention period."""
    today = timezone.localdate()
    oldest_allowed = today - datetime.timedelta(days=retention_days())
    if day > oldest_allowed:
        raise RetentionError(
            f"审计记录至少保留 {retention_days()} 天：只能删除 {oldest_allowed} 之前的记录。"
        )
    cutoff = datetime.datetime.combine(
        day, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    with transaction.atomic():
        doomed = AuditEvent.objects.filter(created_at__lt=cutoff)
        last = doomed.order_by("-id").values_list("id", "hash").first()
        if last is None:
            return 0
        with _deletes_allowed():
            removed, _ = AuditEvent.objects.filter(id__lte=last[0]).delete()
        # The chain's new first record points at the last one removed; this event vouches
        # for that link (verify_chain accepts it only through such an event).
        record(
            kind=EventKind.AUDIT_PURGE,
            details={"before": day.isoformat(), "removed": removed, "last_purged_hash": last[1]},
        )
    return removed


@contextmanager
def _deletes_allowed() -> Iterator[None]:
    """Let DELETEs through the append-only trigger (audit/models.py) inside the current
    transaction, and only for the block: set_config(..., true) is local to the transaction and
    undone by a rollback to an earlier savepoint; it is switched off again right after."""
    if connection.vendor != "postgresql":  # no trigger elsewhere
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        try:
            yield
        finally:
            cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
