"""The description of an official layout: what the HTML view, the PDF and the Excel file render.

A layout builder turns a table (a model instance) into a `Document`: headings, paragraphs,
captions and grids of cells with spans. Renderers only walk this structure, so the three output
formats cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from budgetapp.core.text import clean_text


class CellRole(StrEnum):
    LABEL = "label"  # a printed caption of the template (项目名称, 一级指标 …)
    VALUE = "value"  # what the filer entered


class CellFormat(StrEnum):
    TEXT = "text"
    MONEY = "money"
    PERCENT = "percent"
    INTEGER = "integer"


@dataclass
class Cell:
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    role: CellRole = CellRole.VALUE
    align: str = "left"
    # The typed value behind the text, for spreadsheets that keep numbers as numbers.
    number: Decimal | int | None = None
    fmt: CellFormat = CellFormat.TEXT
    # What the cell shows, as "field:<name>" or "indicator:<pk>"; lets reviewers' comments and
    # checks point at a cell.
    anchor: str = ""
    header: bool = False
    # The exact values the cell prints, as "<anchor>/<field>" ("indicator:7/target") or a field
    # anchor ("field:income_fiscal"): a diff marks just the cells whose value changed, where
    # `anchor` names a whole row (a comment's place). A merged 一级 cell lists every row's.
    marks: tuple[str, ...] = ()
    # An identifier that must print on one line (the 21-character 项目编码): printed a little
    # narrower rather than wrapped mid-code.
    tight: bool = False

    def __post_init__(self) -> None:
        # Strip at render what XML cannot hold (core/text.py): a stored control character
        # must never make a PDF, an Excel file or a publication fail.
        self.text = clean_text(self.text)


@dataclass
class Grid:
    """A table of the template: `widths` are relative column widths (any unit)."""

    widths: list[float]
    rows: list[list[Cell]] = field(default_factory=list)
    # How many leading rows are column headers, repeated on every printed page.
    header_rows: int = 0
    # Printed directly under the previous grid with the same columns, as one table of the
    # template (the project table's indicator part: its own grid so its header can repeat).
    joined: bool = False

    @property
    def column_count(self) -> int:
        return len(self.widths)

    def add(self, *cells: Cell) -> None:
        self.rows.append(list(cells))

    def placed(self) -> Iterator[tuple[int, int, Cell]]:
        """Yield (row, column, cell) with columns resolved around cells spanning from above."""
        occupied: dict[int, set[int]] = {}
        for r, row in enumerate(self.rows):
            taken = occupied.get(r, set())
            c = 0
            for cell in row:
                while c in taken:
                    c += 1
                yield r, c, cell
                for dr in range(cell.rowspan):
                    occupied.setdefault(r + dr, set()).update(range(c, c + cell.colspan))
                c += cell.colspan

    def check_shape(self) -> None:
        """Raise ValueError unless every row covers exactly the grid's columns."""
        covered: dict[int, set[int]] = {}
        for r, c, cell in self.placed():
            if c + cell.colspan > self.column_count:
                raise ValueError(f"row {r}: cell {cell.text!r} overflows the grid")
            for dr in range(cell.rowspan):
                covered.setdefault(r + dr, set()).update(range(c, c + cell.colspan))
        for r in range(len(self.rows)):
            if covered.get(r, set()) != set(range(self.column_count)):
                raise ValueError(f"row {r} covers columns {sorted(covered.get(r, set()))}")


@dataclass
class Heading:
    text: str
    level: int = 1

    def __post_init__(self) -> None:
        self.text = clean_text(self.text)


@dataclass
class Paragraph:
    text: str
    indent: bool = True

    def __post_init__(self) -> None:
        self.text = clean_text(self.text)


@dataclass
class Caption:
    """The line above a grid: unit on the left, money unit on the right."""

    left: str
    right: str = ""

    def __post_init__(self) -> None:
        self.left = clean_text(self.left)
        self.right = clean_text(self.right)


Block = Heading | Paragraph | Caption | Grid


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def grids(self) -> list[Grid]:
        return [block for block in self.blocks if isinstance(block, Grid)]


# Frozen documents: a layout description kept as JSON (a published version, an old revision)
# renders again exactly as it was, whatever the live rows say now.

_BLOCK_TYPES: dict[str, type] = {
    "heading": Heading,
    "paragraph": Paragraph,
    "caption": Caption,
    "grid": Grid,
}
_BLOCK_NAMES = {cls: name for name, cls in _BLOCK_TYPES.items()}


def _cell_to_json(cell: Cell) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(cell, name)
        for name in ("text", "colspan", "rowspan", "align", "anchor", "header", "tight")
    }
    if cell.marks:
        data["marks"] = list(cell.marks)
    data["role"] = str(cell.role)
    data["fmt"] = str(cell.fmt)
    if isinstance(cell.number, Decimal):
        data["number"] = {"decimal": str(cell.number)}
    else:
        data["number"] = cell.number
    return data


def _cell_from_json(data: dict[str, Any]) -> Cell:
    number = data.get("number")
    if isinstance(number, dict):
        number = Decimal(number["decimal"])
    return Cell(
        text=data["text"],
        colspan=data["colspan"],
        rowspan=data["rowspan"],
        role=CellRole(data["role"]),
        align=data["align"],
        number=number,
        fmt=CellFormat(data["fmt"]),
        anchor=data["anchor"],
        header=data["header"],
        tight=data["tight"],
        marks=tuple(data.get("marks", ())),
    )


def document_to_json(document: Document) -> dict[str, Any]:
    """The document as JSON-ready data; `document_from_json` gives back an equal Document."""
    blocks = []
    for block in document.blocks:
        if isinstance(block, Grid):
            data = {
                "widths": list(block.widths),
                "header_rows": block.header_rows,
                "joined": block.joined,
                "rows": [[_cell_to_json(cell) for cell in row] for row in block.rows],
            }
        else:
            data = dict(vars(block))
        blocks.append({"type": _BLOCK_NAMES[type(block)], **data})
    return {"title": document.title, "blocks": blocks}


def document_from_json(data: dict[str, Any]) -> Document:
    blocks: list[Block] = []
    for item in data["blocks"]:
        fields = {k: v for k, v in item.items() if k != "type"}
        cls = _BLOCK_TYPES[item["type"]]
        if cls is Grid:
            fields["rows"] = [[_cell_from_json(cell) for cell in row] for row in fields["rows"]]
        blocks.append(cls(**fields))
    return Document(title=data["title"], blocks=blocks)
