"""Writes to the library: proposals by units, and the administrators' decisions on entries.

Each function is atomic, locks the rows it changes and checks the state it starts from, so two
administrators acting at once cannot approve a proposal that was just rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from budgetapp.units.access import can_file_for
from budgetapp.units.models import Unit

from . import notices
from .models import CONTENT_FIELDS, EntryKind, EntryStatus, LibraryDecision, LibraryEntry

PROPOSAL_FIELDS = CONTENT_FIELDS


class LibraryError(Exception):
    """A refused library change; the message is shown to the user as it is."""


@transaction.atomic
def propose_entry(*, user: User, unit: Unit, data: Mapping[str, Any]) -> LibraryEntry:
    """A filer proposes a 个性指标 for their own unit; it waits for an administrator."""
    if not can_file_for(user, unit):
        raise LibraryError("只有本单位的填报人可以提出个性指标。")
    values = {name: data.get(name) or "" for name in PROPOSAL_FIELDS}
    duplicate = LibraryEntry.objects.filter(
        name=values["name"], level1_name=values["level1_name"], status=EntryStatus.APPROVED
    ).filter(kind=EntryKind.COMMON)
    if duplicate.exists():
        raise LibraryError(f"指标库中已有共性指标“{values['name']}”，可直接选用，无需再提出。")
    pending = LibraryEntry.objects.filter(
        unit=unit, name=values["name"], status=EntryStatus.PROPOSED
    )
    if pending.exists():
        raise LibraryError(f"本单位已提出“{values['name']}”，正在等待审核。")
    return LibraryEntry.objects.create(
        kind=EntryKind.UNIT,
        status=EntryStatus.PROPOSED,
        unit=unit,
        proposed_by=user,
        **values,
    )


@transaction.atomic
def withdraw_proposal(*, user: User, entry: LibraryEntry) -> None:
    """The proposing unit takes back a proposal that has not been decided yet."""
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.unit is None or not can_file_for(user, entry.unit):
        raise LibraryError("只有提出单位的填报人可以撤回此申请。")
    if entry.status != EntryStatus.PROPOSED:
        raise LibraryError(f"此指标当前状态为“{entry.get_status_display()}”，不能撤回。")
    entry.delete()


def _decide(
    *,
    user: User,
    entries: Iterable[LibraryEntry],
    allowed_from: tuple[str, ...],
    to_status: str,
    note: str = "",
) -> tuple[int, int]:
    """Move the entries in `allowed_from` to `to_status`; returns (changed, skipped)."""
    pks = [e.pk for e in entries]
    locked = list(LibraryEntry.objects.select_for_update().filter(pk__in=pks))
    changed = [e for e in locked if e.status in allowed_from]
    now = timezone.now()
    decisions = []
    for entry in changed:
        decisions.append(decision(entry, user=user, to_status=to_status, note=note))
        entry.status = to_status
        entry.reviewed_by = user
        entry.reviewed_at = now
        entry.review_note = note[:200]
        entry.updated_at = now
    LibraryEntry.objects.bulk_update(
        changed, ["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    )
    LibraryDecision.objects.bulk_create(decisions)
    for entry in changed:
        notices.proposal_decided(entry)
    return len(changed), len(locked) - len(changed)


def decision(entry: LibraryEntry, *, user: User, to_status: str, note: str = "") -> LibraryDecision:
    """The record (unsaved) of moving `entry` from its current status to `to_status`."""
    return LibraryDecision(
        entry=entry,
        entry_name=entry.name,
        actor=user,
        from_status=entry.status,
        to_status=to_status,
        note=note[:200],
    )


@transaction.atomic
def approve_entries(*, user: User, entries: Iterable[LibraryEntry]) -> tuple[int, int]:
    """Approve proposals (and reinstate rejected ones): they are offered to their unit."""
    return _decide(
        user=user,
        entries=entries,
        allowed_from=(EntryStatus.PROPOSED, EntryStatus.REJECTED),
        to_status=EntryStatus.APPROVED,
    )


@transaction.atomic
def reject_entries(*, user: User, entries: Iterable[LibraryEntry], note: str) -> tuple[int, int]:
    """Reject proposals, saying why: the proposing unit sees the reason on its proposals page."""
    if not note.strip():
        raise LibraryError("请填写驳回理由，提出单位会看到它。")
    return _decide(
        user=user,
        entries=entries,
        allowed_from=(EntryStatus.PROPOSED,),
        to_status=EntryStatus.REJECTED,
        note=note.strip(),
    )


@transaction.atomic
def retire_entries(*, user: User, entries: Iterable[LibraryEntry]) -> tuple[int, int]:
    """Retired entries stay (tables were filled from them) but are never offered again."""
    return _decide(
        user=user,
        entries=entries,
        allowed_from=(EntryStatus.APPROVED,),
        to_status=EntryStatus.RETIRED,
    )


@transaction.atomic
def reinstate_entries(*, user: User, entries: Iterable[LibraryEntry]) -> tuple[int, int]:
    return _decide(
        user=user,
        entries=entries,
        allowed_from=(EntryStatus.RETIRED,),
        to_status=EntryStatus.APPROVED,
    )
