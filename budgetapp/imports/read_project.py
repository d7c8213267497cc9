"""Reading 项目支出绩效目标表 (one layout in every region) from a worksheet.

A sheet may hold one table (our export: one sheet per table) or several stacked one under the
other (a whole document pasted into one sheet); each `项目名称` label starts a table.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .indicator_grid import is_header_row, read_header, read_indicator_rows
from .parsed import ParsedRow, ParsedTable
from .sheets import (
    LogicalCell,
    SheetGrid,
    cell_text,
    label_key,
    money_unit_in,
    number_text,
    to_decimal,
)

CODE = {"项目编码", "项目代码"}
NAME = {"项目名称"}
BUDGET_TOTAL = {"预算数", "年度预算数", "预算金额", "年度资金总额", "资金总额", "项目预算数"}
BUDGET_FISCAL = {"其中:财政资金", "财政资金", "其中财政资金", "其中:财政拨款", "财政拨款"}
BUDGET_OTHER = {"其他资金", "其中:其他资金"}
LIFETIME = {"项目总预算"}
FUND_USE = {"资金用途", "主要用途", "资金主要用途"}
GROUP = {"预算规模及资金用途", "预算规模"}
PLAN = {"资金支出计划(%)", "资金支出计划", "支出计划(%)", "资金支出进度计划(%)"}
MONTHS = {
    "plan_march": {"3月底", "3月", "一季度"},
    "plan_june": {"6月底", "6月", "二季度"},
    "plan_october": {"10月底", "10月"},
    "plan_december": {"12月底", "12月", "四季度", "年底"},
}
GOALS = {"绩效目标", "年度绩效目标", "项目绩效目标"}
KNOWN = (
    (CODE | NAME | BUDGET_TOTAL | BUDGET_FISCAL | BUDGET_OTHER | LIFETIME | FUND_USE | GROUP | PLAN)
    | GOALS
    | set().union(*MONTHS.values())
    | {"一级指标"}
)

_TITLE = re.compile(r"^(?:(\d+)\s*[.．、]\s*)?(.*?)(?:项目支出)?绩效目标表")
_GOAL_NUMBER = re.compile(r"^\s*[（(]?(\d+)\s*[.．、)）]\s*")


def project_segments(grid: SheetGrid) -> list[list[int]]:
    """The rows of each project table on the sheet."""
    starts = [
        r for r in grid.row_numbers if any(label_key(c.label) in NAME for c in grid.filled(r))
    ]
    segments: list[list[int]] = []
    for i, name_row in enumerate(starts):
        low = starts[i - 1] + 1 if i else grid.row_numbers[0]
        # The title and caption lines just above `项目名称` belong to this table.
        before = [r for r in grid.row_numbers if low <= r < name_row]
        header: list[int] = []
        for r in reversed(before):
            if _is_table_row(grid, r):
                break
            header.insert(0, r)
            if len(header) >= 3 or any("绩效目标表" in c.label for c in grid.filled(r)):
                break
        first = header[0] if header else name_row
        if segments:
            segments[-1] = [r for r in segments[-1] if r < first]
        high = starts[i + 1] if i + 1 < len(starts) else grid.row_numbers[-1] + 1
        segments.append([r for r in grid.row_numbers if first <= r < high])
    return segments


def _is_table_row(grid: SheetGrid, row: int) -> bool:
    """A row of a grid (several cells), as opposed to a title or caption line."""
    texts = {c.text for c in grid.filled(row)}  # a line unmerged by a tool repeats its text
    return len(texts) >= 3 or any(c.continued for c in grid.cells(row))


def read_project(grid: SheetGrid, rows: list[int]) -> ParsedTable:
    table = ParsedTable(kind="project", sheet=grid.title, first_row=rows[0])
    table.printed_row_fields = {
        "goals": ["text"],
        "indicators": ["level1", "level2", "name", "description", "target", "basis"],
    }
    _read_heading(grid, table, rows)

    def value(labels: set[str], name: str, *, money: bool = False) -> LogicalCell | None:
        label = grid.find(labels, rows)
        if label is None:
            return None
        cell = grid.right_of(label, KNOWN)
        text = ""
        if cell is not None:
            number = to_decimal(cell.value) if money else None
            text = number_text(number) if number is not None else cell.text
        table.set(
            name,
            text,
            grid.source(label.row, cell.column if cell else label.column + 1),
            shown=cell.text if cell is not None else "",
        )
        return label

    value(CODE, "code")
    name_label = value(NAME, "name")
    if name_label is not None and not table.fields.get("name") and table.title:
        table.fields["name"] = table.title
        table.problem(
            f"项目名称为空，已按表格标题取为“{table.title}”。",
            table.sources.get("name"),
            warning=True,
        )
    budget = value(BUDGET_TOTAL, "budget_total", money=True)
    value(BUDGET_FISCAL, "budget_fiscal", money=True)
    value(BUDGET_OTHER, "budget_other", money=True)
    value(LIFETIME, "lifetime_budget", money=True)
    if budget is None:
        table.problem("找不到“预算数”，无法读取预算金额。")
    if value(FUND_USE, "fund_use") is None and budget is not None:
        _read_fund_use_below(grid, table, rows, budget)
    _read_plan(grid, table, rows)
    goals = grid.find(GOALS, rows)
    if goals is not None:
        cell = grid.right_of(goals, KNOWN)
        table.rows["goals"] = split_goals(
            cell.text if cell else "", grid.source(goals.row, cell.column if cell else 0)
        )
    else:
        table.rows["goals"] = []
    header_row = next((r for r in rows if is_header_row(grid, r)), None)
    if header_row is None:
        table.problem("找不到指标表头（一级指标、二级指标、三级指标……），未读取绩效指标。")
        table.rows["indicators"] = []
    else:
        columns, last = read_header(grid, header_row)
        if "target" not in columns:
            table.problem("指标表头中没有“指标值”列。", grid.source(header_row))
        data_rows = [r for r in rows if r > last]
        table.rows["indicators"] = read_indicator_rows(grid, table, data_rows, columns)
    if not table.fields.get("name"):
        table.problem("项目名称为空。", table.sources.get("name"))
    return table


def _read_heading(grid: SheetGrid, table: ParsedTable, rows: list[int]) -> None:
    """Title (`1.残疾人康复经费绩效目标表` gives the table number), unit caption, money unit."""
    title_text = None
    for r in rows:
        cells = grid.filled(r)
        if any(label_key(c.label) in KNOWN for c in cells):
            break
        for cell in cells:
            text = cell.text
            if text in (title_text, table.facts.get("unit_caption")):
                continue  # the same line repeated in each cell of an unmerged range
            match = _TITLE.match(cell.label)
            if match and not table.title:
                table.title = (match.group(2) or "").strip()
                title_text = text
                if match.group(1):
                    table.set("sequence", match.group(1), grid.source(r, cell.column))
                continue
            unit = money_unit_in(text)
            if unit and "money_unit" not in table.fields:
                table.set("money_unit", unit, grid.source(r, cell.column))
            elif text and not unit and "unit_caption" not in table.facts:
                table.facts["unit_caption"] = text
    if "money_unit" not in table.fields:
        for r in rows:
            for cell in grid.filled(r):
                unit = money_unit_in(cell.text)
                if unit:
                    table.set("money_unit", unit, grid.source(r, cell.column))
                    return


def _read_fund_use_below(
    grid: SheetGrid, table: ParsedTable, rows: list[int], budget: LogicalCell
) -> None:
    """资金用途 in the template: the line under 预算数, beside the merged group label."""
    below = [r for r in rows if r > budget.row][:1]
    text, source = "", grid.source(budget.row + 1, budget.column)
    for r in below:
        cells = [c for c in grid.filled(r) if label_key(c.label) not in KNOWN]
        if any(label_key(c.label) in KNOWN - GROUP for c in grid.filled(r)):
            break
        texts: list[str] = []
        for c in cells:  # a merged line unmerged by another tool repeats its text
            if not texts or texts[-1] != c.text:
                texts.append(c.text)
        text = "\n".join(texts)
        if cells:
            source = grid.source(r, cells[0].column)
    table.set("fund_use", text, source)


def _read_plan(grid: SheetGrid, table: ParsedTable, rows: list[int]) -> None:
    raw: dict[str, tuple[object, str, int, int]] = {}
    for name, labels in MONTHS.items():
        label = grid.find(labels, rows)
        if label is None:
            continue
        below = [r for r in rows if r > label.row][:1]
        cell = grid.at(below[0], label.column) if below else None
        if cell is not None and (label_key(cell.label) in KNOWN or cell.continued):
            cell = None
        row = below[0] if below else label.row + 1
        raw[name] = (
            cell.value if cell else None,
            cell.number_format if cell else "",
            row,
            label.column,
        )
    if not raw:
        return
    numbers: dict[str, Decimal | None] = {}
    shown = {name: cell_text(value, fmt) for name, (value, fmt, _r, _c) in raw.items()}
    marked = False
    for name, (value, number_format, _r, _c) in raw.items():
        if isinstance(value, str) and "%" in value.replace("％", "%"):
            marked = True
            value = value.replace("％", "%").replace("%", "")
        elif isinstance(value, int | float) and "%" in (number_format or ""):
            marked = True
            value = to_decimal(value) * 100
        numbers[name] = to_decimal(value)
        if numbers[name] is None and value not in (None, ""):
            table.set(name, str(value), grid.source(_r, _c), shown=shown[name])
    present = [n for n in numbers.values() if n is not None]
    # 0.25 stored without a percent format means 25 %: a plan ends at 100 %, never at 1 %.
    fractions = not marked and present and max(present) <= 1
    for name, number in numbers.items():
        if number is None:
            if name not in table.fields:
                table.set(name, "", grid.source(raw[name][2], raw[name][3]))
            continue
        if fractions:
            number *= 100
        table.set(
            name,
            number_text(number.quantize(Decimal("0.01"))),
            grid.source(*raw[name][2:]),
            shown=shown[name],
        )


def split_goals(text: str, source) -> list[ParsedRow]:
    """`1.…\\n2.…` → one goal per number; unnumbered text: one goal per line."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return []
    # A single goal is numbered `1.` too (our layout and seed 001 print it so).
    first = _GOAL_NUMBER.match(lines[0])
    numbered = first is not None and first.group(1) == "1"
    goals: list[str] = []
    for line in lines:
        if numbered:
            match = _GOAL_NUMBER.match(line)
            if match:
                goals.append(line[match.end() :].strip())
            elif goals:
                goals[-1] += "\n" + line.strip()
            else:
                goals.append(line.strip())
        else:
            goals.append(line.strip())
    rows = []
    for goal in goals:
        row = ParsedRow(row_source=source)
        row.set("text", goal, source)
        rows.append(row)
    return rows
