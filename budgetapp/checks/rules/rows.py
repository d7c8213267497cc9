"""Rules on the rows as a list: duplicates, empty descriptions and bases, copies, last year."""

from __future__ import annotations

from collections.abc import Iterator

from budgetapp.indicators.values import Comparator, parse_target

from ..data import RowData, TableData
from ..engine import CheckContext, Hit
from .common import effective_unit, squash


def duplicate_names(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    first: dict[str, RowData] = {}
    for row in table.rows:
        key = row.name.strip()
        if not key:
            continue
        if key in first:
            yield Hit(
                f"{row.label}与第 {first[key].number} 行重名：同一张表的三级指标名称不能重复，"
                f"请写明区别。",
                row=row,
                field="name",
            )
        else:
            first[key] = row


def description_repeats_name(
    table: TableData, params: dict, context: CheckContext
) -> Iterator[Hit]:
    for row in table.rows:
        if row.description.strip() and squash(row.description) == squash(row.name):
            yield Hit(
                f"{row.label}的绩效指标描述只重复了名称，请说明具体衡量什么（对象、口径、范围）。",
                row=row,
                field="description",
            )


def basis_blank(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if table.kind == "department" and table.layout in params.get("skip_layouts", []):
        return
    for row in table.rows:
        if not row.basis.strip():
            yield Hit(
                f"{row.label}未填写指标值确定依据（如工作计划、历史数据、国家标准）。",
                row=row,
                field="basis",
            )


def _signature(row: RowData) -> tuple[str, str] | None:
    name, description = squash(row.name), squash(row.description)
    return (name, description) if name and description else None


def _runs(mine: list, theirs: list, minimum: int) -> Iterator[tuple[int, int, int]]:
    """(start in mine, start in theirs, length) of every maximal run of equal signatures."""
    for i, sig in enumerate(mine):
        for j, other in enumerate(theirs):
            if sig is None or sig != other:
                continue
            if i and j and mine[i - 1] is not None and mine[i - 1] == theirs[j - 1]:
                continue  # not the start of a run
            length = 0
            while (
                i + length < len(mine)
                and j + length < len(theirs)
                and mine[i + length] is not None
                and mine[i + length] == theirs[j + length]
            ):
                length += 1
            if length >= minimum:
                yield i, j, length


def copied_block(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if table.kind != "project":
        return
    minimum = max(2, int(params.get("min_rows", 3)))
    mine = [_signature(row) for row in table.rows]
    signatures = set(mine) - {None}
    for other in context.other_projects():
        theirs = [_signature(row) for row in other.rows]
        if signatures.isdisjoint(theirs):
            continue  # no row in common, no run: most of a unit's projects
        for i, j, length in _runs(mine, theirs, minimum):
            first = table.rows[i]
            yield Hit(
                f"第 {i + 1}–{i + length} 行（{length} 行，名称和描述都相同）与本单位项目"
                f"“{other.name}”的第 {j + 1}–{j + length} 行完全一样：请确认是否复制后"
                f"未按本项目修改。",
                row=first,
                field="name",
            )


def _last_year_value(row: RowData, table: TableData, context: CheckContext) -> str:
    if row.value_prev1.strip():
        return row.value_prev1.strip()
    if table.kind != "project":
        return ""
    previous = context.last_year_project(table.code, table.name)
    if previous is None:
        return ""
    for old in previous.rows:
        if old.name.strip() == row.name.strip():
            return old.target.strip()
    return ""


def below_last_year(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    for row in table.rows:
        current = row.parsed
        if not current.is_quantitative or current.comparator in (Comparator.LE, Comparator.LT):
            continue  # an upper bound (a cost, a duration) may well fall
        last_text = _last_year_value(row, table, context)
        last = parse_target(last_text) if last_text else None
        if last is None or not last.is_quantitative:
            continue
        if effective_unit(row, current) != effective_unit(row, last):
            continue
        if current.number < last.number:
            yield Hit(
                f"{row.label}的目标“{row.target}”低于上年的“{last_text}”，请说明原因或调整目标。",
                row=row,
                field="target",
            )
