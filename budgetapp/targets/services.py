"""Writes to the target tables: one typed, atomic service function each.

Views validate forms and call these; they never change tables themselves. Every write locks
the row, checks that the table may still be edited and by whom, that its budget year is open and
its unit active, and refuses a save made from a page loaded before someone else's save
(optimistic locking on `version`). Every write leaves a `Revision`: the content after it, the
old and new values, who, when, the client IP and the path (editor, import, carry-forward,
admin, delete). Submitted, approved and published tables are frozen: no path here changes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeAlias, TypeVar

from django.contrib.auth.models import User
from django.db import OperationalError, router, transaction
from django.db.models import F, ProtectedError
from django.db.models.deletion import Collector
from django.forms import ModelForm

from budgetapp.audit.log import record as audit_record
from budgetapp.audit.models import EventKind as AuditKind
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.units.access import can_file_for
from budgetapp.units.models import BudgetYear, Unit

from . import import_problems
from .models import DepartmentTable, ProjectTable, Revision, RevisionAction, TargetTable
from .revisions import ensure_revision, record_revision
from .snapshots import TableDiff, diff_snapshots, serialize_table


class TableLocked(TableError):
    pass


class WritesClosed(TableError):
    """The budget year is closed for filing, or the unit is deactivated."""


class StaleEdit(TableError):
    """Someone saved the table after this page was loaded; `diff` is what they changed."""

    def __init__(
        self, message: str, *, current_version: int | None, diff: TableDiff | None = None
    ) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.diff = diff


class DatabaseBusy(StaleEdit):
    """SQLite met a write lock held by another save ("database is locked"): answered like a
    stale save, with the typed text kept, instead of an error page."""


P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T", bound=TargetTable)

if TYPE_CHECKING:
    from django.forms.models import BaseInlineFormSet

    # The row lists of a table's editor (goals, indicators, tasks...): inline formsets.
    RowFormSets: TypeAlias = Sequence[BaseInlineFormSet[Any, Any, Any]]


def _busy_is_stale(service: Callable[P, R]) -> Callable[P, R]:
    """Outside the service's transaction: a locked database rolls the whole write back, then
    the page is told to save again, its loaded version unchanged."""

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            form = kwargs.get("form")
            loaded = (
                form.cleaned_data.get("loaded_version") if isinstance(form, ModelForm) else None
            )
            raise DatabaseBusy(
                "数据库正忙：可能有其他人正在同时保存。您填写的内容仍保留在页面上，请稍后再保存。",
                current_version=loaded,
            ) from error

    return wrapper


def check_open_for_writing(*, unit: Unit, year: BudgetYear) -> None:
    """Refuse any write to a deactivated unit's tables or to a closed budget year."""
    if not unit.is_active:
        raise WritesClosed(f"单位“{unit.name}”已停用，不能新建、修改、导入、结转或提交其表。")
    if not year.is_open:
        raise WritesClosed(f"{year.year}年预算年度已关闭填报，不能新建、修改、导入、结转或提交。")


def _check_may_edit(table: TargetTable, user: User) -> None:
    if not can_file_for(user, table.unit):
        raise NotAllowed("只有本单位的填报人可以修改此表。")
    _check_not_frozen(table)
    check_open_for_writing(unit=table.unit, year=table.year)


def _check_not_frozen(table: TargetTable) -> None:
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


def _lock(table: T) -> T:
    locked: T = (
        type(table)
        ._default_manager.select_for_update()
        .select_related("unit", "year")
        .get(pk=table.pk)
    )
    return locked


def _prepare_update(locked: TargetTable, form: ModelForm[Any], user: User) -> dict[str, Any]:
    """Checks before an update; returns the content before it (the "old" side)."""
    _check_may_edit(locked, user)
    before: dict[str, Any] = ensure_revision(locked).data
    _check_version(locked, form.cleaned_data.get("loaded_version"))
    for name in _WORKFLOW_FIELDS:
        setattr(form.instance, name, getattr(locked, name))
    return before


def _save_with_rows(
    table: TargetTable,
    form: ModelForm[Any],
    formsets: RowFormSets,
    user: User,
    *,
    action: str,
    ip: str | None,
    before: dict[str, Any] | None,
    hand_rows: bool,
) -> None:
    """`hand_rows`: the caller checked the version the rows were read at (a new table, or
    `_check_version` under the row lock), so the rows the formsets read and wrote are the
    table's rows now, and its revision takes them instead of reading them again."""
    table.updated_by = user
    # An update's table carries the version of the row it locked (`_WORKFLOW_FIELDS`, taken
    # from the locked row): the row cannot change before the transaction ends, so the version
    # the update writes is that one plus one, and need not be read back.
    written = table.version + 1 if table.pk else None
    if table.pk:
        table.version = F("version") + 1
    # A value an import could not store stays reported until its field is edited.
    table.import_problems = import_problems.remaining(table.import_problems, form, formsets)
    form.save()
    if written is None:
        table.refresh_from_db(fields=["version"])
    else:
        table.version = written
    saved: dict[str, Sequence[Any]] = {}
    for formset in formsets:
        formset.instance = table
        formset.save()
        rows = formset.saved_rows() if hand_rows and hasattr(formset, "saved_rows") else None
        if rows is not None:
            saved[formset.fk.remote_field.get_accessor_name()] = rows
    record_revision(table, user=user, action=action, ip=ip, before=before, rows=saved)


def _create(
    *,
    user: User,
    unit: Unit,
    year: BudgetYear,
    form: ModelForm[T],
    formsets: RowFormSets,
    ip: str | None,
    action: str,
) -> T:
    if not can_file_for(user, unit):
        raise NotAllowed("只有本单位的填报人可以新建此单位的表。")
    check_open_for_writing(unit=unit, year=year)
    table = form.save(commit=False)
    table.unit, table.year, table.framework = unit, year, year.framework
    _save_with_rows(table, form, formsets, user, action=action, ip=ip, before=None, hand_rows=True)
    return table


def _update(
    *,
    user: User,
    table: T,
    form: ModelForm[T],
    formsets: RowFormSets,
    ip: str | None,
    action: str,
) -> T:
    locked = _lock(table)
    before = _prepare_update(locked, form, user)
    _save_with_rows(
        form.instance, form, formsets, user, action=action, ip=ip, before=before, hand_rows=True
    )
    return form.instance


@_busy_is_stale
@transaction.atomic
def create_project_table(
    *,
    user: User,
    unit: Unit,
    year: BudgetYear,
    form: ModelForm[ProjectTable],
    formsets: RowFormSets,
    ip: str | None = None,
    action: str = RevisionAction.CREATE,
) -> ProjectTable:
    return _create(
        user=user, unit=unit, year=year, form=form, formsets=formsets, ip=ip, action=action
    )


@_busy_is_stale
@transaction.atomic
def update_project_table(
    *,
    user: User,
    table: ProjectTable,
    form: ModelForm[ProjectTable],
    formsets: RowFormSets,
    ip: str | None = None,
    action: str = RevisionAction.EDIT,
) -> ProjectTable:
    return _update(
        user=user,
        table=table,
        form=form,
        formsets=formsets,
        ip=ip,
        action=action,
    )


@_busy_is_stale
@transaction.atomic
def delete_project_table(*, user: User, table: ProjectTable, ip: str | None = None) -> Revision:
    """Delete a draft or returned table; its last content stays on the record."""
    locked = _lock(table)
    _check_may_edit(locked, user)
    return _delete(locked, user=user, ip=ip)


def _delete(locked: TargetTable, *, user: User, ip: str | None) -> Revision:
    _check_nothing_depends_on(locked)
    before = ensure_revision(locked)
    # The generic reference is no foreign key: the record outlives the table it describes.
    record = record_revision(
        locked,
        user=user,
        action=RevisionAction.DELETE,
        ip=ip,
        version=locked.version + 1,
        data=before.data,
    )
    audit_record(
        kind=AuditKind.DELETE,
        user=user,
        ip=ip,
        details={
            "model": locked._meta.label,
            "id": locked.pk,
            "label": str(locked),
            "unit": str(locked.unit),
            "revision": record.pk,
        },
    )
    locked.delete()
    return record


def _check_nothing_depends_on(table: TargetTable) -> None:
    """A table that later stages build on (a monitoring sheet, a self-evaluation: they protect
    it) cannot be deleted; say so in words instead of failing at the database."""
    collector = Collector(using=router.db_for_write(type(table)))
    try:
        collector.collect([table])
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise TableError(
            f"此表已有{('、'.join(kinds))}，不能删除。如确需删除，请先请管理员处理这些记录。"
        ) from None


@_busy_is_stale
@transaction.atomic
def create_department_table(
    *,
    user: User,
    unit: Unit,
    year: BudgetYear,
    form: ModelForm[DepartmentTable],
    formsets: RowFormSets,
    ip: str | None = None,
    action: str = RevisionAction.CREATE,
) -> DepartmentTable:
    if DepartmentTable.objects.filter(unit=unit, year=year).exists():
        raise TableError(f"本单位 {year.year} 年的部门整体绩效目标已存在。")
    return _create(
        user=user, unit=unit, year=year, form=form, formsets=formsets, ip=ip, action=action
    )


@_busy_is_stale
@transaction.atomic
def update_department_table(
    *,
    user: User,
    table: DepartmentTable,
    form: ModelForm[DepartmentTable],
    formsets: RowFormSets,
    ip: str | None = None,
    action: str = RevisionAction.EDIT,
) -> DepartmentTable:
    return _update(
        user=user,
        table=table,
        form=form,
        formsets=formsets,
        ip=ip,
        action=action,
    )


# The Django admin: administrators may correct a draft or returned table's content there (the
# admin site checks they are staff); frozen tables are refused, as everywhere.


@_busy_is_stale
@transaction.atomic
def save_table_in_admin(
    *,
    user: User,
    table: TargetTable,
    form: ModelForm[Any],
    formsets: RowFormSets,
    ip: str | None = None,
) -> TargetTable:
    check_open_for_writing(unit=table.unit, year=table.year)
    if table.pk is None:
        # The admin's formsets are Django's; its saves check no version: its revisions read.
        _save_with_rows(
            table,
            form,
            formsets,
            user,
            action=RevisionAction.ADMIN,
            ip=ip,
            before=None,
            hand_rows=False,
        )
        return table
    locked = _lock(table)
    _check_not_frozen(locked)
    check_open_for_writing(unit=locked.unit, year=locked.year)
    before = ensure_revision(locked).data
    for name in _WORKFLOW_FIELDS:
        setattr(table, name, getattr(locked, name))
    _save_with_rows(
        table,
        form,
        formsets,
        user,
        action=RevisionAction.ADMIN,
        ip=ip,
        before=before,
        hand_rows=False,
    )
    return table


@_busy_is_stale
@transaction.atomic
def delete_table_in_admin(*, user: User, table: TargetTable, ip: str | None = None) -> Revision:
    locked = _lock(table)
    _check_not_frozen(locked)
    check_open_for_writing(unit=locked.unit, year=locked.year)
    return _delete(locked, user=user, ip=ip)
