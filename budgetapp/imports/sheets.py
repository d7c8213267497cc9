"""A worksheet as the reader sees it: logical cells with merged ranges resolved.

Real files merge cells, leave blank rows and columns, store numbers as text and percentages as
fractions, and use full-width characters. This module turns a worksheet into rows of logical
cells (one per merged range, its value from the top-left cell) and finds labels by their text
(`项目编码`, `预算数`, `一级指标` …), never by fixed coordinates.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl.worksheet.worksheet import Worksheet

from .parsed import Source

_SPACE = re.compile(r"\s+")
_MONEY_UNIT_IN_LABEL = re.compile(r"[(（]\s*(万元|元)\s*[)）]")


def norm(text: str) -> str:
    """Label form of a text: NFKC (full-width → half-width), no white space, no trailing colon."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).rstrip(":")


def clean_text(text: str) -> str:
    """A value as typed, trimmed of the white space Word/WPS/Excel leave around it."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.strip(" \t\u3000") for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


@dataclass
class LogicalCell:
    row: int
    column: int
    last_column: int
    value: object  # str, int, float, Decimal, datetime or None
    number_format: str = "General"
    bold: bool = False
    # Part of a merged range that started in a row above (its value is the range's).
    continued: bool = False
    merged: bool = False

    @property
    def text(self) -> str:
        return cell_text(self.value, self.number_format)

    @property
    def label(self) -> str:
        return norm(self.text)

    @property
    def is_blank(self) -> bool:
        return self.text == ""

    def covers(self, column: int) -> bool:
        return self.column <= column <= self.last_column


def _decimals_in_format(number_format: str) -> int:
    match = re.search(r"\.(0+)", number_format or "")
    return len(match.group(1)) if match else 0


def number_text(value: float | int | Decimal) -> str:
    """A number as plain text without float noise: 82.16, not 82.16000000000001."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text


def cell_text(value: object, number_format: str = "General") -> str:
    """What a cell shows, as text; a percentage-formatted number shows as `95%`."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if "%" in (number_format or ""):
            scaled = (
                Decimal(repr(value)) * 100 if isinstance(value, float) else Decimal(value) * 100
            )
            places = _decimals_in_format(number_format)
            return f"{scaled:.{places}f}%"
        return number_text(value)
    return clean_text(str(value))


def to_decimal(value: object) -> Decimal | None:
    """A number in a cell, stored as a number or as text (`1,273.72`, full-width digits)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = re.sub(r"(万元|元)$", "", norm(str(value)).replace(",", ""))
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _cells_present(ws: Worksheet) -> dict[tuple[int, int], object]:
    """The cells the file holds (a value or a format), by (row, column), in file order.

    Through openpyxl's public API (`iter_rows`, which also makes empty cells for the gaps of
    the used range: those are left out).
    """
    present = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None or cell.has_style:
                present[cell.row, cell.column] = cell
    return present


class SheetGrid:
    """The non-empty content of a worksheet as rows of logical cells."""

    def __init__(self, ws: Worksheet) -> None:
        self.title = ws.title
        merged_origin: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for merged in ws.merged_cells.ranges:
            bounds = (merged.min_row, merged.min_col, merged.max_row, merged.max_col)
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    merged_origin[r, c] = bounds
        self.rows: dict[int, list[LogicalCell]] = {}
        present = _cells_present(ws)
        by_row: dict[int, set[int]] = {}
        for r, c in list(present) + list(merged_origin):
            by_row.setdefault(r, set()).add(c)
        for r in sorted(by_row):
            cells: list[LogicalCell] = []
            columns = sorted(by_row[r])
            done: set[int] = set()
            for c in columns:
                if c in done:
                    continue
                bounds = merged_origin.get((r, c))
                if bounds:
                    r0, c0, _r1, c1 = bounds
                    done.update(range(c0, c1 + 1))
                    origin = present.get((r0, c0))
                    cells.append(
                        LogicalCell(
                            row=r,
                            column=c0,
                            last_column=c1,
                            value=origin.value if origin is not None else None,
                            number_format=origin.number_format if origin is not None else "",
                            bold=bool(origin is not None and origin.font and origin.font.b),
                            continued=r != r0,
                            merged=True,
                        )
                    )
                else:
                    done.add(c)
                    cell = present[r, c]
                    cells.append(
                        LogicalCell(
                            row=r,
                            column=c,
                            last_column=c,
                            value=cell.value,
                            number_format=cell.number_format,
                            bold=bool(cell.font and cell.font.b),
                        )
                    )
            if any(not cell.is_blank for cell in cells):
                self.rows[r] = cells
        self.row_numbers = sorted(self.rows)

    def source(self, row: int, column: int = 0) -> Source:
        return Source(self.title, row, column)

    def cells(self, row: int) -> list[LogicalCell]:
        return self.rows.get(row, [])

    def filled(self, row: int) -> list[LogicalCell]:
        """The row's non-blank cells that start in this row (not continued from above)."""
        return [c for c in self.cells(row) if not c.is_blank and not c.continued]

    def at(self, row: int, column: int) -> LogicalCell | None:
        for cell in self.cells(row):
            if cell.covers(column):
                return cell
        return None

    def find(self, labels: set[str], rows: list[int] | None = None) -> LogicalCell | None:
        """The first cell (in reading order) whose label is one of `labels`."""
        for r in rows if rows is not None else self.row_numbers:
            for cell in self.cells(r):
                if not cell.continued and label_key(cell.label) in labels:
                    return cell
        return None

    def right_of(self, cell: LogicalCell, known_labels: set[str]) -> LogicalCell | None:
        """The value cell to the right of a label: the next non-blank cell, unless that cell is
        itself a label of the template (then the value was left blank)."""
        inline = inline_value(cell)
        if inline:
            return LogicalCell(cell.row, cell.column, cell.last_column, inline)
        for other in self.cells(cell.row):
            if other.column <= cell.last_column or other.continued or other.is_blank:
                continue
            if label_key(other.label) in known_labels:
                return None
            return other
        return None

    def all_text(self) -> str:
        return "".join(c.label for r in self.row_numbers for c in self.cells(r))


# Labels some templates write with their value in the same cell: `项目名称：残疾人康复经费`.
INLINE_LABELS = {
    "项目名称", "项目编码", "项目代码", "预算数", "部门名称", "单位名称", "部门(单位)名称",
    "填报人", "联系电话", "主管部门", "实施单位",
}  # fmt: skip


def label_key(label: str) -> str:
    """A label without the money unit some templates add (`预算数（万元）` → `预算数`) and without
    a value written after it in the same cell (`项目名称：残疾人康复经费` → `项目名称`)."""
    label = _MONEY_UNIT_IN_LABEL.sub("", label)
    head, colon, tail = label.partition(":")
    if colon and tail and head in INLINE_LABELS:
        return head
    return label


def inline_value(cell: LogicalCell) -> str:
    """The value written after a label in the same cell, if any."""
    key = label_key(cell.label)
    if key == _MONEY_UNIT_IN_LABEL.sub("", cell.label):
        return ""
    text = cell.text.replace("：", ":")
    return text.partition(":")[2].strip() if ":" in text else ""


def money_unit_in(text: str) -> str:
    """`万元` or `元` if the text states the money unit (`单位：万元`, `预算数（元）`)."""
    text = norm(text)
    match = re.search(r"单位[:：]?(万元|元)", text) or _MONEY_UNIT_IN_LABEL.search(text)
    return match.group(1) if match else ""
