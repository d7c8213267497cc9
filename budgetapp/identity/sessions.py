"""Session limits: an idle timeout, an absolute limit, optionally one session per account.

The session records when it started and when it was last used. A request after the idle
timeout or the absolute limit ends it and sends the user to log in again; what they typed in
the editor stays in their browser (static/js/draft-keeper.js) and is offered back. Two minutes
before the idle timeout the page offers 继续 (static/js/session-timeout.js, WCAG 2.2.1).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from budgetapp.core.fixed_urls import fixed_reverse
from budgetapp.identity.models import Credential

STARTED_KEY = "identity_session_started"
LAST_SEEN_KEY = "identity_session_last_seen"
# The last-use time is written at most this often (seconds), so most requests do not write
# the session; the page is told the exact time left, so its warning is never late.
TOUCH_EVERY = 30


# Why a session was ended, and the limit that ended it (seconds; none for a newer login).
_LIMITS = {
    "idle": lambda: settings.SESSION_IDLE_TIMEOUT,
    "absolute": lambda: settings.SESSION_ABSOLUTE_TIMEOUT,
    "replaced": lambda: None,
}


def remaining_seconds(request: HttpRequest, *, now: float | None = None) -> int:
    """Seconds until this session ends if nothing else is done: idle or absolute, the sooner."""
    now = time.time() if now is None else now
    session = request.session
    idle_end = session.get(LAST_SEEN_KEY, now) + settings.SESSION_IDLE_TIMEOUT
    absolute_end = session.get(STARTED_KEY, now) + settings.SESSION_ABSOLUTE_TIMEOUT
    return max(0, int(min(idle_end, absolute_end) - now))


def _ended_response(request: HttpRequest, message: str, *, reason: str) -> HttpResponse:
    # The logout below is recorded as this session's end, with why (audit/auth_events.py).
    last_seen = request.session.get(LAST_SEEN_KEY)
    request.audit_session_end = {
        "reason": reason,
        "limit_seconds": _LIMITS[reason](),
        # Ended at this request; the person was last seen then (the record's time is now).
        "last_seen": (
            dt.datetime.fromtimestamp(last_seen, tz=dt.UTC).isoformat() if last_seen else None
        ),
    }
    logout(request)
    login_url = reverse("login")
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse({"ended": True, "login_url": login_url}, status=401)
    messages.warning(request, message)
    if request.method == "GET":
        login_url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(login_url)


def start(request: HttpRequest, user: AbstractBaseUser) -> None:
    """At login (login_state.on_user_logged_in): the clocks start; the one session is this."""
    now = time.time()
    request.session[STARTED_KEY] = request.session[LAST_SEEN_KEY] = now
    if settings.SESSION_ONE_PER_ACCOUNT:
        if request.session.session_key is None:
            request.session.save()
        Credential.objects.update_or_create(
            user=user, defaults={"session_key": request.session.session_key}
        )


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = time.time()
        started = session.get(STARTED_KEY)
        if started is None:  # a session from before this code: its clocks start now
            start(request, user)
            return self.get_response(request)
        last_seen = session.get(LAST_SEEN_KEY, started)
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            return _ended_response(
                request,
                f"由于超过 {minutes} 分钟未操作，您已自动退出登录，请重新登录。",
                reason="idle",
            )
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
            return _ended_response(request, "本次登录已达最长时限，请重新登录。", reason="absolute")
        if (
            settings.SESSION_ONE_PER_ACCOUNT
            and not Credential.objects.filter(user=user, session_key=session.session_key).exists()
        ):
            return _ended_response(request, "您的账户已在别处登录，本处已退出。", reason="replaced")
        if now - last_seen >= TOUCH_EVERY:
            session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def extend(request: HttpRequest) -> JsonResponse:
    """继续: the user is still here; the idle clock starts again."""
    request.session[LAST_SEEN_KEY] = time.time()
    return JsonResponse({"remaining": remaining_seconds(request)})


def session_timeout(request: HttpRequest) -> dict:
    """Context for base.html: how long the page may wait before warning and ending."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_timeout": {
            "remaining": remaining_seconds(request),
            "warning": settings.SESSION_WARNING_SECONDS,
            "extend_url": fixed_reverse("identity:session_extend"),
            "login_url": fixed_reverse("login"),
        }
    }
