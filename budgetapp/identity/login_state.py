"""What a login needs, worked out once when it happens and kept in its session.

Django sends `user_logged_in` from `login()` (the login page, the admin's login, a test
client's `force_login`); `IdentityConfig.ready` connects `on_user_logged_in` to it. Sessions
older than this code have no state yet: it is worked out on their next request.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind, EventResult
from budgetapp.identity import passwords, second_factor, sessions

security_log = logging.getLogger("budgetapp.security")

PASSWORD_KEY = "identity_password_state"
ENROLLED_KEY = "identity_otp_enrolled"
OK, MUST_CHANGE, EXPIRED = "ok", "must_change", "expired"


def _password_state(request: HttpRequest, user: AbstractBaseUser) -> str:
    if passwords.must_change_password(user):
        return MUST_CHANGE
    expires = passwords.password_expires_at(user)
    if expires is None:
        return OK
    now = timezone.now()
    if expires <= now:
        # Worked out once per session: the account is sent to change it from every page.
        record(
            kind=EventKind.PASSWORD_EXPIRED,
            request=request,
            user=user,
            obj=user,
            result=EventResult.REFUSED,
            details={
                "expired_at": expires.isoformat(),
                "max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
            },
        )
        return EXPIRED
    days_left = (expires - now).days
    if days_left < settings.PASSWORD_EXPIRY_WARNING_DAYS:
        messages.warning(
            request,
            f"您的密码将于 {timezone.localtime(expires):%Y-%m-%d} 过期（还有 {days_left} 天），"
            "请及时修改。",
            fail_silently=True,
        )
    return OK


def on_user_logged_in(sender, request: HttpRequest | None, user: AbstractBaseUser, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[PASSWORD_KEY] = _password_state(request, user)
    request.session[ENROLLED_KEY] = second_factor.is_enrolled(user)
    sessions.start(request, user)


def password_state(request: HttpRequest) -> str:
    state = request.session.get(PASSWORD_KEY)
    if state is None:
        state = request.session[PASSWORD_KEY] = _password_state(request, request.user)
    return state


def password_changed(request: HttpRequest) -> None:
    request.session[PASSWORD_KEY] = OK


def enrolled(request: HttpRequest) -> bool:
    value = request.session.get(ENROLLED_KEY)
    if value is None:
        value = request.session[ENROLLED_KEY] = second_factor.is_enrolled(request.user)
    return value


def enrolment_changed(request: HttpRequest, *, enrolled: bool) -> None:
    request.session[ENROLLED_KEY] = enrolled
