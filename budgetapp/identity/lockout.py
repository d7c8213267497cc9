"""Login lockout (django-axes): the Chinese lockout page, the lock's end, and unlocking.

Axes counts failed logins per username and per client address (settings.AXES_*); a username
that does not exist is counted like one that does, so the lockout page tells nobody whether an
account exists. The lock runs `LOGIN_LOCKOUT_MINUTES` from the last counted failure.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind, EventResult
from budgetapp.core.http import client_ip

security_log = logging.getLogger("budgetapp.security")

LOCKED_MESSAGE = "登录失败次数过多，已暂时锁定。请于 {until} 之后再试，或联系安全管理员解锁。"


def axes_client_ip(request: HttpRequest) -> str | None:
    """Axes counts failures by the same client address the audit trail records."""
    return client_ip(request)


def _active_attempts(*, username: str | None = None, ip_address: str | None = None):
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    query = Q()
    if username:
        query |= Q(username=username)
    if ip_address:
        query |= Q(ip_address=ip_address)
    if not query:
        return AccessAttempt.objects.none()
    return AccessAttempt.objects.filter(query, attempt_time__gte=threshold)


def locked_until(*, username: str | None, ip_address: str | None) -> dt.datetime | None:
    """When the lock on this username or address ends, or None when neither is locked."""
    ends: list[dt.datetime] = []
    for key in (
        {"username": username} if username else None,
        {"ip_address": ip_address} if ip_address else None,
    ):
        if key is None:
            continue
        attempts = _active_attempts(**key)
        summary = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (summary["failures"] or 0) >= settings.AXES_FAILURE_LIMIT:
            ends.append(summary["last"] + settings.AXES_COOLOFF_TIME)
    return max(ends) if ends else None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The login page again, with one message that never says whether the account exists."""
    username = get_client_username(request, credentials)
    until = locked_until(username=username, ip_address=get_client_ip_address(request))
    if until is None:  # the cool-off is configured but the sum raced; fall back to its length
        until = timezone.now() + (get_cool_off(request) or settings.AXES_COOLOFF_TIME)
    form = AuthenticationForm(request, data=None)
    message = LOCKED_MESSAGE.format(until=timezone.localtime(until).strftime("%Y-%m-%d %H:%M"))
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
    )


@dataclass(frozen=True)
class Lock:
    """A username or address locked now, for the 安全管理员's page."""

    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    until: dt.datetime


def current_locks() -> list[Lock]:
    locks: list[Lock] = []
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=threshold)
    for field in ("username", "ip_address"):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by(field)
        )
        for row in rows:
            locks.append(
                Lock(
                    kind=field,
                    value=row[field],
                    failures=row["failures"],
                    until=row["last"] + settings.AXES_COOLOFF_TIME,
                )
            )
    return locks


def on_user_locked_out(
    sender: object, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs
) -> None:
    """Axes' `user_locked_out`: a lock begins (the failure that reached the limit) → on the record.

    Axes sends the signal again for every try refused during the lock; those are already
    recorded as failed logins, so only the failure that started the lock is a lockout event
    (Axes counts it, `axes_failures_since_start`; a refused try is not counted). Like a failed
    login, the event names the typed username, not an account: whether one exists is not
    looked up.
    """
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    until = locked_until(username=username, ip_address=ip_address)
    record(
        kind=EventKind.LOCKOUT,
        request=request,
        user=None,
        ip=ip_address,
        result=EventResult.REFUSED,
        details={
            "username": (username or "")[:150],
            "failures": failures,
            "limit": settings.AXES_FAILURE_LIMIT,
            "until": until.isoformat() if until else None,
        },
    )


class NotLocked(Exception):
    """Nothing to unlock: the lock has already ended or never existed."""


def unlock(*, kind: str, value: str, by: AbstractBaseUser, ip: str | None) -> int:
    """Clear the failures counted against a username or an address; returns the rows cleared."""
    if kind not in ("username", "ip_address") or not value:
        raise NotLocked("解锁对象无效。")
    with transaction.atomic():
        attempts = AccessAttempt.objects.select_for_update().filter(**{kind: value})
        rows = list(attempts)
        count = len(rows)
        if not count:
            raise NotLocked("该账户或地址当前没有被锁定。")
        until = locked_until(
            username=value if kind == "username" else None,
            ip_address=value if kind == "ip_address" else None,
        )
        AccessAttempt.objects.filter(**{kind: value}).delete()
        record(
            kind=EventKind.UNLOCK,
            user=by,
            ip=ip,
            details={
                kind: value,
                "failures_cleared": sum(row.failures_since_start for row in rows),
                "changes": {
                    "locked_until": {
                        "old": until.isoformat() if until else None,
                        "new": None,
                    }
                },
            },
        )
    security_log.info(
        "unlock %s=%s by %s from %s (%d attempt rows)", kind, value, by.get_username(), ip, count
    )
    return count
