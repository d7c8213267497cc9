"""What the Django admin shows a login, derived from its role (三权分立).

The 系统管理员 (role `admin`) keeps the unit tree, budget years, indicator frameworks, the
智能审核 rules, the default thresholds of the monitoring lights and the indicator library there;
no other role gets into the admin site. Accounts are managed on the app's pages
(budgetapp/security), never by a 系统管理员. The Django superuser is for deployment and is left as
it is (its use is logged). A model added here later is granted to the existing 系统管理员 by a
migration (`monitoring/migrations/0003_grant_light_rules.py`, run on a database with
administrators by tests/test_monitoring_migrations.py).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.db.models import Q

from .models import Account, Role

# app_label.model of what a 系统管理员 maintains in the admin site.
SYSTEM_ADMIN_MODELS = (
    "units.region",
    "units.unit",
    "units.budgetyear",
    "indicators.framework",
    "indicators.category",
    "checks.checkrule",
    "monitoring.lightruledefaults",
    "library.libraryentry",
    "library.librarydecision",
)


def system_admin_permissions() -> list[Permission]:
    query = Q()
    for label in SYSTEM_ADMIN_MODELS:
        app_label, model = label.split(".")
        query |= Q(content_type__app_label=app_label, content_type__model=model)
    return list(Permission.objects.filter(query))


def sync_admin_site_rights(user: User) -> None:
    """Staff flag and model permissions follow the account's role; the superuser is untouched."""
    if user.is_superuser:
        return
    role = Account.objects.filter(user=user).values_list("role", flat=True).first()
    is_system_admin = role == Role.ADMIN
    if user.is_staff != is_system_admin:
        user.is_staff = is_system_admin
        user.save(update_fields=["is_staff"])
    user.user_permissions.set(system_admin_permissions() if is_system_admin else [])
