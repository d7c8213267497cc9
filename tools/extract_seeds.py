#!/usr/bin/env python3
"""Convert the four published seed documents into the app's JSON demo data.

One-off provenance tool: the app never runs it, it only loads the JSON files
this script wrote into ``budgetapp/demo/data/``.  Standard library only.

Usage (from the repository root)::

    python tools/extract_seeds.py [SEED_DIR] [OUT_DIR]

SEED_DIR defaults to ``../shared/seeds`` and OUT_DIR to ``budgetapp/demo/data``,
both relative to the repository root.

Seeds and their layouts
-----------------------
* ``000_*.txt`` / ``001_*.txt`` (Hebei, "narrative" layout): a text
  conversion of Word files.  Every table cell is a line starting with a TAB,
  a line without a leading TAB continues the previous cell, blank lines are
  ignored inside tables.  Project tables are read as a stream of cells that is
  checked label by label; the indicator grid is the remaining cells in rows of
  six.
* ``003_*.txt`` (Guangdong layout): a markdown conversion whose indicator table
  is mangled; the reconstruction rules are hard-coded in
  :func:`parse_guangdong_indicators`, each with a comment saying why.
* ``004_*.txt`` (Hubei layout): TAB cells again, rows separated by blank lines.

Conventions
-----------
* Texts are kept exactly as published; only surrounding whitespace (including
  the full-width space U+3000) and conversion artefacts
  (`` TC ... \\f C \\l 1`` field codes, ``[bookmark: ...]``) are removed.
* Money and percentages are strings holding plain decimals, as published
  (thousands separators and the ``%`` sign removed); a blank cell is ``null``.
* Merged indicator cells: a blank 一级 means "same as the row above"; 二级 is
  filled down only when 一级 was blank too.
* 分项绩效目标 and 工作保障措施 items (``sub_goals`` / ``measures``): an item
  starts at a numbered line (``（一）`` if the section uses such headings,
  otherwise ``1、``).  The number is dropped.  If the item's line is a heading
  (no ``。`` in it, seed 000) it is the title and the following paragraphs,
  joined by ``\\n``, are the text.  If the item's line is a sentence (seed 001:
  ``1、完善制度建设。制定完善……``) the title is the short lead phrase before
  the first ``。`` (without the ``。``) and the text is the rest of that line
  plus any following paragraphs; an item that is a single sentence
  (``4、加强财务人员培训，提高业务素质。``) becomes a title with empty text.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED_DIR = REPO_ROOT / ".." / "shared" / "seeds"
DEFAULT_OUT_DIR = REPO_ROOT / "budgetapp" / "demo" / "data"

# Expected sizes; the script refuses to write anything that does not match.
EXPECTED = {
    "zhangjiakou_2021.json": {"projects": 13, "project_indicators": 128},
    "shanhaiguan_2021.json": {"projects": 9, "project_indicators": 78},
    "lianjiang_2024.json": {"indicators": 27, "tasks": 9},
    "caidian_2025.json": {"projects": 5, "indicators": 11},
}

LEVEL1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}
HEBEI_LEVEL2 = {
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
}

Json = dict[str, Any]


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

TC_FIELD = re.compile(r"\s*TC\s.*\\f\s+[A-Z]\s+\\l\s+\d+\s*$")
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def clean(text: str) -> str:
    """Remove conversion artefacts and surrounding (also full-width) space."""
    text = BOOKMARK.sub("", text)
    text = TC_FIELD.sub("", text)
    return text.strip()


def money(cell: str | None) -> str | None:
    """A money cell as a plain decimal string; None for a blank cell."""
    value = clean(cell or "").replace(",", "")
    if not value:
        return None
    if not DECIMAL.fullmatch(value):
        raise ValueError(f"not a money value: {cell!r}")
    return value


def percent(cell: str) -> str | None:
    """A spending-plan cell ('25.00%') as '25.00'; None for a blank cell."""
    value = clean(cell)
    if not value:
        return None
    if not value.endswith("%"):
        raise ValueError(f"not a percentage: {cell!r}")
    return money(value[:-1])


def integer(cell: str) -> int | None:
    value = clean(cell)
    return int(value) if value else None


def one_line(cell: str) -> str:
    """A category cell wrapped inside its table cell ('产出\\n指标')."""
    return "".join(part.strip() for part in cell.splitlines())


def fill_down(rows: list[Json]) -> None:
    """Resolve merged 一级/二级 cells in place (see module docstring)."""
    last1 = last2 = ""
    for row in rows:
        if row["level1"]:
            last1, last2 = row["level1"], row["level2"]
        else:
            row["level1"] = last1
            if not row["level2"]:
                row["level2"] = last2
            last2 = row["level2"]


def tab_cells(lines: list[str]) -> list[str]:
    """TAB-prefixed lines as a flat list of cells (continuations joined)."""
    cells: list[str] = []
    for line in lines:
        if line.startswith("\t"):
            cells.append(clean(line))
        elif clean(line):
            if not cells:
                raise ValueError(f"text outside a cell: {line!r}")
            cells[-1] = (cells[-1] + "\n" + clean(line)).strip()
    return cells


def tab_rows(lines: list[str]) -> list[list[str]]:
    """TAB cells grouped into rows; a blank line ends a row (seed 004)."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.startswith("\t"):
            current.append(clean(line))
        elif clean(line):
            if current:
                current[-1] = (current[-1] + "\n" + clean(line)).strip()
            else:  # a row label outside the grid, e.g. the document title
                rows.append([clean(line)])
        elif current:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


class Cursor:
    """Walk through a list of cells, checking the fixed labels on the way."""

    def __init__(self, cells: list[str], where: str) -> None:
        self.cells = cells
        self.pos = 0
        self.where = where

    def take(self) -> str:
        if self.pos >= len(self.cells):
            raise ValueError(f"{self.where}: table ends too early")
        cell = self.cells[self.pos]
        self.pos += 1
        return cell

    def expect(self, *labels: str) -> None:
        for label in labels:
            cell = self.take()
            if cell != label:
                raise ValueError(f"{self.where}: expected {label!r}, found {cell!r}")

    def rest(self) -> list[str]:
        return self.cells[self.pos :]


def empty_department(layout: str) -> Json:
    return {
        "layout": layout,
        "overall_goal": "",
        "sub_goals": [],
        "measures": [],
        "staff_count": None,
        "sub_unit_count": None,
        "expense_basic": None,
        "expense_project": None,
        "income_fiscal": None,
        "income_other": None,
        "expense_basic_prev1": None,
        "expense_project_prev1": None,
        "income_fiscal_prev1": None,
        "income_other_prev1": None,
        "expense_basic_prev2": None,
        "expense_project_prev2": None,
        "income_fiscal_prev2": None,
        "income_other_prev2": None,
        "special_funds": None,
        "other_development": None,
        "own_level_funds": None,
        "transfer_funds": None,
        "filler_name": "",
        "filler_phone": "",
        "functions": "",
        "annual_tasks": "",
        "tasks": [],
        "indicators": [],
    }


def document(
    source: str,
    year: int,
    money_unit: str,
    code: str,
    name: str,
    department: Json,
    projects: list[Json],
    notes: list[str],
) -> Json:
    return {
        "source": source,
        "year": year,
        "money_unit": money_unit,
        "unit": {"code": code, "name": name},
        "department": department,
        "projects": projects,
        "notes": notes,
    }


# --------------------------------------------------------------------------
# Hebei (seeds 000, 001): narrative department part + project tables
# --------------------------------------------------------------------------

SECTION = re.compile(
    r"^(?:[（(][一二三][）)]|[一二三]、)\s*(总体绩效目标|分项绩效目标|工作保障措施)$"
)
CN_HEADING = re.compile(r"^（[一二三四五六七八九十]+）\s*(.*)$")
NUM_HEADING = re.compile(r"^\d+、\s*(.*)$")
PROJECT_TITLE = re.compile(r"^(\d+)[、.](.+)绩效目标表$")
DOC_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
GOAL_NUMBER = re.compile(r"^(\d+)\s*[.、．]\s*(.*)$")


def paragraphs(lines: list[str]) -> list[str]:
    return [clean(line) for line in lines if clean(line)]


def titled_items(lines: list[str]) -> list[Json]:
    """分项绩效目标 / 工作保障措施 items, see the module docstring."""
    paras = paragraphs(lines)
    marker = CN_HEADING if any(CN_HEADING.match(p) for p in paras) else NUM_HEADING
    items: list[Json] = []
    body: list[str] = []
    for para in paras:
        match = marker.match(para)
        if not match:
            if not items:
                raise ValueError(f"paragraph before the first item: {para[:30]}")
            body.append(para)
            continue
        if items:
            items[-1]["text"] = "\n".join(body)
        head = match.group(1)
        title, sep, first = head.partition("。")
        body = [first] if sep and first else []
        items.append({"title": title, "text": ""})
    if items:
        items[-1]["text"] = "\n".join(body)
    return items


def split_goals(cell: str) -> list[str]:
    """'1.xxx\\n2.yyy' -> ['xxx', 'yyy']; an unnumbered block is one goal."""
    goals: list[str] = []
    for line in (clean(part) for part in cell.splitlines()):
        if not line:
            continue
        match = GOAL_NUMBER.match(line)
        if match and int(match.group(1)) == len(goals) + 1:
            goals.append(clean(match.group(2)))
        elif goals:
            goals[-1] += "\n" + line
        else:
            goals.append(line)
    return goals


def parse_project(number: int, body: list[str]) -> tuple[Json, str, str, str]:
    """One 项目支出绩效目标表; returns (project, unit code, unit name, money unit)."""
    cur = Cursor(tab_cells(body), f"table {number}")
    unit_match = re.fullmatch(r"(\d+)(\S.*)", cur.take())
    if not unit_match:
        raise ValueError(f"table {number}: no unit header")
    unit_cell = cur.take()
    if not unit_cell.startswith("单位："):
        raise ValueError(f"table {number}: no money unit")

    cur.expect("项目编码")
    code = cur.take()
    cur.expect("项目名称")
    name = cur.take()
    cur.expect("预算规模及资金用途", "预算数")
    total = money(cur.take())
    cur.expect("其中：财政资金")
    fiscal = money(cur.take())
    cur.expect("其他资金")
    other = money(cur.take())
    cur.expect("")  # the merged label cell of the 资金用途 row
    fund_use = cur.take()
    cur.expect("资金支出计划（%）", "3月底", "6月底", "10月底", "12月底", "")
    plan = [percent(cur.take()) for _ in range(4)]
    cur.expect("绩效目标")
    goals = split_goals(cur.take())
    cur.expect("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")

    grid = cur.rest()
    if len(grid) % 6:
        raise ValueError(f"table {number}: {len(grid)} indicator cells is not rows of 6")
    indicators = [
        {"level1": l1, "level2": l2, "name": n, "description": d, "target": t, "basis": b}
        for l1, l2, n, d, t, b in (grid[i : i + 6] for i in range(0, len(grid), 6))
    ]
    fill_down(indicators)
    for row in indicators:
        if row["level1"] not in LEVEL1 or row["level2"] not in HEBEI_LEVEL2:
            raise ValueError(f"table {number}: misaligned row {row}")

    project = {
        "number": number,
        "code": code,
        "name": name,
        "budget_total": total,
        "budget_fiscal": fiscal,
        "budget_other": other,
        "lifetime_budget": None,
        "fund_use": fund_use,
        "plan": plan,
        "goals": goals,
        "indicators": indicators,
    }
    return project, unit_match.group(1), unit_match.group(2), unit_cell.removeprefix("单位：")


def parse_hebei(path: Path, source: str, year: int, notes: list[str]) -> Json:
    lines = path.read_text(encoding="utf-8").splitlines()
    cleaned = [clean(line) for line in lines]

    # Part 1: the three narrative sections, up to 第二部分.
    part2 = next(i for i, line in enumerate(cleaned) if line.startswith("第二部分"))
    heads = {m.group(1): i for i, line in enumerate(cleaned[:part2]) if (m := SECTION.match(line))}
    order = sorted(heads.values()) + [part2]
    section = {
        name: lines[start + 1 : order[order.index(start) + 1]] for name, start in heads.items()
    }
    department = empty_department("narrative")
    department["overall_goal"] = "\n".join(paragraphs(section["总体绩效目标"]))
    department["sub_goals"] = titled_items(section["分项绩效目标"])
    department["measures"] = titled_items(section["工作保障措施"])

    # Part 2: numbered project tables; the last one ends at the next
    # numbered section of the document (六、政府采购预算情况) or at the end.
    titles = [i for i in range(part2, len(lines)) if PROJECT_TITLE.match(cleaned[i])]
    end = next(
        (i for i in range(titles[-1] + 1, len(lines)) if DOC_SECTION.match(cleaned[i])),
        len(lines),
    )
    projects: list[Json] = []
    units: set[tuple[str, str, str]] = set()
    for k, start in enumerate(titles):
        stop = titles[k + 1] if k + 1 < len(titles) else end
        number = int(PROJECT_TITLE.match(cleaned[start]).group(1))
        if number != k + 1:
            raise ValueError(f"{path.name}: table {number} out of order")
        project, code, name, unit = parse_project(number, lines[start + 1 : stop])
        projects.append(project)
        units.add((code, name, unit))
    if len(units) != 1:
        raise ValueError(f"{path.name}: tables disagree on the unit: {units}")
    code, name, unit = units.pop()
    return document(source, year, unit, code, name, department, projects, notes)


# --------------------------------------------------------------------------
# Guangdong (seed 003): markdown tables
# --------------------------------------------------------------------------


def markdown_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|[-|\s]*\|", line):
            continue
        rows.append([clean(cell) for cell in line.strip("|").split("|")])
    return rows


GD_LABELS = {
    "财政供养人员数": "staff_count",
    "下属二级单位数": "sub_unit_count",
    "基本支出": "expense_basic",
    "项目支出": "expense_project",
    "财政拨款": "income_fiscal",
    "其他资金": "income_other",
    "财政专项资金": "special_funds",
    "其他事业发展性支出": "other_development",
    "市本级使用资金": "own_level_funds",
    "拟用于对下转移支付资金": "transfer_funds",
}
TASK = re.compile(r"^任务(\d+)[:：]\s*(.*)$")


def parse_guangdong_indicators(rows: list[list[str]], notes: list[str]) -> list[Json]:
    """The 绩效指标 grid of seed 003, with its conversion damage repaired.

    Columns of a sound row: [row label, 一级, 二级, 三级, 指标值, (empty)].
    """
    start = next(i for i, r in enumerate(rows) if r[1:4] == ["一级指标", "二级指标", "三级指标"])
    result: list[Json] = []
    satisfaction: tuple[str, str] | None = None
    shifted: list[str] = []
    for cells in rows[start + 1 :]:
        cells = cells + [""] * (6 - len(cells))
        label, l1, l2, name, value, extra = cells[:6]

        if name == "满意度指标":
            # Mangled: this row holds 一级 / 二级 / 三级 of the first
            # satisfaction indicator in the 三级 / 指标值 / extra columns, and
            # its value was lost by the conversion.
            satisfaction = (name, value.replace(" ", ""))  # "服务对象 满意度指标"
            result.append(_indicator(*satisfaction, extra, None))
            continue
        if satisfaction is not None:
            # Mangled: the remaining satisfaction rows lost their leading
            # columns; name and value sit in the first two columns.
            result.append(_indicator(*satisfaction, label, l1))
            continue

        if l1 == "社会效益指标":
            # The conversion shows 一级 "社会效益指标"; the table's category
            # is 一级 效益指标 / 二级 社会效益指标.
            l1 = "效益指标"
            notes.append(
                '一级指标 "社会效益指标" read as 一级 效益指标 / 二级 社会效益指标 '
                "(the conversion repeated the 二级 name in the 一级 column)."
            )
        if extra:
            # The 可持续影响 rows are shifted one column to the right (the
            # merged 二级 cell was repeated into the 三级 column).
            if name not in ("", l2):
                raise ValueError(f"unexpected shifted row: {cells}")
            name, value = value, extra
            shifted.append(name)
        result.append(_indicator(l1, l2, name, value))

    fill_down(result)
    siblings = {
        row["target"]
        for row in result
        if row["level1"] == "满意度指标" and row["target"] is not None
    }
    if len(siblings) != 1:
        raise ValueError(f"satisfaction siblings disagree: {siblings}")
    (sibling_value,) = siblings
    for row in result:
        if row["target"] is None:
            row["target"] = sibling_value
            notes.append(
                f'满意度指标 "{row["name"]}": the conversion lost its 指标值; '
                f'set to its siblings\' value "{sibling_value}".'
            )
    if shifted:
        names = "、".join(f'"{name}"' for name in shifted)
        notes.append(
            f"可持续影响指标 rows {names} were shifted one column right "
            "(the merged 二级 cell was repeated); moved back to 三级 / 指标值."
        )
    notes.append(
        "满意度 rows lost their column alignment; rebuilt as 一级 满意度指标 / "
        '二级 服务对象满意度指标 (published as "服务对象 满意度指标") with '
        "their names and values."
    )
    return result


def _indicator(level1: str, level2: str, name: str, target: str | None) -> Json:
    return {
        "goal_no": 1,
        "level1": level1,
        "level2": level2,
        "name": name,
        "description": "",
        "target": target,
        "basis": "",
        "prev2": "",
        "prev1": "",
    }


def parse_guangdong(path: Path, source: str, year: int, notes: list[str]) -> Json:
    text = path.read_text(encoding="utf-8")
    rows = markdown_rows(text)
    department = empty_department("guangdong")

    unit_name = next(next(c for c in r[1:] if c) for r in rows if r[0] == "部门名称")
    for cells in rows:
        for i, cell in enumerate(cells[:-1]):
            if cell in GD_LABELS:
                key = GD_LABELS[cell]
                convert = integer if key.endswith("count") else money
                department[key] = convert(cells[i + 1])
        if cells[0] == "总体绩效目标":
            department["overall_goal"] = "\n".join(
                clean(part) for part in cells[1].split("<br>") if clean(part)
            )

    # Tasks: key tasks are 任务1..5, the other tasks restart at 任务1.  The
    # markdown put the "其他需完成的任务" row header on 任务5, so the kind is
    # decided by the restart of the numbering, not by that header.
    kind = "key"
    last = 0
    for cells in rows:
        match = TASK.match(cells[1]) if len(cells) > 1 else None
        if not match:
            continue
        number = int(match.group(1))
        if number <= last:
            kind = "other"
        last = number
        department["tasks"].append(
            {
                "kind": kind,
                "name": clean(match.group(2)),
                "content": cells[2],
                "amount": money(cells[3]),
                "outcome": cells[4],
            }
        )
    notes.append(
        'The markdown placed the "其他需完成的任务" row header on 任务5; '
        "任务5 (残疾人培训经费) is kept as a key task because the other tasks "
        "restart at 任务1."
    )
    department["indicators"] = parse_guangdong_indicators(rows, notes)
    return document(source, year, "万元", "", unit_name, department, [], notes)


# --------------------------------------------------------------------------
# Hubei (seed 004)
# --------------------------------------------------------------------------

HB_AMOUNTS = {
    "财政拨款": "income_fiscal",
    "其他资金": "income_other",
    "基本支出": "expense_basic",
    "项目支出": "expense_project",
}


def parse_hubei(path: Path, source: str, year: int, notes: list[str]) -> Json:
    rows = tab_rows(path.read_text(encoding="utf-8").splitlines())
    department = empty_department("hubei")

    def row_with(label: str) -> list[str]:
        return next(r for r in rows if label in r)

    money_unit = next(c for r in rows for c in r if "资金单位：" in c).split("资金单位：")[1]
    unit_row = row_with("部门（单位）名称")
    unit_name = unit_row[unit_row.index("部门（单位）名称") + 1]
    filler = row_with("填报人")
    department["filler_name"] = filler[filler.index("填报人") + 1]
    department["filler_phone"] = filler[filler.index("联系电话") + 1]

    # 当年金额, 占比 (derived, not stored), then the two previous years in the
    # order of the header row (2023年 = 前年 = prev2, 2024年 = 上年 = prev1).
    years = row_with("2023年")
    if years.index("2023年") + 1 != years.index("2024年"):
        raise ValueError("unexpected year columns")
    for label, key in HB_AMOUNTS.items():
        cells = row_with(label)
        i = cells.index(label)
        department[key] = money(cells[i + 1])
        department[key + "_prev2"] = money(cells[i + 3])
        department[key + "_prev1"] = money(cells[i + 4])

    functions = row_with("部门职能概述")
    department["functions"] = functions[functions.index("部门职能概述") + 1]
    tasks = row_with("年度工作任务")
    department["annual_tasks"] = tasks[tasks.index("年度工作任务") + 1]

    # 项目支出情况: the rows between its header and 年度目标1.
    head = rows.index(row_with("项目支出情况"))
    goal1 = rows.index(row_with("年度目标1："))
    projects: list[Json] = []
    for cells in rows[head + 1 : goal1]:
        _, name, lifetime, this_year, use = cells
        projects.append(
            {
                "number": len(projects) + 1,
                "code": "",
                "name": name,
                "budget_total": money(this_year),
                "budget_fiscal": None,
                "budget_other": None,
                "lifetime_budget": money(lifetime),
                "fund_use": use,
                "plan": [None, None, None, None],
                "goals": [],
                "indicators": [],
            }
        )

    # 年度目标1 indicators: [label, 一级, 二级, 三级, 前年, 上年, 当年, 依据].
    # 年度目标2/3 hold only "……" placeholders and are ignored.
    goal2 = rows.index(row_with("年度目标2："))
    grid = rows[goal1 + 1 : goal2]
    sub_head = next(i for i, r in enumerate(grid) if r[4:6] == ["前年", "上年"])
    indicators: list[Json] = []
    for cells in grid[sub_head + 1 :]:
        if len(cells) != 8:
            raise ValueError(f"indicator row of {len(cells)} cells: {cells}")
        _, l1, l2, name, prev2, prev1, target, basis = cells
        indicators.append(
            {
                "goal_no": 1,
                "level1": one_line(l1),
                "level2": one_line(l2),
                "name": name,
                "description": "",
                "target": target,
                "basis": basis,
                "prev2": prev2,
                "prev1": prev1,
            }
        )
    fill_down(indicators)
    department["indicators"] = indicators

    notes.append(
        '一级指标 cells wrapped inside the table cell ("产出\\n指标", "效益\\n指标") '
        "are joined into one line."
    )
    notes.append(
        '年度目标2 and 年度目标3 are "……" placeholders and were not imported; '
        "收入/支出构成 合计 and 占比 are derived by the app and not stored."
    )
    notes.append(
        "The 5 rows of 项目支出情况 are imported as projects holding only name, "
        "项目总预算, 项目本年度预算 and 主要支出方向和用途 (numbered in table order)."
    )
    return document(source, year, money_unit, "", unit_name, department, projects, notes)


# --------------------------------------------------------------------------
# checks and main
# --------------------------------------------------------------------------


def check(name: str, data: Json) -> list[str]:
    """Assert the expected sizes; return warnings worth a human look."""
    expected = EXPECTED[name]
    projects = data["projects"]
    dept = data["department"]
    actual = {
        "projects": len(projects),
        "project_indicators": sum(len(p["indicators"]) for p in projects),
        "indicators": len(dept["indicators"]),
        "tasks": len(dept["tasks"]),
    }
    for key, value in expected.items():
        if actual[key] != value:
            raise AssertionError(f"{name}: {key} = {actual[key]}, expected {value}")

    warnings = []
    for p in projects:
        parts = [p["budget_fiscal"], p["budget_other"]]
        if (
            p["budget_total"] is not None
            and None not in parts
            and Decimal(parts[0]) + Decimal(parts[1]) != Decimal(p["budget_total"])
        ):
            warnings.append(f"table {p['number']}: fiscal + other != total")
        plan = p["plan"]
        if any(plan) and (plan[-1] is None or Decimal(plan[-1]) != 100):
            warnings.append(f"table {p['number']} {p['name']}: plan {plan} does not end at 100")
    return warnings


def main(argv: list[str]) -> int:
    seed_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED_DIR
    out_dir = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT_DIR

    def seed(prefix: str) -> Path:
        (path,) = seed_dir.glob(f"{prefix}_*.txt")
        return path

    s000, s001, s003, s004 = (seed(p) for p in ("000", "001", "003", "004"))
    outputs = {
        "zhangjiakou_2021.json": parse_hebei(
            s000,
            f"{s000.name}: 张家口市残疾人联合会2021年部门预算信息公开情况说明"
            "（部门整体绩效目标及13张项目绩效目标表）",
            2021,
            [],
        ),
        "shanhaiguan_2021.json": parse_hebei(
            s001,
            f"{s001.name}: 秦皇岛市山海关区残疾人联合会2021年部门整体绩效目标"
            "及9张预算项目绩效目标表",
            2021,
            [],
        ),
        "lianjiang_2024.json": parse_guangdong(
            s003,
            f"{s003.name}: 廉江市残疾人联合会2024年市级部门整体预算绩效目标表"
            "（markdown 转换件，指标表有损坏）",
            2024,
            [],
        ),
        "caidian_2025.json": parse_hubei(
            s004, f"{s004.name}: 武汉市蔡甸区残疾人联合会2025年整体支出绩效目标表", 2025, []
        ),
    }

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        warnings = check(name, data)
        (out_dir / name).write_text(
            json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        projects = data["projects"]
        print(
            f"{name}: {len(projects)} projects, "
            f"{sum(len(p['indicators']) for p in projects)} project indicator rows, "
            f"{len(data['department']['indicators'])} department indicator rows"
        )
        for warning in warnings:
            print(f"  warning: {warning}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
