"""Writes to the target tables: one typed, atomic service function each.

Views validate forms and call these; they never change tables themselves. Every write locks
the row, checks that the table may still be edited and by whom, and refuses a save made from a
page loaded before someone else's save (optimistic locking on `version`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.forms import BaseFormSet, ModelForm

from budgetapp.units.access import can_file_for
from budgetapp.units.models import BudgetYear, Unit

from .models import DepartmentTable, ProjectTable, TargetTable


class TableError(Exception):
    """A write the domain refuses; the message is shown to the user."""


class NotAllowed(TableError):
    pass


class TableLocked(TableError):
    pass


class StaleEdit(TableError):
    pass


def _check_may_edit(table: TargetTable, user: User, loaded_version: int | None) -> None:
    if not can_file_for(user, table.unit):
        raise NotAllowed("只有本单位的填报人可以修改此表。")
    if not table.is_editable:
        raise TableLocked(f"此表当前状态为“{table.get_status_display()}”，不能修改。")
    if loaded_version is not None and loaded_version != table.version:
        raise StaleEdit(
            "在您编辑期间，其他人已保存了此表。您填写的内容仍保留在页面上，请核对后再保存。"
        )


def _save_with_rows(
    table: TargetTable, form: ModelForm, formsets: Sequence[BaseFormSet], user: User
) -> None:
    table.updated_by = user
    if table.pk:
        table.version = F("version") + 1
    form.save()
    table.refresh_from_db(fields=["version"])
    for formset in formsets:
        formset.instance = table
        formset.save()


@transaction.atomic
def create_project_table(
    *, user: User, unit: Unit, year: BudgetYear, form: ModelForm, formsets: Sequence[BaseFormSet]
) -> ProjectTable:
    if not can_file_for(user, unit):
        raise NotAllowed("只有本单位的填报人可以新建此单位的表。")
    table: ProjectTable = form.save(commit=False)
    table.unit, table.year, table.framework = unit, year, year.framework
    _save_with_rows(table, form, formsets, user)
    return table


@transaction.atomic
def update_project_table(
    *, user: User, table: ProjectTable, form: ModelForm, formsets: Sequence[BaseFormSet]
) -> ProjectTable:
    locked = ProjectTable.objects.select_for_update().get(pk=table.pk)
    _check_may_edit(locked, user, form.cleaned_data.get("loaded_version"))
    form.instance.version = locked.version
    _save_with_rows(form.instance, form, formsets, user)
    return form.instance


@transaction.atomic
def delete_project_table(*, user: User, table: ProjectTable) -> None:
    locked = ProjectTable.objects.select_for_update().get(pk=table.pk)
    _check_may_edit(locked, user, None)
    locked.delete()


@transaction.atomic
def create_department_table(
    *, user: User, unit: Unit, year: BudgetYear, form: ModelForm, formsets: Sequence[BaseFormSet]
) -> DepartmentTable:
    if not can_file_for(user, unit):
        raise NotAllowed("只有本单位的填报人可以新建此单位的表。")
    if DepartmentTable.objects.filter(unit=unit, year=year).exists():
        raise TableError(f"本单位 {year.year} 年的部门整体绩效目标已存在。")
    table: DepartmentTable = form.save(commit=False)
    table.unit, table.year, table.framework = unit, year, year.framework
    _save_with_rows(table, form, formsets, user)
    return table


@transaction.atomic
def update_department_table(
    *, user: User, table: DepartmentTable, form: ModelForm, formsets: Sequence[BaseFormSet]
) -> DepartmentTable:
    locked = DepartmentTable.objects.select_for_update().get(pk=table.pk)
    _check_may_edit(locked, user, form.cleaned_data.get("loaded_version"))
    form.instance.version = locked.version
    _save_with_rows(form.instance, form, formsets, user)
    return form.instance
