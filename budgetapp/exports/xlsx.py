"""Excel workbook of the official layouts, written with openpyxl from the layout description.

One worksheet per table: the title, the caption line, then every grid with its merged cells,
thin borders on every cell (also inside merged ranges, so any later unmerge keeps the lines),
numbers kept as numbers with the format the page shows, and an A4 print setup that repeats the
indicator header on every page. Text typed by filers is always stored as text, never as a
formula (CSV/formula injection: `=…`, `+…`, `-…`, `@…`).
"""

from __future__ import annotations

import math
import re
import unicodedata
import weakref
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from budgetapp.core.text import clean_text
from budgetapp.layouts.document import Caption, Cell, CellFormat, Document, Grid, Heading, Paragraph

from . import accelerators
from .accelerators import xlsx_styles
from .book import Book

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FONT_NAME = "SimSun"  # 宋体, what the templates use
FONT_SIZE = 10.5
TOTAL_WIDTH = 100  # characters across all columns
LINE_HEIGHT = 14.0  # points per line of 10.5pt text
TITLE_SIZE = 16
HEADING_SIZE = 12
# A document of paragraphs only (the Hebei narrative 部门整体绩效目标) has no grid to take its
# columns from. One very wide column does not print: LibreOffice does not scale a single cell
# down to the page, so its text is cut on both sides. Its paragraphs are merged across normal
# columns instead, together about the printable width of A4 portrait with 20 mm margins
# (170 mm, some 90 characters of the default font): 8 × 10 characters.
NARRATIVE_COLUMNS = 8
NARRATIVE_COLUMN_WIDTH = 10.0
# The tallest row Excel allows, in points: a text needing more prints smaller (fitting_size).
MAX_ROW_HEIGHT = 409.0

NUMBER_FORMATS = {
    CellFormat.MONEY: "#,##0.00",
    CellFormat.PERCENT: "0.00%",
    CellFormat.INTEGER: "0",
}

_THIN = Side(style="thin", color="000000")
GRID_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
TITLE_FONT = Font(name=FONT_NAME, size=TITLE_SIZE, bold=True)
HEADING_FONT = Font(name=FONT_NAME, size=HEADING_SIZE, bold=True)
DRAFT_FONT = Font(name=FONT_NAME, size=HEADING_SIZE, bold=True, color="BB0000")

# A spreadsheet runs a cell starting with one of these as a formula when it is edited, or on
# import; such text is stored as a string with Excel's quote prefix.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these characters in sheet titles.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def render_xlsx(book: Book) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    titles: set[str] = set()
    for entry in book.entries():
        title = sheet_title(entry.label, titles)
        titles.add(title.casefold())
        write_document(workbook.create_sheet(title), entry.document, draft_mark=book.draft_mark)
    workbook.properties.title = clean_text(book.title)
    workbook.properties.creator = clean_text(book.author)
    workbook.properties.language = "zh-CN"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(label: str, taken: set[str]) -> str:
    """A worksheet title Excel accepts: ≤31 characters, none of []:*?/\\, unique in the book.

    `taken` holds the casefolded titles already used (Excel compares them case-insensitively).
    """
    base = _SHEET_TITLE_FORBIDDEN.sub("_", clean_text(label)).strip("'").strip() or "表"
    title, number = base[:31], 1
    while title.casefold() in taken:
        number += 1
        suffix = f"({number})"
        title = base[: 31 - len(suffix)] + suffix
    return title


def write_document(ws: Worksheet, document: Document, *, draft_mark: str = "") -> None:
    """One table on a worksheet; a draft (`draft_mark` given) says so in a first line of its
    own and in the header of every printed page."""
    grids = document.grids()
    if grids:
        widths = _column_widths(grids[0].widths)
    else:
        widths = [NARRATIVE_COLUMN_WIDTH] * NARRATIVE_COLUMNS
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    columns = len(widths)
    row = 1
    heights: dict[int, float] = {}
    if draft_mark:
        _merged_line(ws, row, columns, draft_mark, font=DRAFT_FONT, horizontal="center")
        heights[row] = LINE_HEIGHT + 8
        row += 1
    first_row = row
    previous = None
    for block in document.blocks:
        if isinstance(block, Heading):
            is_title = row == first_row
            _merged_line(
                ws,
                row,
                columns,
                block.text,
                font=TITLE_FONT if is_title else HEADING_FONT,
                horizontal="center" if is_title else "left",
            )
            size = TITLE_SIZE if is_title else HEADING_SIZE
            # Wider letters than the body's: fewer fit on a line of the same width.
            lines = wrapped_lines(block.text, sum(widths) * FONT_SIZE / size)
            heights[row] = lines * (size + 4) + (6 if is_title else 4)  # 26 / 20 for one line
            row += 1
        elif isinstance(block, Paragraph):
            text = f"\u3000\u3000{block.text}" if block.indent else block.text
            size, heights[row] = fitting_size(text, sum(widths))
            font = BODY_FONT if size == FONT_SIZE else Font(name=FONT_NAME, size=size)
            _merged_line(ws, row, columns, text, font=font, horizontal="left")
            row += 1
        elif isinstance(block, Caption):
            _caption(ws, row, columns, block)
            heights[row] = LINE_HEIGHT + 4
            row += 1
        elif isinstance(block, Grid):
            if isinstance(previous, Grid) and not block.joined:
                row += 1  # a blank line between separate grids
            _grid(ws, row, block, widths, heights)
            row += len(block.rows)
        previous = block
    for number, height in heights.items():
        ws.row_dimensions[number].height = round(min(height, MAX_ROW_HEIGHT), 1)
    _print_setup(ws, last_row=row - 1, columns=columns)
    if draft_mark:
        ws.oddHeader.center.text = draft_mark
        ws.oddHeader.center.color = "BB0000"


def _column_widths(relative: list[float]) -> list[float]:
    total = sum(relative) or 1
    return [round(w * TOTAL_WIDTH / total, 1) for w in relative]


def _merged_line(
    ws: Worksheet, row: int, columns: int, text: str, *, font: Font, horizontal: str
) -> None:
    cell = ws.cell(row=row, column=1)
    _set_text(cell, text)
    cell.font = font
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    if columns > 1:
        _merge(ws, row, 1, row, columns)


def _caption(ws: Worksheet, row: int, columns: int, caption: Caption) -> None:
    """Unit on the left, money unit on the right, as the line above the published tables."""
    if columns == 1:
        cell = ws.cell(row=row, column=1)
        _set_text(cell, f"{caption.left}    {caption.right}".strip())
        cell.font = BODY_FONT
        return
    split = max(1, columns - 2)
    for start, end, text, horizontal in (
        (1, split, caption.left, "left"),
        (split + 1, columns, caption.right, "right"),
    ):
        cell = ws.cell(row=row, column=start)
        _set_text(cell, text)
        cell.font = BODY_FONT
        cell.alignment = Alignment(horizontal=horizontal, vertical="center")
        if end > start:
            _merge(ws, row, start, row, end)


def _merge(ws: Worksheet, row: int, column: int, last_row: int, last_column: int) -> None:
    """Merge a range whose first cell has no border yet (`merge_cells` would copy it onto the
    covered cells' edges, one side at a time: formats the workbook keeps though no cell uses
    them)."""
    if accelerators.active("xlsx_styles"):
        xlsx_styles.merge(ws, row, column, last_row, last_column)
    else:
        ws.merge_cells(start_row=row, start_column=column, end_row=last_row, end_column=last_column)


class _GridStyles:
    """The formats of grid cells, assigned the ordinary way (the stock path of
    `accelerators.xlsx_styles.GridStyles`, which copies them)."""

    def apply(self, target, align: str, number_format: str | None) -> None:
        target.font = BODY_FONT
        target.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        target.border = GRID_BORDER
        if number_format:
            target.number_format = number_format
        target.quotePrefix = False

    def apply_border(self, target) -> None:
        target.border = GRID_BORDER


_styles: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _grid(
    ws: Worksheet, top: int, grid: Grid, widths: list[float], heights: dict[int, float]
) -> None:
    if accelerators.active("xlsx_styles"):
        styles = _styles.get(ws.parent)
        if styles is None:
            styles = _styles[ws.parent] = xlsx_styles.GridStyles(BODY_FONT, GRID_BORDER)
    else:
        styles = _GridStyles()
    spanning: list[tuple[int, int, float]] = []  # (first row, row count, points needed)
    for r, c, cell in grid.placed():
        row, column = top + r, 1 + c
        target = ws.cell(row=row, column=column)
        number_format = _set_value(target, cell)
        quoted = target.quotePrefix
        last_row, last_column = row + cell.rowspan - 1, column + cell.colspan - 1
        merged = cell.rowspan > 1 or cell.colspan > 1
        if merged:
            _merge(ws, row, column, last_row, last_column)
        styles.apply(target, cell.align, number_format)
        target.quotePrefix = quoted
        if merged:  # the covered cells keep the grid's lines (an unmerge keeps them too)
            for rr in range(row, last_row + 1):
                for cc in range(column, last_column + 1):
                    if (rr, cc) != (row, column):
                        styles.apply_border(ws.cell(row=rr, column=cc))
        width = sum(widths[c : c + cell.colspan]) if c < len(widths) else TOTAL_WIDTH
        needed = wrapped_lines(cell.text, width) * LINE_HEIGHT + 4
        if cell.rowspan == 1:
            if needed > MAX_ROW_HEIGHT:
                size, needed = fitting_size(cell.text, width)
                target.font = Font(name=FONT_NAME, size=size)
            heights[row] = max(heights.get(row, LINE_HEIGHT + 4), needed)
        else:
            spanning.append((row, cell.rowspan, needed))
    for row in range(top, top + len(grid.rows)):
        heights.setdefault(row, LINE_HEIGHT + 4)
    # A cell spanning rows gets its room by growing the spanned rows evenly, if needed.
    for first, count, needed in spanning:
        spanned = range(first, first + count)
        short = needed - sum(heights[r] for r in spanned)
        if short > 0:
            for r in spanned:
                heights[r] += short / count
    if grid.header_rows and ws.print_title_rows is None:
        ws.print_title_rows = f"{top}:{top + grid.header_rows - 1}"


def _set_value(target, cell: Cell) -> str | None:
    """Store the cell's number or text; the number format it needs is returned, not set."""
    number_format = NUMBER_FORMATS.get(cell.fmt)
    if cell.number is not None and number_format:
        value = cell.number
        if cell.fmt == CellFormat.PERCENT:
            value = Decimal(value) / 100
        target.value = value
        return number_format
    _set_text(target, cell.text)
    return None


def _set_text(target, text: str) -> None:
    """Store typed text as a string that no spreadsheet treats as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text or "")
    if not text:
        return
    target.value = text
    # openpyxl turns a string starting with "=" into a formula; force the string type.
    target.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        # The quote prefix keeps it text when someone edits the cell in Excel or WPS.
        target.quotePrefix = True


def _display_width(text: str) -> int:
    """Width in Excel's character units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fitting_size(text: str, width: float) -> tuple[float, float]:
    """The font size (FONT_SIZE, or smaller when that is too tall) at which `text` fits a row
    of a cell `width` characters wide, and the row's height in points.

    A row is at most MAX_ROW_HEIGHT tall (Excel's limit); a longer text (some 1,200 CJK
    characters across the page) would be cut, so it is printed smaller instead.
    """
    size = FONT_SIZE
    while True:
        lines = wrapped_lines(text, width * FONT_SIZE / size)
        height = lines * LINE_HEIGHT * size / FONT_SIZE + 4
        if height <= MAX_ROW_HEIGHT or size <= 6:
            return size, min(height, MAX_ROW_HEIGHT)
        size -= 0.5


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` wraps to in a cell `width` characters wide."""
    room = max(width - 1, 1)
    return max(1, sum(max(1, math.ceil(_display_width(line) / room)) for line in text.split("\n")))


def _print_setup(ws: Worksheet, *, last_row: int, columns: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margin = 20 / 25.4  # 20 mm, in inches
    ws.page_margins = PageMargins(
        left=margin, right=margin, top=margin, bottom=margin, header=0.3, footer=0.3
    )
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{get_column_letter(columns)}{max(last_row, 1)}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.sheet_view.showGridLines = False
