"""Reading the text conversions of the published seeds: cleaning, numbers, TAB cells and rows,
the JSON shapes of the demo data (tools/extract_seeds.py; tools/compare_seeds.py reads the
seeds with the same helpers). Standard library only."""

from __future__ import annotations

import re
from typing import Any

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
