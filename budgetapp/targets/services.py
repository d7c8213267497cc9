"""Writes to the target tables: one typed, atomic service function each.

Views validate forms and call these; they never change tables themselves. Every write locks
the row, checks that the table may still be edited and by whom, and refuses a save made from a
page loaded before someone else's save (optimistic locking on `version`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.forms import BaseFormSet, ModelForm

from budgetapp.units.access import can_file_for
from budgetapp.units.models import BudgetYear, Unit

from .models import DepartmentTable, ProjectTable, Revision, TargetTable
from .snapshots import TableDiff, diff_snapshots, serialize_table


class TableError(Exception):
    """A write the domain refuses; the message is shown to the user."""


class NotAllowed(TableError):
    pass


class TableLocked(TableError):
    pass


class StaleEdit(TableError):
    """Someone saved the table after this page was loaded; `diff` is what they changed."""

    def __init__(
        self, message: str, *, current_version: int, diff: TableDiff | None = None
    ) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.diff = diff


def _check_may_edit(table: TargetTable, user: User) -> None:
    if not can_file_for(user, table.unit):
        raise NotAllowed("只有本单位的填报人可以修改此表。")
    if not table.is_editable:
        raise TableLocked(f"此表当前状态为“{table.get_status_display()}”，不能修改。")


def _check_version(table: TargetTable, loaded_version: int | None) -> None:
    # An update must say which version it was made from; a missing one counts as stale.
    if loaded_version == table.version:
        return
    loaded = Revision.of(table).filter(version=loaded_version).first() if loaded_version else None
    diff = diff_snapshots(loaded.data, serialize_table(table)) if loaded else None
    editor = table.updated_by
    who = (editor.get_full_name() or editor.get_username()) if editor else "其他人"
    raise StaleEdit(
        f"在您编辑期间，{who}已保存了此表（其修改见下方）。您填写的内容仍保留在页面上，"
        "请核对后再保存；再次保存将以您的内容为准。",
        current_version=table.version,
        diff=diff,
    )


# Fields the workflow owns: an edit form was bound to a copy read before the row lock, so these
# are taken from the locked row, never from that copy.
_WORKFLOW_FIELDS = ("status", "version", "submitted_at", "approved_at", "published_at", "grade")


def _prepare_update(locked: TargetTable, form: ModelForm, user: User) -> None:
    _check_may_edit(locked, user)
    _ensure_revision(locked)
    _check_version(locked, form.cleaned_data.get("loaded_version"))
    for name in _WORKFLOW_FIELDS:
        setattr(form.instance, name, getattr(locked, name))


def _ensure_revision(table: TargetTable) -> None:
    """Tables loaded or changed outside the filing pages (demo loader, admin) have no revision
    for their current version; record it before it is overwritten, so a stale save can still
    list what changed."""
    if not Revision.of(table).filter(version=table.version).exists():
        Revision.objects.create(
            content_type=ContentType.objects.get_for_model(table),
            object_id=table.pk,
            version=table.version,
            data=serialize_table(table),
            saved_by=table.updated_by,
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
    Revision.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        version=table.version,
        data=serialize_table(table),
        saved_by=user,
    )


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
    _prepare_update(locked, form, user)
    _save_with_rows(form.instance, form, formsets, user)
    return form.instance


@transaction.atomic
def delete_project_table(*, user: User, table: ProjectTable) -> None:
    locked = ProjectTable.objects.select_for_update().get(pk=table.pk)
    _check_may_edit(locked, user)
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
    _prepare_update(locked, form, user)
    _save_with_rows(form.instance, form, formsets, user)
    return form.instance
