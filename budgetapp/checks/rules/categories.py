"""Rules on the category tree: every 一级 present, every 二级 under its own 一级."""

from __future__ import annotations

from collections.abc import Iterator

from budgetapp.targets.models import DEPARTMENT_ROW_LISTS

from ..data import TableData
from ..engine import CheckContext, Hit


def has_indicator_grid(table: TableData) -> bool:
    """Hebei's narrative department layout has no indicator table to check."""
    if table.kind != "department":
        return True
    return "indicators" in DEPARTMENT_ROW_LISTS.get(table.layout, ["indicators"])


def level1_present(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if not has_indicator_grid(table) or not table.tree:
        return
    present = {row.level1 for row in table.rows}
    for level1 in table.tree:
        if level1 not in present:
            yield Hit(f"缺少一级指标“{level1}”：每类一级指标至少要有一行。")


def level2_allowed(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    for row in table.rows:
        if not row.level2 or not row.level1 or row.level2_parent == row.level1:
            continue
        allowed = table.tree.get(row.level1, [])
        hint = f"可选：{'、'.join(allowed)}" if allowed else "请重新选择"
        yield Hit(
            f"{row.label}的二级指标“{row.level2}”不属于一级指标“{row.level1}”"
            f"（“{row.level2}”属于“{row.level2_parent}”；{hint}）。",
            row=row,
            field="level2",
        )
