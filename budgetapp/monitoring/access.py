"""Access to monitoring rounds and sheets: 404 outside the user's units, 403 for a weak role."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from budgetapp.units.access import account_of, can_file_for, role_of, units_visible_to
from budgetapp.units.models import Role

from .models import MonitoringRound, MonitoringSheet


def sheets_visible_to(user: User | AnonymousUser) -> QuerySet[MonitoringSheet]:
    return MonitoringSheet.objects.filter(unit__in=units_visible_to(user))


def rounds_visible_to(user: User | AnonymousUser) -> QuerySet[MonitoringRound]:
    """A reviewer's city's rounds (and those of regions above it that cover its units), an
    administrator's all; filers reach their sheets, not the rounds."""
    role = role_of(user)
    if role == Role.ADMIN:
        return MonitoringRound.objects.all()
    account = account_of(user)
    if role != Role.REVIEWER or account is None or account.unit is None:
        return MonitoringRound.objects.none()
    return MonitoringRound.objects.filter(region__path__startswith=account.unit.region.path)


def get_sheet_for_user(
    user: User | AnonymousUser, pk: int, *, write: bool = False
) -> MonitoringSheet:
    sheet = get_object_or_404(
        sheets_visible_to(user).select_related("round__year", "round__region", "table", "unit"),
        pk=pk,
    )
    if write and not can_file_for(user, sheet.unit):
        raise PermissionDenied("只有本单位的填报人可以填写此监控表。")
    return sheet


def get_round_for_user(user: User | AnonymousUser, pk: int) -> MonitoringRound:
    if role_of(user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人和管理员可以查看监控批次。")
    return get_object_or_404(rounds_visible_to(user).select_related("year", "region"), pk=pk)
