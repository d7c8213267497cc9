"""The places of a table a comment can point at: the whole table, a field, or a row."""

from __future__ import annotations

from budgetapp.layouts import document_for
from budgetapp.layouts.document import Document
from budgetapp.targets.models import TargetTable

WHOLE_TABLE = ("", "整张表")


def anchor_choices(table: TargetTable, document: Document | None = None) -> list[tuple[str, str]]:
    """(anchor, label) for every field and row the official layout shows, in layout order
    (`document`: the table's layout, built already by the caller)."""
    labels: dict[str, str] = {}
    indicator_numbers: dict[str, int] = {}
    for row in table.indicators.all():
        indicator_numbers[f"indicator:{row.pk}"] = len(indicator_numbers) + 1
    names = {f"indicator:{row.pk}": row.name for row in table.indicators.all()}
    if table.kind == "department":
        names |= {f"task:{task.pk}": task.name for task in table.tasks.all()}
    document = document if document is not None else document_for(table)
    for grid in document.grids():
        for _, _, cell in grid.placed():
            anchor = cell.anchor
            if not anchor or anchor in labels:
                continue
            kind, _, key = anchor.partition(":")
            if kind == "field":
                labels[anchor] = _field_label(table, key)
            elif kind == "indicator":
                labels[anchor] = (
                    f"绩效指标第{indicator_numbers.get(anchor, '?')}行：{names.get(anchor, '')}"
                )
            elif kind == "task":
                labels[anchor] = f"工作任务：{names.get(anchor, '')}"
    return [WHOLE_TABLE, *labels.items()]


def _field_label(table: TargetTable, name: str) -> str:
    special = {"goals": "绩效目标", "unit": "单位名称", "income": "收入构成", "expense": "支出构成"}
    if name in special:
        return special[name]
    try:
        return str(type(table)._meta.get_field(name).verbose_name)
    except Exception:
        return name
