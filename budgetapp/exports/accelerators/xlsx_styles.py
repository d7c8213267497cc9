"""Excel grids written without openpyxl's bookkeeping (an accelerator: it writes a worksheet's
private `_cells` and copies cells' private `_style` arrays).

- **Merging.** `Worksheet.merge_cells` also looks at the borders of a range's first cell to
  give the covered cells on its edges (a third of the time of a large book, with the borders
  there); xlsx.py merges before it styles, and gives every covered cell the grid's border
  itself. `merge` records the range and puts the covered cells in place.
- **Formats.** Assigning a Font, Border or Alignment makes openpyxl hash the whole object to
  find it in the workbook's list of formats: half the time of a large book. A cell's formats
  are a small array of indexes into those lists (`cell._style`), so `GridStyles` assigns each
  combination the ordinary way once and then copies the array.

Off, xlsx.py merges with `merge_cells` and assigns every format: every XML part of the
workbook is the same (tests/test_exports_xlsx.py compares them).
"""

from __future__ import annotations

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

# The versions of the library whose internals this uses, on which every XML part of the demo
# workbooks was proven identical to the stock path's.
PROVEN_ON = {"openpyxl": "3.1.5"}


def merge(ws: Worksheet, row: int, column: int, last_row: int, last_column: int) -> None:
    """Merge a range: what `ws.merge_cells` does, less its border bookkeeping."""
    coordinates = CellRange(min_row=row, min_col=column, max_row=last_row, max_col=last_column)
    ws.merged_cells.add(MergedCellRange(ws, coordinates.coord))
    for rr in range(row, last_row + 1):
        for cc in range(column, last_column + 1):
            if (rr, cc) != (row, column):
                ws._cells[rr, cc] = MergedCell(ws, row=rr, column=cc)


class GridStyles:
    """The formats of grid cells, registered with the workbook once and then copied."""

    def __init__(self, font: Font, border: Border) -> None:
        self.font, self.border = font, border
        self._arrays: dict[tuple, StyleArray] = {}

    def apply(self, target, align: str, number_format: str | None) -> None:
        key = (align, number_format)
        array = self._arrays.get(key)
        if array is None:
            target.font = self.font
            target.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
            target.border = self.border
            if number_format:
                target.number_format = number_format
            target.quotePrefix = False
            self._arrays[key] = StyleArray(target._style)
        else:
            target._style = StyleArray(array)

    def apply_border(self, target) -> None:
        array = self._arrays.get("border")
        if array is None:
            target.border = self.border
            self._arrays["border"] = StyleArray(target._style)
        else:
            target._style = StyleArray(array)
