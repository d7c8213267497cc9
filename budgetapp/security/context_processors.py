from __future__ import annotations

from django.http import HttpRequest

from budgetapp.identity.roles import is_security_admin

from . import access


def security_nav(request: HttpRequest) -> dict[str, bool]:
    """Which security pages the navbar links to for this login."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_accounts": access.can_manage_accounts(user),
        "nav_audit_log": access.can_read_audit_log(user),
        # Login locks and two-factor resets: the 安全管理员's own pages (identity app).
        "nav_security_admin": is_security_admin(user),
    }
