"""The separated admin roles beside conftest's cast: 安全管理员, 审计管理员, a 系统管理员 that is
not the Django superuser."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from budgetapp.units.admin_rights import sync_admin_site_rights
from budgetapp.units.models import Account, Role

from .conftest import PASSWORD


def _make(username: str, role: str, unit=None):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=f"{username}本人"
    )
    Account.objects.create(user=user, role=role, unit=unit, phone="0335-5051234")
    sync_admin_site_rights(user)
    user.refresh_from_db()
    return user


def make_staff(users: dict) -> dict:
    """conftest's users plus the three admin roles of 三权分立."""
    return {
        **users,
        "security": _make("secadmin", Role.SECURITY_ADMIN),
        "auditor": _make("auditor", Role.AUDIT_ADMIN),
        "system": _make("sysadmin2", Role.ADMIN),
    }
