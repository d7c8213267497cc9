"""Saving a later-stage sheet (运行监控 sheet, 绩效自评 table) the way a target table is saved.

`lock_for_edit` takes the row lock and refuses, in the filer's words, a sheet of another unit, a
sheet not in an editable state, or a sheet saved by someone else since the page was loaded (the
page keeps what was typed). `record_revision` leaves the `targets.Revision` of a save: content,
old and new values (`changes_between`), who, when, IP. The stage supplies its serialization
and the labels of its fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.targets.models import Revision
from budgetapp.units.access import can_file_for

from .stage_models import StageSheet

Sheet = TypeVar("Sheet", bound=StageSheet)
Changes = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


class StageLocked(TableError):
    """The sheet is not in an editable state (submitted, approved or published)."""


class StaleStage(TableError):
    """Someone saved the sheet since the page was loaded."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


def lock_for_edit(
    sheets: QuerySet[Sheet], pk: int, *, user: User, loaded_version: int | None
) -> Sheet:
    """The sheet, row-locked, if `user` may save it now over the version they loaded."""
    locked = sheets.select_for_update(of=("self",)).get(pk=pk)
    noun = locked.noun
    if not can_file_for(user, locked.unit):  # type: ignore[attr-defined]
        raise NotAllowed(f"只有本单位的填报人可以填写此{noun}。")
    if not locked.is_editable:
        raise StageLocked(f"此{noun}当前状态为“{locked.get_status_display()}”，不能修改。")  # type: ignore[attr-defined]
    if loaded_version != locked.version:
        raise StaleStage(
            f"在您编辑期间，其他人已保存了此{noun}。您填写的内容仍保留在页面上，请核对后再保存。",
            current_version=locked.version,
        )
    return locked


def changes_between(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    field_label: Callable[[str], str],
    row_label: Callable[[str], str],
) -> dict[str, Any]:
    """Old and new values of every changed field and row field of two serializations
    (`{"fields": {...}, "rows": [{"id", "name", ...}]}`), labelled in Chinese."""
    fields = [
        {"label": field_label(key), "old": old["fields"].get(key), "new": value}
        for key, value in new["fields"].items()
        if old["fields"].get(key) != value
    ]
    old_rows = {row["id"]: row for row in old["rows"]}
    rows = []
    for row in new["rows"]:
        before = old_rows.get(row["id"], {})
        changes = [
            {"label": row_label(key), "old": before.get(key), "new": value}
            for key, value in row.items()
            if key not in ("id", "name") and before.get(key) != value
        ]
        if changes:
            rows.append({"title": row["name"], "changes": changes})
    return {"fields": fields, "rows": rows}


def record_revision(
    sheet: StageSheet,
    *,
    user: User | None,
    data: dict[str, Any],
    before: dict[str, Any] | None,
    changes: Changes,
    action: str,
    ip: str | None,
) -> Revision:
    """The revision of one save: `data` as saved, `changes` against `before` (none at first)."""
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(sheet),
        object_id=sheet.pk,
        version=sheet.version,
        data=data,
        saved_by=user,
        action=action,
        client_ip=ip or None,
        changes=changes(before, data) if before is not None else {},
    )


def finish_save(
    sheet: StageSheet,
    *,
    user: User,
    data: dict[str, Any],
    before: dict[str, Any],
    changes: Changes,
    action: str,
    ip: str | None,
) -> Revision:
    """The end of every save: the next version, who saved it, the row, and its revision."""
    sheet.version += 1
    sheet.updated_by = user
    sheet.save()
    return record_revision(
        sheet, user=user, data=data, before=before, changes=changes, action=action, ip=ip
    )
