"""Access to library entries: 404 outside the user's units, 403 for a role that may not act."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from budgetapp.units.access import account_of, can_file_for, role_of, units_visible_to
from budgetapp.units.models import Unit

from .models import EntryKind, LibraryEntry


def require_library_reader(user: User | AnonymousUser) -> None:
    """Searching the library is for people with a role (filers, reviewers, administrators)."""
    if role_of(user) is None:
        raise PermissionDenied("您的账户没有可用的角色，不能使用指标库。")


def filer_unit(user: User | AnonymousUser) -> Unit:
    """The unit a filer proposes 个性指标 for; other roles are refused."""
    account = account_of(user)
    if account is None or account.unit is None or not can_file_for(user, account.unit):
        raise PermissionDenied("只有单位的填报人可以提出个性指标。")
    return account.unit


def get_proposal_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False):
    entry = get_object_or_404(
        LibraryEntry.objects.filter(
            kind=EntryKind.UNIT, unit__in=units_visible_to(user).values("pk")
        ).select_related("unit"),
        pk=pk,
    )
    if write and not can_file_for(user, entry.unit):
        raise PermissionDenied("只有提出单位的填报人可以修改此申请。")
    return entry
