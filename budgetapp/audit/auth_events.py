"""Logins, logouts and failed logins, from django.contrib.auth's signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .log import record
from .models import EventKind, EventResult


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(kind=EventKind.LOGIN, request=request, user=user)
    if user.is_superuser:
        # The superuser is for deployment only (docs/security.md): every use is on the record.
        record(kind=EventKind.SUPERUSER_USE, request=request, user=user, details={"action": "登录"})


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    # A session ended by its limits (identity/sessions.py) says so and why: idle, absolute
    # limit, or a newer login of the same account.
    ended = getattr(request, "audit_session_end", None)
    if ended:
        record(kind=EventKind.SESSION_END, request=request, user=user, details=ended)
    else:
        record(kind=EventKind.LOGOUT, request=request, user=user)


def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # Only the name typed (Django already masks the password in `credentials`); whether such an
    # account exists is not looked up here.
    username = str(credentials.get("username", ""))[:150]
    record(
        kind=EventKind.LOGIN_FAILED,
        request=request,
        user=None,
        result=EventResult.REFUSED,
        details={"username": username},
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
