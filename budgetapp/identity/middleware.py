"""Requests of a signed-in user pass the password policy before reaching any page.

A user whose password was set by an administrator, or whose password has expired, is sent to
the change page until they choose their own; a password expiring soon earns one warning per
session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from budgetapp.identity import passwords, second_factor
from budgetapp.identity.roles import requires_second_factor

# Set once the session's user passed the policy: later requests read no table for it. A
# password set by an administrator changes the hash, which ends the user's other sessions.
CHECKED_KEY = "identity_password_checked"


def _exempt(request: HttpRequest) -> bool:
    path = request.path_info
    exempt = [reverse("identity:password_change"), *_auth_flow_paths()]
    return any(path.startswith(prefix) for prefix in exempt)


class PasswordPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt(request):
            return self.get_response(request)
        if request.session.get(CHECKED_KEY):
            return self.get_response(request)
        if passwords.must_change_password(user):
            messages.warning(request, "管理员为您设置了初始密码，请先修改为只有您知道的新密码。")
            return redirect("identity:password_change")
        expires = passwords.password_expires_at(user)
        if expires is not None:
            now = timezone.now()
            if expires <= now:
                messages.warning(request, "您的密码已过期，请先修改密码。")
                return redirect("identity:password_change")
            warn_from = expires - dt.timedelta(days=settings.PASSWORD_EXPIRY_WARNING_DAYS)
            if now >= warn_from:
                days = max((expires - now).days, 0)
                messages.warning(
                    request,
                    f"您的密码将于 {timezone.localtime(expires):%Y-%m-%d} 过期（还有 {days} 天），"
                    "请及时修改。",
                )
        request.session[CHECKED_KEY] = True
        return self.get_response(request)


def _auth_flow_paths() -> list[str]:
    """Pages a signed-in user reaches before the second factor and the password policy pass."""
    return [
        reverse("identity:otp_verify"),
        reverse("identity:otp_setup"),
        reverse("logout"),
        reverse("login"),
        f"/{settings.STATIC_URL.lstrip('/')}",
    ]


# Whether this session's user has an authenticator: asked once per login, so a filer's
# requests read no device table.
ENROLLED_KEY = "identity_otp_enrolled"


def _needs_second_factor(request: HttpRequest) -> bool:
    if requires_second_factor(request.user):
        return True
    enrolled = request.session.get(ENROLLED_KEY)
    if enrolled is None:
        enrolled = request.session[ENROLLED_KEY] = second_factor.is_enrolled(request.user)
    return enrolled


class SecondFactorMiddleware:
    """Every page needs the second factor from a role that requires it (roles.py), and from a
    filer who chose to enrol one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or any(request.path_info.startswith(p) for p in _auth_flow_paths())
            or user.is_verified()
            or not _needs_second_factor(request)
        ):
            return self.get_response(request)
        target = "identity:otp_verify" if second_factor.is_enrolled(user) else "identity:otp_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{reverse(target)}?{query}" if query else reverse(target))
