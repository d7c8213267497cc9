"""Who may manage which accounts and who reads the audit log: the one place that decides.

三权分立: the 安全管理员 manages accounts (all units) but sees no table; the 审计管理员 reads
the audit log and nothing else; the 系统管理员 keeps the unit tree, years, frameworks, rules and
the library (Django admin). A city's reviewer manages the filer and reviewer accounts of the
units in its subtree. Nobody manages their own account (no role grants itself another), and
security administrators' accounts are created at deployment (createsuperuser + Django admin),
so a 安全管理员 cannot make a second one of itself.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from budgetapp.units.access import account_of, units_visible_to
from budgetapp.units.models import Account, Role, Unit

# Roles an account manager may give, by the manager's role.
_ASSIGNABLE: dict[str, tuple[str, ...]] = {
    Role.SECURITY_ADMIN: (Role.FILER, Role.REVIEWER, Role.ADMIN, Role.AUDIT_ADMIN),
    Role.REVIEWER: (Role.FILER, Role.REVIEWER),
}


def manager_role(user: User | AnonymousUser) -> str | None:
    """The role under which the user manages accounts, or None. The superuser is not one:
    it is for deployment, and the Django admin (logged) is where it works."""
    account = account_of(user)
    if account is None or not user.is_active or user.is_superuser:
        return None
    if account.role == Role.SECURITY_ADMIN:
        return Role.SECURITY_ADMIN
    if account.role == Role.REVIEWER and account.unit_id is not None:
        return Role.REVIEWER
    return None


def can_manage_accounts(user: User | AnonymousUser) -> bool:
    return manager_role(user) is not None


def require_account_manager(user: User | AnonymousUser) -> str:
    role = manager_role(user)
    if role is None:
        raise PermissionDenied("只有安全管理员和市级审核人可以管理账户。")
    return role


def assignable_roles(user: User | AnonymousUser) -> tuple[str, ...]:
    return _ASSIGNABLE.get(manager_role(user) or "", ())


def assignable_units(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units the manager may put an account in: all for the 安全管理员, the subtree for a city."""
    role = manager_role(user)
    if role == Role.SECURITY_ADMIN:
        return Unit.objects.filter(is_active=True)
    if role == Role.REVIEWER:
        return units_visible_to(user).filter(is_active=True)
    return Unit.objects.none()


def accounts_managed_by(user: User | AnonymousUser) -> QuerySet[Account]:
    """The accounts a manager sees in the list and may change; never their own."""
    role = manager_role(user)
    accounts = Account.objects.select_related("user", "unit__region").exclude(user_id=user.pk)
    if role == Role.SECURITY_ADMIN:
        return accounts.exclude(role=Role.SECURITY_ADMIN).exclude(user__is_superuser=True)
    if role == Role.REVIEWER:
        return accounts.filter(
            Q(unit__in=units_visible_to(user)), role__in=_ASSIGNABLE[Role.REVIEWER]
        ).exclude(user__is_superuser=True)
    return Account.objects.none()


def get_account_for_manager(user: User | AnonymousUser, pk: int) -> Account:
    """An account the user may manage: 403 for a role that manages none, 404 outside its scope."""
    require_account_manager(user)
    return get_object_or_404(accounts_managed_by(user), pk=pk)


def can_read_audit_log(user: User | AnonymousUser) -> bool:
    account = account_of(user)
    return (
        account is not None
        and user.is_active
        and not user.is_superuser
        and account.role == Role.AUDIT_ADMIN
    )


def require_audit_reader(user: User | AnonymousUser) -> None:
    if not can_read_audit_log(user):
        raise PermissionDenied("只有审计管理员可以查看安全审计日志。")
