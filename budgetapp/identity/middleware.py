"""Requests of a signed-in user pass the second factor and the password policy first.

What each needs is worked out once, at login (`login_state.on_user_logged_in`), and kept in
the session, so an ordinary request reads no table and writes no session for it:

- a role that needs a second factor (roles.py), or a filer who enrolled one, is sent to the
  second-factor page until the session is verified;
- a user whose password was set by an administrator, or has expired, is sent to the change page
  until they choose their own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from budgetapp.core.fixed_urls import fixed_reverse, fixed_reverses
from budgetapp.identity import login_state
from budgetapp.identity.roles import requires_second_factor


def _auth_flow_paths() -> tuple[str, ...]:
    """Pages a signed-in user reaches before the second factor and the password policy pass."""
    return (*fixed_reverses(_AUTH_FLOW_NAMES), f"/{settings.STATIC_URL.lstrip('/')}")


_AUTH_FLOW_NAMES = ("identity:otp_verify", "identity:otp_setup", "logout", "login")


class PasswordPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        path = request.path_info
        if path.startswith(fixed_reverse("identity:password_change")) or any(
            path.startswith(p) for p in _auth_flow_paths()
        ):
            return self.get_response(request)
        state = login_state.password_state(request)
        if state == login_state.MUST_CHANGE:
            messages.warning(request, "管理员为您设置了初始密码，请先修改为只有您知道的新密码。")
            return redirect("identity:password_change")
        if state == login_state.EXPIRED:
            messages.warning(request, "您的密码已过期，请先修改密码。")
            return redirect("identity:password_change")
        return self.get_response(request)


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
            or not (requires_second_factor(user) or login_state.enrolled(request))
        ):
            return self.get_response(request)
        target = "identity:otp_verify" if login_state.enrolled(request) else "identity:otp_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{reverse(target)}?{query}" if query else reverse(target))
