"""Snapshots of a table's content and the differences between two of them.

A snapshot is plain JSON: the table's fields as displayed (money formatted, choices as their
labels) and each list of rows keyed by the row's id, so a diff can say which field changed and
which rows were added, removed or changed. The same diff serves the reviewer (what changed
since the last submission) and the filer whose save was refused (what the other person changed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from budgetapp.core.formatting import format_money, format_percent

from .models import DepartmentTable, ProjectTable, TargetTable

PROJECT_FIELDS = [
    "sequence", "code", "name", "money_unit", "budget_total", "budget_fiscal", "budget_other",
    "lifetime_budget", "fund_use", "plan_march", "plan_june", "plan_october", "plan_december",
]  # fmt: skip
DEPARTMENT_FIELDS = [
    "money_unit", "overall_goal", "staff_count", "sub_unit_count",
    "expense_basic", "expense_project", "income_fiscal", "income_other",
    "expense_basic_prev1", "expense_project_prev1", "income_fiscal_prev1", "income_other_prev1",
    "expense_basic_prev2", "expense_project_prev2", "income_fiscal_prev2", "income_other_prev2",
    "special_funds", "other_development", "own_level_funds", "transfer_funds",
    "filler_name", "filler_phone", "functions", "annual_tasks",
]  # fmt: skip
INDICATOR_FIELDS = [
    "level1",
    "level2",
    "name",
    "description",
    "target",
    "basis",
    "value_prev1",
    "value_prev2",
]
ROW_FIELDS: dict[str, list[str]] = {
    "goals": ["text"],
    "indicators": INDICATOR_FIELDS,
    "sub_goals": ["title", "text"],
    "measures": ["title", "text"],
    "tasks": ["kind", "name", "content", "amount", "outcome"],
}
ROW_SECTIONS = {
    ProjectTable: ["goals", "indicators"],
    DepartmentTable: ["sub_goals", "measures", "tasks", "indicators"],
}
SECTION_LABELS = {
    "goals": "绩效目标",
    "indicators": "绩效指标",
    "sub_goals": "分项绩效目标",
    "measures": "工作保障措施",
    "tasks": "年度工作任务",
}


def _display(instance: models.Model, name: str) -> str:
    model_field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None:
        return ""
    if isinstance(model_field, models.ForeignKey):
        # Not getattr(value, "name", str(value)): the default is evaluated first, and a 二级
        # category's str() reads its 一级 (one query per row).
        return value.name if hasattr(value, "name") else str(value)
    if model_field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, Decimal):
        if name.startswith("plan_"):
            return format_percent(value)
        return format_money(value)
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def serialize_table(table: TargetTable) -> dict[str, Any]:
    """The table's content as JSON-ready data (also used as the stored snapshot)."""
    model = type(table)
    names = PROJECT_FIELDS if model is ProjectTable else DEPARTMENT_FIELDS
    data: dict[str, Any] = {
        "kind": "project" if model is ProjectTable else "department",
        "version": table.version,
        "fields": {name: _display(table, name) for name in names},
        "labels": {name: _label(model, name) for name in names},
        "rows": {},
    }
    for section in ROW_SECTIONS[model]:
        # Rows prefetched with the table are used as they are (`indicator_rows` too).
        rows = table.indicator_rows() if section == "indicators" else getattr(table, section).all()
        data["rows"][section] = [
            {"id": row.pk, **{name: _display(row, name) for name in ROW_FIELDS[section]}}
            for row in rows
        ]
    return data


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    anchor: str
    # The changed field of a row ("target"); empty for a table field, whose anchor names it.
    field: str = field(default="", compare=False)

    @property
    def cell(self) -> str:
        """The mark of the one printed cell that shows this value (`layouts.document.Cell`)."""
        if self.field and not self.anchor.startswith("field:"):
            return f"{self.anchor}/{self.field}"
        return self.anchor


@dataclass
class RowChange:
    section: str
    position: int  # 1-based position in the newer snapshot (or the older one for removals)
    title: str
    kind: str  # "added", "removed", "changed"
    anchor: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def section_label(self) -> str:
        return SECTION_LABELS.get(self.section, self.section)

    @property
    def kind_label(self) -> str:
        return {"added": "新增", "removed": "删除", "changed": "修改"}[self.kind]


@dataclass
class TableDiff:
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows)

    @property
    def anchors(self) -> set[str]:
        return {c.anchor for c in self.fields} | {
            r.anchor for r in self.rows if r.kind != "removed"
        }

    @property
    def cells(self) -> set[str]:
        """The marks of the printed cells to highlight: each changed value's own cell, and
        every cell of an added row; not the rest of a row where one value changed."""
        marks = {c.cell for c in self.fields}
        for row in self.rows:
            if row.kind == "added":
                # Its cells (by anchor) and its 一级/二级 cells, which carry no anchor.
                marks |= {row.anchor, f"{row.anchor}/level1", f"{row.anchor}/level2"}
            elif row.kind == "changed":
                marks |= {c.cell for c in row.changes}
        return marks


_ROW_FIELD_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "名称",
    "description": "绩效指标描述",
    "target": "指标值",
    "basis": "指标值确定依据",
    "value_prev1": "上年",
    "value_prev2": "前年",
    "text": "内容",
    "title": "标题",
    "kind": "类别",
    "content": "主要实施内容",
    "amount": "拟投入的资金",
    "outcome": "期望达到的目标",
}
_ANCHOR_PREFIX = {"indicators": "indicator", "tasks": "task", "goals": "field:goals"}


def row_anchor(section: str, row_id: int) -> str:
    """The anchor of a row: where comments and the diff point at it."""
    prefix = _ANCHOR_PREFIX.get(section)
    if prefix == "field:goals":
        return prefix
    if prefix:
        return f"{prefix}:{row_id}"
    return f"{section}:{row_id}"


def _row_title(section: str, row: dict) -> str:
    return row.get("name") or row.get("title") or (row.get("text") or "")[:30]


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> TableDiff:
    """What changed from `old` to `new`: fields, and rows matched by id."""
    diff = TableDiff()
    labels = new.get("labels", {})
    for name, new_value in new["fields"].items():
        old_value = old["fields"].get(name, "")
        if old_value != new_value:
            diff.fields.append(
                FieldChange(labels.get(name, name), old_value, new_value, f"field:{name}")
            )
    for section in new["rows"]:
        old_rows = {row["id"]: row for row in old["rows"].get(section, [])}
        new_rows = new["rows"][section]
        new_ids = {row["id"] for row in new_rows}
        for position, row in enumerate(new_rows, 1):
            anchor = row_anchor(section, row["id"])
            before = old_rows.get(row["id"])
            if before is None:
                diff.rows.append(
                    RowChange(section, position, _row_title(section, row), "added", anchor)
                )
                continue
            changes = [
                FieldChange(
                    _ROW_FIELD_LABELS.get(k, k), str(before.get(k, "")), str(v), anchor, field=k
                )
                for k, v in row.items()
                if k != "id" and str(before.get(k, "")) != str(v)
            ]
            if changes:
                diff.rows.append(
                    RowChange(
                        section, position, _row_title(section, row), "changed", anchor, changes
                    )
                )
        for position, row in enumerate(old["rows"].get(section, []), 1):
            if row["id"] not in new_ids:
                diff.rows.append(
                    RowChange(
                        section,
                        position,
                        _row_title(section, row),
                        "removed",
                        row_anchor(section, row["id"]),
                    )
                )
    return diff


def changes_as_json(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The old and new values from `old` to `new`, as stored on a revision: changed fields, and
    changed rows field by field; an added row with its new values, a removed one with its old."""
    diff = diff_snapshots(old, new)
    rows = []
    for change in diff.rows:
        entry: dict[str, Any] = {
            "section": change.section_label,
            "title": change.title,
            "kind": change.kind_label,
            "changes": [{"label": c.label, "old": c.old, "new": c.new} for c in change.changes],
        }
        if change.kind in ("added", "removed"):
            side = new if change.kind == "added" else old
            row = side["rows"][change.section][change.position - 1]
            entry["values"] = {k: v for k, v in row.items() if k != "id"}
        rows.append(entry)
    fields = [{"label": c.label, "old": c.old, "new": c.new} for c in diff.fields]
    return {"fields": fields, "rows": rows}
