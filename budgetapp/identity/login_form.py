"""The login forms (the app's and the admin site's): an account unused for too long is refused.

`disable_inactive_accounts` is meant to run daily; checking again at login makes the rule hold
where it is not scheduled. The message is shown only after the right password, so it tells
nothing to someone guessing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from budgetapp.identity.inactive import disable_if_unused

UNUSED_MESSAGE = (
    "此账户已超过 {days} 天未使用，按规定已停用。"
    "请联系本单位的账户管理员（市残联审核人或安全管理员）重新启用。"
)


class UnusedAccountCheck:
    def confirm_login_allowed(self, user: AbstractBaseUser) -> None:
        super().confirm_login_allowed(user)  # type: ignore[misc]
        if disable_if_unused(user):
            raise ValidationError(
                UNUSED_MESSAGE.format(days=settings.ACCOUNT_INACTIVE_DAYS), code="unused"
            )


class LoginForm(UnusedAccountCheck, AuthenticationForm):
    pass


class AdminLoginForm(UnusedAccountCheck, AdminAuthenticationForm):
    pass
