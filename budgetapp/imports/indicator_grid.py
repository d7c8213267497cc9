"""The indicator grid of every layout: a header row found by its labels, then data rows.

Tolerated: merged 一级/二级 cells (a blank under a merged category is the same category; a
merged range whose top cell is blank is a real blank), blanks meaning "same as above" in
files that do not merge, a header row repeated where a printed page broke, a row continued
over a page break (blank 一级/二级/三级, its text appended to the row above), extra blank
rows and columns, and percentages stored as numbers.
"""

from __future__ import annotations

import re

from .parsed import ParsedRow, ParsedTable
from .sheets import LogicalCell, SheetGrid, label_key

COLUMN_LABELS: dict[str, set[str]] = {
    "level1": {"一级指标"},
    "level2": {"二级指标"},
    "name": {"三级指标", "三级指标名称", "指标名称"},
    "description": {"绩效指标描述", "指标描述", "指标解释", "指标说明", "指标内容"},
    "target": {"指标值", "目标值", "指标值(当年)", "年度指标值", "绩效指标值"},
    "basis": {"指标值确定依据", "确定依据", "指标值设定依据", "指标确定依据", "依据"},
}
SUBHEADER_LABELS: dict[str, set[str]] = {
    "target": {"预期当年实现值", "当年", "当年指标值", "预期实现值"},
    "value_prev2": {"前年", "前年指标值"},
    "value_prev1": {"上年", "上年指标值"},
}
_SUBHEADER_OTHER = {"近两年指标值", "近两年"}
_YEAR_LABEL = re.compile(r"^\d{4}年?(指标值)?$")
ALL_LABELS = set().union(*COLUMN_LABELS.values(), *SUBHEADER_LABELS.values(), _SUBHEADER_OTHER)


def is_header_row(grid: SheetGrid, row: int) -> bool:
    labels = {label_key(c.label) for c in grid.cells(row)}
    return bool(labels & {"一级指标", "二级指标"}) and bool(labels & COLUMN_LABELS["name"])


def read_header(grid: SheetGrid, row: int) -> tuple[dict[str, int], int]:
    """Columns of each field from the header starting at `row`; also the last header row."""
    columns: dict[str, int] = {}
    for cell in grid.cells(row):
        key = label_key(cell.label)
        for name, labels in COLUMN_LABELS.items():
            if key in labels and name not in columns:
                columns[name] = cell.column
    last = row
    # Labels of the header row may repeat below it where another tool unmerged its cells.
    own = {label_key(c.label) for c in grid.cells(row)}
    following = [r for r in grid.row_numbers if r > row]
    for r in following[:3]:
        cells = grid.filled(r)
        keys = [label_key(c.label) for c in cells]
        known = all(k in ALL_LABELS or _YEAR_LABEL.match(k) or k in own for k in keys)
        if not cells or not known:
            break
        for cell, key in zip(cells, keys, strict=True):
            for name, labels in SUBHEADER_LABELS.items():
                if key in labels:
                    columns[name] = cell.column
        last = r
    return columns, last


def _text(cell: LogicalCell | None) -> str:
    return cell.text if cell is not None else ""


def _fresh(cell: LogicalCell | None) -> bool:
    """A cell that starts here with a value (not blank, not continued from a merge above)."""
    return cell is not None and not cell.is_blank and not cell.continued


def read_indicator_rows(
    grid: SheetGrid,
    table: ParsedTable,
    rows: list[int],
    columns: dict[str, int],
    *,
    goal_no: int | None = None,
) -> list[ParsedRow]:
    """Read the data rows `rows` (after the header) into indicator rows of `table`."""
    result: list[ParsedRow] = []
    previous: ParsedRow | None = None
    for r in rows:
        if is_header_row(grid, r):
            continue  # the header repeated on a new printed page
        cells = {name: grid.at(r, column) for name, column in columns.items()}
        if all(_text(cell) == "" or cell.continued for cell in cells.values()):
            continue
        if all(
            _text(cell) == "" or cell.continued for name, cell in cells.items() if name != "level1"
        ):
            continue  # a row left unused: only its 一级 printed (a blank template's)
        level1_cell, level2_cell, name_cell = (
            cells.get("level1"),
            cells.get("level2"),
            cells.get("name"),
        )
        if (
            previous is not None
            and not _fresh(name_cell)
            and not _fresh(level1_cell)
            and not _fresh(level2_cell)
        ):
            # The rest of the row above, continued after a page break.
            for name in ("description", "target", "basis"):
                extra = _text(cells.get(name)) if name in cells and _fresh(cells[name]) else ""
                if extra:
                    previous.values[name] = previous.values.get(name, "") + extra
            table.problem(
                "三级指标为空，已作为上一行的续行（跨页断开的行）合并。",
                grid.source(r, columns.get("name", 0)),
                warning=True,
            )
            continue
        row = ParsedRow(row_source=grid.source(r))
        if goal_no is not None:
            row.set("goal_no", str(goal_no), None)
        level1 = _category(level1_cell, previous, "level1")
        row.set("level1", level1, grid.source(r, columns.get("level1", 0)))
        same_level1 = previous is not None and previous.values.get("level1") == level1
        level2 = _category(level2_cell, previous if same_level1 else None, "level2")
        row.set("level2", level2, grid.source(r, columns.get("level2", 0)))
        for name in ("name", "description", "target", "basis", "value_prev1", "value_prev2"):
            if name in columns:
                row.set(name, _text(cells.get(name)), grid.source(r, columns[name]))
        if not row.values.get("name"):
            table.problem("三级指标名称为空。", row.sources.get("name") or row.row_source)
        if not level1:
            table.problem("一级指标为空。", row.sources.get("level1") or row.row_source)
        if "target" in columns and not row.values.get("target"):
            table.problem("指标值为空，请在导入后补填。", row.sources["target"], warning=True)
        result.append(row)
        previous = row
    return result


def _category(cell: LogicalCell | None, previous: ParsedRow | None, name: str) -> str:
    if cell is not None and (not cell.is_blank or cell.merged):
        return cell.text
    # Not merged and blank: the same category as the row above, as people write it by hand.
    return previous.values.get(name, "") if previous is not None else ""
