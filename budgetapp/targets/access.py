"""Access helpers: one per object kind, 404 outside the user's units, 403 for a weak role."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from budgetapp.units.access import can_file_for

from .models import DepartmentTable, ProjectTable

# Read with the table: its unit's region and the region's two ancestors, which the unit's layout
# (`Unit.layout`, the province's) walks up to: a query per level otherwise (the editors read it).
_WITH_TABLE = ("unit__region__parent__parent", "year", "framework")


def get_project_table_for_user(
    user: User | AnonymousUser, pk: int, *, write: bool = False, related: tuple[str, ...] = ()
) -> ProjectTable:
    table = get_object_or_404(
        ProjectTable.objects.visible_to(user).select_related(*_WITH_TABLE, *related),
        pk=pk,
    )
    if write and not can_file_for(user, table.unit):
        raise PermissionDenied("只有本单位的填报人可以修改此表。")
    return table


def get_department_table_for_user(
    user: User | AnonymousUser, pk: int, *, write: bool = False, related: tuple[str, ...] = ()
) -> DepartmentTable:
    table = get_object_or_404(
        DepartmentTable.objects.visible_to(user).select_related(*_WITH_TABLE, *related),
        pk=pk,
    )
    if write and not can_file_for(user, table.unit):
        raise PermissionDenied("只有本单位的填报人可以修改此表。")
    return table


def get_table_for_user(
    user: User | AnonymousUser,
    kind: str,
    pk: int,
    *,
    write: bool = False,
    related: tuple[str, ...] = (),
) -> ProjectTable | DepartmentTable:
    """Either kind of table, named as in URLs ("project" or "department"); `related`: more
    relations to read with it (`select_related`)."""
    if kind == "project":
        return get_project_table_for_user(user, pk, write=write, related=related)
    if kind == "department":
        return get_department_table_for_user(user, pk, write=write, related=related)
    raise Http404("没有这种表格。")
