"""Accounts unused for ACCOUNT_INACTIVE_DAYS are disabled (manage.py disable_inactive_accounts)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind

security_log = logging.getLogger("budgetapp.security")


def inactive_accounts(*, days: int, now: dt.datetime | None = None) -> QuerySet:
    """Active accounts whose last login (or creation, if never) is older than `days` days.

    The deployment superuser is left out: it is not a person's working account, and disabling
    it would lock the operators out of `createsuperuser`-less recovery.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("username")
    )


def _disable(user, *, days: int, by: str) -> None:
    record(
        kind=EventKind.ACCOUNT_CHANGE,
        user=None,
        obj=user,
        details={
            "action": "disable_inactive",
            "by": by,
            "account": user.get_username(),
            "unused_days": days,
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "changes": {"is_active": {"old": True, "new": False}},
        },
    )
    security_log.info("account %s disabled: unused for %d days", user.get_username(), days)


def disable_inactive_accounts(
    *, days: int, now: dt.datetime | None = None, dry_run: bool = False
) -> list[str]:
    """Disable them; returns their usernames. They can be enabled again by an administrator."""
    with transaction.atomic():
        users = list(inactive_accounts(days=days, now=now).select_for_update())
        names = [user.get_username() for user in users]
        if not dry_run and users:
            get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(is_active=False)
            for user in users:
                _disable(user, days=days, by="manage.py disable_inactive_accounts")
    return names


def disable_if_unused(user, *, now: dt.datetime | None = None) -> bool:
    """At login, with the right password: an account unused for ACCOUNT_INACTIVE_DAYS is
    disabled now, so the rule holds even where the daily command is not scheduled.
    Returns True when it was (the login is then refused)."""
    days = settings.ACCOUNT_INACTIVE_DAYS
    if not days or user.is_superuser or not user.is_active:
        return False
    with transaction.atomic():
        stale = inactive_accounts(days=days, now=now).select_for_update().filter(pk=user.pk)
        if not stale.exists():
            return False
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        _disable(user, days=days, by="login")
    return True
