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
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

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
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_break_id is None


def verify_chain() -> ChainReport:
    """Walk the log oldest first; the first record whose hash or link does not hold is reported.

    The oldest remaining record may point at a purged predecessor: that is accepted only when
    a purge event names that predecessor's hash as the last one it removed.
    """
    purged_tails = {
        details.get("last_purged_hash")
        for details in AuditEvent.objects.filter(kind=EventKind.AUDIT_PURGE).values_list(
            "details", flat=True
        )
        if isinstance(details, dict)
    }
    expected_prev: str | None = None
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if expected_prev is None:
            if event.prev_hash and event.prev_hash not in purged_tails:
                return ChainReport(checked, event.pk, "最早的记录指向一条不存在、也未经清理的记录")
        elif event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "与前一条记录的散列不衔接（记录被删除或改动）")
        if content_hash(event) != event.hash:
            return ChainReport(checked, event.pk, "内容与散列不符（记录被改动）")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked)
