"""What the reader makes of a workbook: plain data, each value with the cell it came from.

Everything here is JSON-ready (`to_dict` / `from_dict`), so a pending import is stored as data
between the preview and the confirmation, never as the uploaded file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from openpyxl.utils import get_column_letter


class Severity(StrEnum):
    ERROR = "error"  # blocks the import
    WARNING = "warning"  # shown; the import may go ahead


@dataclass(frozen=True)
class Source:
    """A cell of the uploaded workbook (row and column are 1-based, as Excel numbers them)."""

    sheet: str
    row: int = 0
    column: int = 0

    def __str__(self) -> str:
        text = f"工作表“{self.sheet}”"
        if self.row:
            text += f"第 {self.row} 行"
        if self.column:
            text += f" {get_column_letter(self.column)} 列"
        return text


@dataclass
class Problem:
    message: str
    source: Source | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.source}：{self.message}" if self.source else self.message

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


@dataclass
class ParsedRow:
    """One repeating row (goal, indicator, task, paragraph): form values and their cells."""

    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    row_source: Source | None = None
    # What the cell showed, where the value read from it differs (`1,000.00` → `1000`).
    typed: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: str, source: Source | None, *, shown: str = "") -> None:
        self.values[name] = value
        if source is not None:
            self.sources[name] = source
        if shown and shown != value:
            self.typed[name] = shown


@dataclass
class ParsedTable:
    """One table of the workbook: `kind` is "project" or "department"."""

    kind: str
    sheet: str
    layout: str = ""  # department tables: hebei / guangdong / hubei
    title: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    # Section name (goals, indicators, sub_goals, measures, tasks) → rows.
    rows: dict[str, list[ParsedRow]] = field(default_factory=dict)
    # Fields the sheet prints: the others keep their stored value on update.
    printed_row_fields: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Extra facts the sheet states but the table does not store (unit name, year, project list).
    facts: dict[str, Any] = field(default_factory=dict)
    first_row: int = 1
    # What the cell showed, where the value read from it differs (`5000%` → `5000`): quoted
    # when a value cannot be stored (set_aside.py).
    typed: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: str, source: Source | None, *, shown: str = "") -> None:
        self.fields[name] = value
        if source is not None:
            self.sources[name] = source
        if shown and shown != value:
            self.typed[name] = shown

    def problem(self, message: str, source: Source | None = None, *, warning: bool = False) -> None:
        self.problems.append(
            Problem(
                message,
                source or Source(self.sheet, self.first_row),
                Severity.WARNING if warning else Severity.ERROR,
            )
        )

    @property
    def label(self) -> str:
        if self.kind == "project":
            return self.fields.get("name") or self.title or self.sheet
        return "部门整体绩效目标"


@dataclass
class ParsedWorkbook:
    tables: list[ParsedTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedWorkbook:
        def source(value: dict | None) -> Source | None:
            return Source(**value) if value else None

        def problem(value: dict) -> Problem:
            return Problem(value["message"], source(value["source"]), Severity(value["severity"]))

        def row(value: dict) -> ParsedRow:
            return ParsedRow(
                values=dict(value["values"]),
                sources={k: Source(**v) for k, v in value["sources"].items()},
                row_source=source(value.get("row_source")),
                typed=dict(value.get("typed", {})),
            )

        tables = []
        for t in data.get("tables", []):
            tables.append(
                ParsedTable(
                    kind=t["kind"],
                    sheet=t["sheet"],
                    layout=t.get("layout", ""),
                    title=t.get("title", ""),
                    fields=dict(t["fields"]),
                    sources={k: Source(**v) for k, v in t["sources"].items()},
                    rows={k: [row(r) for r in rows] for k, rows in t["rows"].items()},
                    printed_row_fields={k: list(v) for k, v in t["printed_row_fields"].items()},
                    problems=[problem(p) for p in t["problems"]],
                    facts=dict(t.get("facts", {})),
                    first_row=t.get("first_row", 1),
                    typed=dict(t.get("typed", {})),
                )
            )
        return cls(tables=tables, problems=[problem(p) for p in data.get("problems", [])])
