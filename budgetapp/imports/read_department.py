"""Reading 部门整体绩效目标 in the three regional layouts (`layouts/department.py`).

Hebei prints a narrative (headings and paragraphs, one per row: the first non-empty cell of
each row is read, so one wide column and paragraphs merged across the grid both work);
Guangdong and Hubei print one grid, read by its labels.
"""

from __future__ import annotations

import re

from .indicator_grid import is_header_row, read_header, read_indicator_rows
from .parsed import ParsedRow, ParsedTable
from .sheets import SheetGrid, label_key, money_unit_in, norm, number_text, to_decimal

_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[、.])?"
    r"(总体绩效目标|分项绩效目标|工作保障措施)$"
)
_SECTION_FIELD = {
    "总体绩效目标": "overall",
    "分项绩效目标": "sub_goals",
    "工作保障措施": "measures",
}
_ITEM = re.compile(r"^(\d+)\s*[、.．]\s*(.*)$", re.S)
_YEAR = re.compile(r"(\d{4})\s*年")
_TASK_PREFIX = re.compile(r"^任务\s*\d+\s*[:：.、]?\s*")


def _indented(raw: object) -> bool:
    return isinstance(raw, str) and raw[:1] in ("\u3000", " ", "\t")


def _next_point(item: ParsedRow) -> int | None:
    """The number the next of an item's own numbered paragraphs would have, if it has any."""
    numbers = [
        int(match.group(1))
        for line in item.values.get("text", "").split("\n")
        if (match := _ITEM.match(line))
    ]
    return numbers[-1] + 1 if numbers else None


def read_hebei(grid: SheetGrid, rows: list[int]) -> ParsedTable:
    table = ParsedTable(kind="department", sheet=grid.title, layout="hebei", first_row=rows[0])
    table.printed_row_fields = {"sub_goals": ["title", "text"], "measures": ["title", "text"]}
    table.rows = {"sub_goals": [], "measures": []}
    section = ""
    overall: list[str] = []
    overall_source = None
    item: ParsedRow | None = None
    lines = [
        (r, cells[0].column, line)
        for r in rows
        for cells in [grid.filled(r)]
        if cells
        # A cell holding several paragraphs (line breaks) reads as those paragraphs.
        for line in (str(cells[0].value) if isinstance(cells[0].value, str) else cells[0].text)
        .replace("\r", "")
        .split("\n")
        if line.strip()
    ]
    for r, column, raw in lines:
        text = raw.strip(" \t\u3000\xa0")
        label = norm(text)
        if not section:
            if _SECTION.match(label):
                section = _SECTION_FIELD[_SECTION.match(label).group(1)]
            elif not table.title:
                table.title = text
                year = _YEAR.search(label)
                if year:
                    table.facts["year"] = int(year.group(1))
            continue
        match = _SECTION.match(label)
        if match:
            section, item = _SECTION_FIELD[match.group(1)], None
            continue
        source = grid.source(r, column)
        if section == "overall":
            overall.append(text)
            overall_source = overall_source or source
            continue
        items = table.rows[section]
        numbered = _ITEM.match(text)
        if numbered and not _indented(raw):
            # `1、title` (a heading of the template): a titled item.
            item = ParsedRow(row_source=source)
            item.set("title", numbered.group(2).strip(), source)
            item.set("text", "", source)
            items.append(item)
            continue
        if (
            numbered
            and int(numbered.group(1)) == len(items) + 1
            and (
                item is None
                or not item.values.get("title")
                or _next_point(item) != int(numbered.group(1))
            )
        ):
            # `1、first line` as an indented paragraph: an item without a title. After a
            # titled item, `N、` with the next item's number starts an untitled item, unless
            # N is also the next of the titled item's own numbered points (`1、… 2、…`).
            item = ParsedRow(row_source=source)
            item.set("title", "", source)
            item.set("text", numbered.group(2).strip(), source)
            items.append(item)
            continue
        if item is None:
            item = ParsedRow(row_source=source)
            item.set("title", "", source)
            item.set("text", "", source)
            items.append(item)
        item.values["text"] = "\n".join(t for t in (item.values["text"], text) if t)
    table.set("overall_goal", "\n".join(overall), overall_source or grid.source(rows[0]))
    if not section:
        table.problem("找不到“一、总体绩效目标”等标题，无法读取部门整体绩效目标。")
    return table


def _labelled(grid: SheetGrid, table: ParsedTable, fields: dict[str, set[str]], known: set[str],
              *, numbers: set[str] = frozenset()) -> None:  # fmt: skip
    for name, labels in fields.items():
        label = grid.find(labels)
        if label is None:
            continue
        cell = grid.right_of(label, known)
        text = ""
        if cell is not None:
            number = to_decimal(cell.value) if name in numbers else None
            text = number_text(number) if number is not None else cell.text
        table.set(
            name,
            text,
            grid.source(label.row, cell.column if cell else label.column + 1),
            shown=cell.text if cell is not None else "",
        )


def _title_facts(grid: SheetGrid, table: ParsedTable) -> None:
    first = grid.filled(grid.row_numbers[0]) if grid.row_numbers else []
    if first:
        table.title = first[0].text
        year = _YEAR.search(first[0].label)
        if year:
            table.facts["year"] = int(year.group(1))
    for r in grid.row_numbers:
        for cell in grid.filled(r):
            unit = money_unit_in(cell.text)
            if unit:
                table.set("money_unit", unit, grid.source(r, cell.column))
                return


def _indicators(grid: SheetGrid, table: ParsedTable, rows: list[int], goal_no: int) -> list:
    header = next((r for r in rows if is_header_row(grid, r)), None)
    if header is None:
        return []
    columns, last = read_header(grid, header)
    return read_indicator_rows(grid, table, [r for r in rows if r > last], columns, goal_no=goal_no)


GUANGDONG_FIELDS = {
    "unit_name": {"部门名称", "单位名称"},
    "staff_count": {"财政供养人员数"},
    "sub_unit_count": {"下属二级单位数"},
    "expense_basic": {"基本支出"},
    "expense_project": {"项目支出"},
    "income_fiscal": {"财政拨款"},
    "income_other": {"其他资金"},
    "special_funds": {"财政专项资金"},
    "other_development": {"其他事业发展性支出"},
    "own_level_funds": {"本级使用资金"},
    "transfer_funds": {"拟用于对下转移支付资金"},
    "overall_goal": {"总体绩效目标"},
}
GUANGDONG_KNOWN = set().union(*GUANGDONG_FIELDS.values()) | {
    "基本信息", "预算整体情况", "部门预算支出", "收入来源", "事业发展性支出", "按预算级次划分",
    "预算金额", "年度重点工作任务", "绩效指标",
}  # fmt: skip
_NUMBER_FIELDS = set(GUANGDONG_FIELDS) - {"unit_name", "overall_goal"}


def read_guangdong(grid: SheetGrid) -> ParsedTable:
    rows = grid.row_numbers
    table = ParsedTable(kind="department", sheet=grid.title, layout="guangdong", first_row=rows[0])
    table.printed_row_fields = {
        "tasks": ["kind", "name", "content", "amount", "outcome"],
        "indicators": ["level1", "level2", "name", "target"],
    }
    _title_facts(grid, table)
    _labelled(grid, table, GUANGDONG_FIELDS, GUANGDONG_KNOWN, numbers=_NUMBER_FIELDS)
    table.facts["unit_name"] = table.fields.pop("unit_name", "")
    table.sources.pop("unit_name", None)
    indicator_header = next((r for r in rows if is_header_row(grid, r)), None)
    task_rows = [r for r in rows if indicator_header is None or r < indicator_header]
    table.rows["tasks"] = _guangdong_tasks(grid, table, task_rows)
    table.rows["indicators"] = _indicators(grid, table, rows, 1)
    return table


def _guangdong_tasks(grid: SheetGrid, table: ParsedTable, rows: list[int]) -> list[ParsedRow]:
    header = next(
        (r for r in rows if {"名称", "主要实施内容"} <= {c.label for c in grid.filled(r)}), None
    )
    if header is None:
        return []
    columns: dict[str, int] = {}
    for cell in grid.filled(header):
        key = label_key(cell.label)
        if key == "名称":
            columns["name"] = cell.column
        elif key == "主要实施内容":
            columns["content"] = cell.column
        elif key.startswith("拟投入的资金"):
            columns["amount"] = cell.column
        elif key.startswith("期望达到的目标"):
            columns["outcome"] = cell.column
    tasks = []
    for r in (r for r in rows if r > header):
        if {"名称", "主要实施内容"} <= {c.label for c in grid.filled(r)}:
            continue  # the task header repeated after a page break
        cells = {name: grid.at(r, column) for name, column in columns.items()}
        if all(
            c is None
            or c.is_blank
            or c.continued
            # a row left unused: only the printed `任务N:` (a blank template's)
            or (name == "name" and not _TASK_PREFIX.sub("", c.text).strip())
            for name, c in cells.items()
        ):
            continue
        group = grid.at(r, min(columns.values()) - 1) if min(columns.values()) > 1 else None
        kind = "other" if group is not None and "其他" in group.label else "key"
        task = ParsedRow(row_source=grid.source(r))
        task.set("kind", kind, grid.source(r, group.column if group else 0))
        for name, column in columns.items():
            cell = cells[name]
            text = cell.text if cell is not None and not cell.continued else ""
            if name == "name":
                text = _TASK_PREFIX.sub("", text)
            if name == "amount" and cell is not None:
                number = to_decimal(cell.value)
                text = number_text(number) if number is not None else text
            task.set(name, text, grid.source(r, column), shown=cell.text if cell else "")
        if not task.values.get("name"):
            table.problem("任务名称为空。", task.sources.get("name"))
        tasks.append(task)
    return tasks


HUBEI_FIELDS = {
    "unit_name": {"部门(单位)名称", "部门名称", "单位名称"},
    "filler_name": {"填报人"},
    "filler_phone": {"联系电话"},
    "functions": {"部门职能概述"},
    "annual_tasks": {"年度工作任务"},
}
HUBEI_KNOWN = set().union(*HUBEI_FIELDS.values()) | {"部门总体收支情况", "项目支出情况"}
_MIX = {
    "财政拨款": "income_fiscal",
    "其他资金": "income_other",
    "基本支出": "expense_basic",
    "项目支出": "expense_project",
}
_GOAL_ROW = re.compile(r"^年度目标\s*(\d+)")


def read_hubei(grid: SheetGrid) -> ParsedTable:
    rows = grid.row_numbers
    table = ParsedTable(kind="department", sheet=grid.title, layout="hubei", first_row=rows[0])
    table.printed_row_fields = {
        "indicators": [
            "goal_no", "level1", "level2", "name", "value_prev2", "value_prev1", "target", "basis",
        ],
    }  # fmt: skip
    _title_facts(grid, table)
    _labelled(grid, table, HUBEI_FIELDS, HUBEI_KNOWN)
    table.facts["unit_name"] = table.fields.pop("unit_name", "")
    table.sources.pop("unit_name", None)
    _hubei_mix(grid, table)
    table.facts["projects"] = _hubei_projects(grid)
    goal_rows = [
        (r, int(m.group(1)))
        for r in rows
        for m in [_GOAL_ROW.match(grid.filled(r)[0].label if grid.filled(r) else "")]
        if m
    ]
    indicators: list[ParsedRow] = []
    if not goal_rows:
        indicators = _indicators(grid, table, rows, 1)
    for i, (start, goal_no) in enumerate(goal_rows):
        end = goal_rows[i + 1][0] if i + 1 < len(goal_rows) else rows[-1] + 1
        indicators += _indicators(grid, table, [r for r in rows if start < r < end], goal_no)
    table.rows["indicators"] = indicators
    return table


def _hubei_mix(grid: SheetGrid, table: ParsedTable) -> None:
    current = grid.find({"当年金额", "当年"})
    if current is None:
        return
    year_cells = [
        (int(m.group(1)), c.column)
        for r in grid.row_numbers
        if current.row <= r <= current.row + 2
        for c in grid.filled(r)
        for m in [re.fullmatch(r"(\d{4})年?", c.label)]
        if m
    ]
    prev_columns: dict[str, int] = {}
    if len(year_cells) >= 2:
        year_cells.sort()
        prev_columns = {"prev2": year_cells[0][1], "prev1": year_cells[1][1]}
    else:
        previous = grid.find({"近两年收支金额"})
        if previous is not None:
            prev_columns = {"prev2": previous.column, "prev1": previous.column + 1}
    for r in grid.row_numbers:
        for cell in grid.filled(r):
            name = _MIX.get(label_key(cell.label))
            if name is None or cell.row <= current.row:
                continue
            for suffix, column in (("", current.column), *((f"_{k}", v) for k, v in prev_columns.items())):  # fmt: skip
                target = grid.at(r, column)
                number = to_decimal(target.value) if target is not None else None
                text = number_text(number) if number is not None else (
                    target.text if target is not None else ""
                )  # fmt: skip
                shown = target.text if target is not None else ""
                table.set(f"{name}{suffix}", text, grid.source(r, column), shown=shown)


def _hubei_projects(grid: SheetGrid) -> list[dict]:
    header = next(
        (
            r
            for r in grid.row_numbers
            if {"项目名称", "项目总预算"} <= {c.label for c in grid.filled(r)}
        ),
        None,
    )
    if header is None:
        return []
    columns = {norm(c.label): c.column for c in grid.filled(header)}
    projects = []
    for r in (r for r in grid.row_numbers if r > header):
        first = grid.filled(r)
        if not first or _GOAL_ROW.match(first[0].label) or is_header_row(grid, r):
            break
        name = grid.at(r, columns["项目名称"])
        total = grid.at(r, columns["项目总预算"])
        if name is None or name.is_blank:
            continue
        total_number = to_decimal(total.value) if total is not None else None
        projects.append(
            {"name": name.text, "total": number_text(total_number) if total_number else ""}
        )
    return projects
