"""Account management writes: create, change, disable/enable, reset password.

Each is atomic, locks the login row, checks the manager's scope again (a page may be stale),
and leaves a security audit event with the old and new values.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.units.admin_rights import sync_admin_site_rights
from budgetapp.units.models import Account, Role, Unit
from budgetapp.units.profile import ProfileError, clean_phone

from . import access
from .one_time import set_one_time_password

# No 0/O, 1/l/I: a one-time password is read aloud or copied from a screen.
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "#%+=@"
ONE_TIME_PASSWORD_LENGTH = 12

# Roles that belong to no unit (they work across the province).
UNITLESS_ROLES = (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class AccountError(Exception):
    """A value the manager chose is not acceptable: `errors` maps fields to Chinese messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class AccountData:
    full_name: str
    phone: str
    unit: Unit | None
    role: str


def generate_one_time_password() -> str:
    """12 characters from all four classes (the password policy asks for 3 of 4)."""
    picks = [secrets.choice(chars) for chars in (_LOWER, _UPPER, _DIGITS, _SYMBOLS)]
    everything = _LOWER + _UPPER + _DIGITS + _SYMBOLS
    picks += [secrets.choice(everything) for _ in range(ONE_TIME_PASSWORD_LENGTH - len(picks))]
    secrets.SystemRandom().shuffle(picks)
    return "".join(picks)


def _values(account: Account) -> dict[str, object]:
    user = account.user
    return {
        "username": user.get_username(),
        "full_name": user.first_name,
        "phone": account.phone,
        "unit": str(account.unit) if account.unit_id else "",
        "role": account.role,
        "is_active": user.is_active,
    }


def _check(manager: User, data: AccountData) -> AccountData:
    errors: dict[str, str] = {}
    full_name = (data.full_name or "").strip()
    if not full_name:
        errors["full_name"] = "请填写使用此账户的人的姓名：每个账户属于一个具体的人，不能共用。"
    try:
        phone = clean_phone(data.phone)
    except ProfileError as error:
        errors.update(error.errors)
        phone = ""
    if not phone and "phone" not in errors:
        errors["phone"] = "请填写联系电话。"
    if data.role not in access.assignable_roles(manager):
        errors["role"] = "您不能授予这个角色。"
    unit = data.unit
    if data.role in UNITLESS_ROLES:
        unit = None
    elif unit is None:
        errors["unit"] = "请选择所属单位。"
    elif not access.assignable_units(manager).filter(pk=unit.pk).exists():
        errors["unit"] = "这个单位不在您管理的范围内。"
    if errors:
        raise AccountError(errors)
    return AccountData(full_name=full_name[:150], phone=phone, unit=unit, role=data.role)


@transaction.atomic
def create_account(
    *, manager: User, username: str, data: AccountData, ip: str | None = None
) -> tuple[Account, str]:
    """A new login for a named person; returns it with its one-time password (shown once)."""
    access.require_account_manager(manager)
    username = (username or "").strip()
    problems: dict[str, str] = {}
    if not username:
        problems["username"] = "请填写登录名。"
    elif get_user_model().objects.filter(username__iexact=username).exists():
        problems["username"] = f"登录名“{username}”已被使用，请换一个。"
    try:
        data = _check(manager, data)
    except AccountError as error:
        problems.update(error.errors)
    if problems:
        raise AccountError(problems)
    user = get_user_model().objects.create_user(username=username, first_name=data.full_name)
    account = Account.objects.create(user=user, unit=data.unit, role=data.role, phone=data.phone)
    password = generate_one_time_password()
    set_one_time_password(user=user, password=password, by=manager, ip=ip)
    sync_admin_site_rights(user)
    record(
        kind=EventKind.ACCOUNT_CHANGE,
        user=manager,
        ip=ip,
        obj=account,
        details={"action": "create", "new": _values(account)},
    )
    return account, password


def _lock(account: Account) -> Account:
    get_user_model().objects.select_for_update().get(pk=account.user_id)
    return (
        Account.objects.select_for_update(of=("self",))
        .select_related("user", "unit")
        .get(pk=account.pk)
    )


@transaction.atomic
def update_account(
    *, manager: User, account: Account, data: AccountData, ip: str | None = None
) -> Account:
    account = access.get_account_for_manager(manager, account.pk)
    account = _lock(account)
    data = _check(manager, data)
    before = _values(account)
    account.user.first_name = data.full_name
    account.user.save(update_fields=["first_name"])
    role_changed = account.role != data.role
    account.phone, account.unit, account.role = data.phone, data.unit, data.role
    account.save(update_fields=["phone", "unit", "role"])
    after = _values(account)
    changes = {k: {"old": before[k], "new": v} for k, v in after.items() if before[k] != v}
    if changes:
        if role_changed:
            sync_admin_site_rights(account.user)
        record(
            kind=EventKind.ROLE_CHANGE if role_changed else EventKind.ACCOUNT_CHANGE,
            user=manager,
            ip=ip,
            obj=account,
            details={"action": "change", "changes": changes},
        )
    return account


@transaction.atomic
def set_account_active(
    *, manager: User, account: Account, active: bool, ip: str | None = None
) -> Account:
    """Disable (the person left; the login stops working at its next request) or enable."""
    account = access.get_account_for_manager(manager, account.pk)
    account = _lock(account)
    if account.user.is_active == active:
        return account
    account.user.is_active = active
    account.user.save(update_fields=["is_active"])
    record(
        kind=EventKind.ACCOUNT_CHANGE,
        user=manager,
        ip=ip,
        obj=account,
        details={
            "action": "enable" if active else "disable",
            "changes": {"is_active": {"old": not active, "new": active}},
        },
    )
    return account


@transaction.atomic
def reset_password(*, manager: User, account: Account, ip: str | None = None) -> str:
    """A new one-time password (shown once to the manager), to be changed at the next login."""
    account = access.get_account_for_manager(manager, account.pk)
    account = _lock(account)
    password = generate_one_time_password()
    set_one_time_password(user=account.user, password=password, by=manager, ip=ip)
    record(
        kind=EventKind.PASSWORD_RESET,
        user=manager,
        ip=ip,
        obj=account,
        details={"account": account.user.get_username()},
    )
    return password
