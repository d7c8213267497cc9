"""Writing and checking the security audit log: `record()` is the one way in.

Every record's hash covers its content and the previous record's hash. Appending is
serialised (a transaction-scoped advisory lock on PostgreSQL; SQLite writes one transaction at
a time anyway) so two concurrent events can never chain onto the same predecessor.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .anchor import AnchorReader, write_anchor, write_reset
from .models import AuditEvent, EventKind, EventResult

# pg_advisory_xact_lock key of the chain's tail (any constant unique to this purpose).
_CHAIN_LOCK_KEY = 0x41554449  # "AUDI"


def _canonical(data: Any) -> str:
    return json.dumps(
        data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def content_hash(event: AuditEvent) -> str:
    """SHA-256 over everything the record says and the hash of the record before it."""
    content = {
        "created_at": event.created_at.astimezone(UTC).isoformat(),
        "user_id": event.user_id,
        "username": event.username,
        "role": event.role,
        "unit_id": event.unit_id,
        "unit_label": event.unit_label,
        "client_ip": event.client_ip,
        "kind": event.kind,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "result": event.result,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _who(user: Any) -> tuple[int | None, str, str, int | None, str]:
    """(user id, username, role, unit id, unit label) of a user, as they are now."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", "", None, ""
    try:
        account = user.account
    except (ObjectDoesNotExist, AttributeError):
        account = None
    role = account.role if account is not None else ""
    if user.is_superuser:
        role = "superuser"
    unit = account.unit if account is not None else None
    return (
        user.pk,
        user.get_username(),
        role,
        unit.pk if unit is not None else None,
        str(unit)[:150] if unit is not None else "",
    )


@transaction.atomic
def record(
    *,
    kind: EventKind | str,
    request: HttpRequest | None = None,
    user: Any = None,
    obj: models.Model | None = None,
    result: EventResult | str = EventResult.SUCCESS,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one security event to the chain and return it.

    `user` defaults to the request's user; the client IP comes from the request (through the
    trusted-proxy rule of `core.http.client_ip`) unless a service passes the `ip` it was given.
    `details` must be JSON-serialisable (dates and decimals are written as text).
    """
    from budgetapp.core.http import client_ip

    kind = EventKind(kind)
    result = EventResult(result)
    if user is None and request is not None:
        user = getattr(request, "user", None)
    user_id, username, role, unit_id, unit_label = _who(user)
    if ip is None and request is not None:
        ip = client_ip(request)
    event = AuditEvent(
        created_at=timezone.now(),
        user_id=user_id,
        username=username,
        role=role,
        unit_id=unit_id,
        unit_label=unit_label,
        client_ip=_valid_ip(ip),
        kind=kind.value,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:255] if obj is not None else "",
        result=result.value,
        # Stored as it will read back, so the hash computed now is the hash verified later.
        details=json.loads(_canonical(details or {})),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.select_for_update().order_by("-id").values_list("hash").first()
    event.prev_hash = last[0] if last else ""
    event.hash = content_hash(event)
    event.save(force_insert=True)
    # The head's anchor outside the database, once the record is really there (anchor.py).
    transaction.on_commit(
        partial(
            write_anchor,
            event_id=event.pk,
            event_hash=event.hash,
            created_at=event.created_at.isoformat(),
        )
    )
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break_id: int | None = None
    reason: str = ""
    # The comparison with the anchors outside the database (anchor.py).
    anchors_checked: int = 0
    anchor_head: int | None = None
    anchor_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_break_id is None and not self.anchor_problem


class _ChainWalk:
    """The chain, oldest first, one validated record at a time (memory stays one chunk)."""

    def __init__(self) -> None:
        self.purged_tails = {
            details.get("last_purged_hash")
            for details in AuditEvent.objects.filter(kind=EventKind.AUDIT_PURGE).values_list(
                "details", flat=True
            )
            if isinstance(details, dict)
        }
        self.events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
        self.expected_prev: str | None = None
        self.checked = 0
        self.broken: ChainReport | None = None

    def step(self) -> AuditEvent | None:
        """The next record once it holds; None at the end or at the first break (`broken`)."""
        if self.broken is not None:
            return None
        event = next(self.events, None)
        if event is None:
            return None
        reason = ""
        if self.expected_prev is None:
            if event.prev_hash and event.prev_hash not in self.purged_tails:
                reason = "最早的记录指向一条不存在、也未经清理的记录"
        elif event.prev_hash != self.expected_prev:
            reason = "与前一条记录的散列不衔接（记录被删除或改动）"
        if not reason and content_hash(event) != event.hash:
            reason = "内容与散列不符（记录被改动）"
        if reason:
            self.broken = ChainReport(self.checked, event.pk, reason)
            return None
        self.expected_prev = event.hash
        self.checked += 1
        return event


def verify_chain() -> ChainReport:
    """Walk the log oldest first; the first record whose hash or link does not hold is reported.

    The oldest remaining record may point at a purged predecessor: that is accepted only when
    a purge event names that predecessor's hash as the last one it removed. Beside the walk,
    the anchors written outside the database (anchor.py) are checked: each anchored record must
    still be there with the anchored hash. A missing one means records were removed (the newest
    ones too: what is left of a chain is still a chain); a different hash means the chain was
    rewritten and sealed again.
    """
    oldest = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
    walk = _ChainWalk()
    anchors = AnchorReader()
    current = walk.step()
    checked_anchors = 0
    missing = 0
    first_missing: int | None = None
    for anchored_id, anchored_hash in anchors:
        if oldest is not None and anchored_id < oldest:
            continue  # purged with its record; the chain's start is vouched for by the purge
        while current is not None and current.pk < anchored_id:
            current = walk.step()
        if walk.broken is not None:
            return walk.broken
        if current is not None and current.pk == anchored_id:
            stored: str | None = current.hash
        else:  # gone, or anchored out of id order and already passed: look it up
            stored = (
                AuditEvent.objects.filter(pk=anchored_id).values_list("hash", flat=True).first()
            )
        if stored is None:
            missing += 1
            if first_missing is None or anchored_id < first_missing:
                first_missing = anchored_id
        elif stored != anchored_hash:
            reason = "散列与链外锚点记下的不同（记录被改写）"
            return ChainReport(walk.checked, anchored_id, reason)
        else:
            checked_anchors += 1
    while current is not None:
        current = walk.step()
    if walk.broken is not None:
        return walk.broken
    problem = ""
    if missing:
        problem = (
            f"链外锚点记下的第 {first_missing} 号记录已不在日志中"
            f"（共缺 {missing} 条锚定记录，最新锚点为第 {anchors.head} 号）："
            "记录被删除，可能是最新的记录"
        )
    elif walk.checked and not checked_anchors:
        problem = (
            "没有链外锚点可以核对最新的记录"
            f"（锚点文件 {'为空' if anchors.file_exists else '不存在'}）："
            "无法确认最新的记录未被删除"
        )
    elif anchors.unreadable_lines:
        problem = f"锚点文件中有 {anchors.unreadable_lines} 行无法读取（文件被改动或写入中断）"
    return ChainReport(
        walk.checked,
        anchors_checked=checked_anchors,
        anchor_head=anchors.head,
        anchor_problem=problem,
    )


def reanchor(*, reason: str, by: str) -> ChainReport:
    """Start the anchors afresh from the current head, on the record.

    For the operator, after seeing what `verify_chain` reports: a database restored from a
    backup has lost the records written since (the anchors name them), and a log from before
    anchors existed has none. The chain itself must hold; what the anchors said before is
    kept in the event.
    """
    before = verify_chain()
    if before.first_break_id is not None:
        raise ValueError(
            f"审计日志在第 {before.first_break_id} 号记录处断裂（{before.reason}），"
            "不能重新设定锚点。"
        )
    write_reset(reason=reason, by=by)
    record(
        kind=EventKind.AUDIT_REANCHOR,
        details={
            "reason": reason,
            "by": by,
            "records": before.checked,
            "anchor_problem_before": before.anchor_problem,
        },
    )
    return before
