"""The exporter interface: an exporter takes a book and returns (filename, mimetype, bytes).

`EXPORTERS` maps the format names used in URLs and on the command line to exporters; adding a
format is one function and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from budgetapp.targets.models import TargetTable
from budgetapp.units.models import Unit

from .book import Book, table_book, unit_book
from .pdf import render_pdf
from .xlsx import MIMETYPE as XLSX_MIMETYPE
from .xlsx import render_xlsx


class Export(NamedTuple):
    filename: str
    mimetype: str
    content: bytes


Exporter = Callable[[Book], Export]


def export_pdf(book: Book) -> Export:
    return Export(f"{book.filename}.pdf", "application/pdf", render_pdf(book))


def export_xlsx(book: Book) -> Export:
    return Export(f"{book.filename}.xlsx", XLSX_MIMETYPE, render_xlsx(book))


EXPORTERS: dict[str, Exporter] = {
    "pdf": export_pdf,
    "xlsx": export_xlsx,
}


def export_table(table: TargetTable, fmt: str) -> Export:
    """One table in format `fmt` (a key of EXPORTERS)."""
    return EXPORTERS[fmt](table_book(table))


def export_unit_book(unit: Unit, year: int, fmt: str) -> Export:
    """A unit's book for a budget year: 部门整体绩效目标, then the numbered project tables."""
    return EXPORTERS[fmt](unit_book(unit, year))
