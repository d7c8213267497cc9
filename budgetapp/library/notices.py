"""Telling a unit what became of its 个性指标 proposal: an in-app notice and an e-mail to its
filers (through `review.notices`, so they arrive like the review steps' notices, after commit)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.urls import reverse

from budgetapp.review.notices import notify
from budgetapp.units.models import Role

from .models import EntryKind, EntryStatus, LibraryEntry


def _filers_of(entry: LibraryEntry) -> list[User]:
    return list(
        get_user_model().objects.filter(
            account__role=Role.FILER, account__unit=entry.unit_id, is_active=True
        )
    )


def proposal_decided(entry: LibraryEntry) -> None:
    """After an approval or a rejection of a unit's entry (its status is the new one)."""
    if entry.kind != EntryKind.UNIT or entry.unit_id is None:
        return
    if entry.status == EntryStatus.APPROVED:
        text = f"个性指标“{entry.name}”已审核通过，可在指标库中选用。"
    elif entry.status == EntryStatus.REJECTED:
        reason = entry.review_note.strip() or "未说明理由"
        text = f"个性指标“{entry.name}”未通过审核：{reason}"
    else:
        return
    notify(_filers_of(entry), text, reverse("library:proposals"))
