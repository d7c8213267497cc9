"""Who may see which units: the one place that scopes data to a login."""

from __future__ import annotations

import functools

from django.contrib.auth.models import AnonymousUser, User
from django.db import connections, router
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from budgetapp.core.written_reads import ModelColumns, column, model_columns, table

from .models import Account, Region, Role, Unit

# `user.account` as Django caches it on the user (the reverse one-to-one relation).
_USER_ACCOUNT = Account._meta.get_field("user").remote_field


def account_of(user: User | AnonymousUser) -> Account | None:
    """The user's account, read once per request with its unit and the unit's region, which
    every page uses (the navigation bar names the unit; a reviewer's scope is its region):
    one query instead of three. Cached on the user as `user.account` is."""
    if not user.is_authenticated:
        return None
    if not _USER_ACCOUNT.is_cached(user):
        account = _read_account(user.pk)
        _USER_ACCOUNT.set_cached_value(user, account)
        if account is not None:
            _USER_ACCOUNT.field.set_cached_value(account, user)
    return _USER_ACCOUNT.get_cached_value(user)


def _read_account(user_id: int) -> Account | None:
    """`Account.objects.select_related("unit__region").filter(user_id=user_id)[:1]`, written
    out (core/written_reads.py): building that query cost 0.45 of the 0.55 ms of CPU it took
    on every page (issue 17). The same database as the ORM's read, the same instances and
    caches (tests/test_written_reads.py compares them)."""
    using = router.db_for_read(Account)
    sql, columns = _account_sql(using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    account_columns, unit_columns, region_columns = columns
    account = account_columns.instance(row[: account_columns.width])
    unit = unit_columns.instance(row[account_columns.width : -region_columns.width])
    assert isinstance(account, Account)
    # As select_related: the unit (or None) cached on the account, the region on the unit.
    Account._meta.get_field("unit").set_cached_value(account, unit)
    if unit is not None:
        region = region_columns.instance(row[-region_columns.width :])
        Unit._meta.get_field("region").set_cached_value(unit, region)
    return account


@functools.lru_cache(maxsize=8)
def _account_sql(using: str) -> tuple[str, tuple[ModelColumns, ModelColumns, ModelColumns]]:
    columns = (
        model_columns(Account, "a", using),
        model_columns(Unit, "u", using),
        model_columns(Region, "r", using),
    )
    sql = (
        f"SELECT {', '.join(c.sql for c in columns)}"
        f" FROM {table(Account, using)} a"
        f" LEFT OUTER JOIN {table(Unit, using)} u"
        f" ON u.{column(Unit, 'id', using)} = a.{column(Account, 'unit', using)}"
        f" LEFT OUTER JOIN {table(Region, using)} r"
        f" ON r.{column(Region, 'id', using)} = u.{column(Unit, 'region', using)}"
        f" WHERE a.{column(Account, 'user', using)} = %s LIMIT 1"
    )
    return sql, columns


def account_unit(user: User | AnonymousUser) -> Unit | None:
    """The unit the user's account belongs to (a filer's own unit), from `account_of`."""
    account = account_of(user)
    return account.unit if account else None


def role_of(user: User | AnonymousUser) -> str | None:
    if user.is_authenticated and user.is_superuser:
        return Role.ADMIN
    account = account_of(user)
    return account.role if account else None


def units_visible_to(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Filers see their own unit; reviewers their city's subtree; administrators everything."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Unit.objects.all()
    if role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        return Unit.objects.none()  # 三权分立: account and audit admins see no table content
    account = account_of(user)
    if account is None or account.unit is None:
        return Unit.objects.none()
    if role == Role.REVIEWER:
        return Unit.objects.filter(region__path__startswith=account.unit.region.path)
    return Unit.objects.filter(pk=account.unit_id)


def can_file_for(user: User | AnonymousUser, unit: Unit) -> bool:
    """Only a filer of the unit itself enters and changes its tables."""
    account = account_of(user)
    return account is not None and account.role == Role.FILER and account.unit_id == unit.pk


def get_unit_for_user(user: User | AnonymousUser, pk: int) -> Unit:
    """A unit the user may see: their own, their city's, or any for an administrator; else 404."""
    return get_object_or_404(units_visible_to(user).select_related("region"), pk=pk)
