"""Who must do what to sign in, decided in one place.

A filer works only on their own unit's tables; every other role (reviewer, administrator,
and the separated admin roles 系统/安全/审计管理员) can see or change far more, so it needs the
stronger controls (a second factor). Unlocking accounts and resetting devices is the 安全管理员's
duty (budgetapp/security/access.py: 三权分立).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from budgetapp.units.access import account_of
from budgetapp.units.models import Role

# Role values allowed to unlock accounts and reset second factors.
# 三权分立: the 安全管理员 only (the 系统管理员 keeps the unit tree, not accounts).
SECURITY_ROLES = {str(Role.SECURITY_ADMIN)}


def account_role(user: AbstractBaseUser | AnonymousUser) -> str | None:
    account = account_of(user)  # type: ignore[arg-type]
    return account.role if account is not None else None


def is_filer_only(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A filer and nothing more: no staff or superuser flag, no other role."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return False
    return account_role(user) == Role.FILER


def requires_second_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Every role other than filer signs in with a second factor; filers too if configured."""
    if not user.is_authenticated:
        return False
    if settings.OTP_REQUIRED_FOR_ALL:
        return True
    return not is_filer_only(user)


def is_security_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and (
        bool(getattr(user, "is_superuser", False)) or account_role(user) in SECURITY_ROLES
    )
