"""What an export contains: one table, or a unit's book of tables for a budget year.

A unit's book is what the published documents print (seeds 000 and 001): 第一部分 部门整体绩效目标,
then 第二部分 预算项目绩效目标 with the project tables numbered in order. Both exporters walk a
`Book`, so one table and a whole book go through the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetapp.layouts import document_for
from budgetapp.layouts.document import Document
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status, TargetTable
from budgetapp.units.models import Unit

DEPARTMENT_PART = "第一部分 部门整体绩效目标"
PROJECT_PART = "第二部分 预算项目绩效目标"
# What a file of a table not yet published says on every page and in its name: a draft must
# never pass for the published document (issue 12, bug 6).
DRAFT_MARK = "草稿（未公开）"
DRAFT_SUFFIX = "（草稿）"


@dataclass(frozen=True)
class BookEntry:
    """One table of a book. `label` is its short name (a worksheet's title)."""

    label: str
    document: Document


@dataclass(frozen=True)
class Part:
    heading: str  # empty for a single table
    entries: list[BookEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Book:
    title: str
    author: str
    filename: str  # without extension
    parts: list[Part] = field(default_factory=list)
    # True when any table of the book is not published: every page and sheet carries
    # DRAFT_MARK. The files stored on publication and the portal's come from published tables
    # only, so they never do.
    draft: bool = False
    # A blank template (`blank.py`): printed with room to write by hand.
    blank: bool = False

    @property
    def draft_mark(self) -> str:
        return DRAFT_MARK if self.draft else ""

    @property
    def is_single_table(self) -> bool:
        return len(self.parts) == 1 and not self.parts[0].heading

    def entries(self) -> list[BookEntry]:
        return [entry for part in self.parts for entry in part.entries]


# Characters Windows, macOS or a browser refuse in a file name, and control characters.
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(stem: str, *, draft: bool = False) -> str:
    """A download name: unsafe characters become "_", at most 150 characters (the draft
    suffix, when asked for, always kept)."""
    cleaned = _UNSAFE_IN_FILENAME.sub("_", stem).strip(" .") or "export"
    if draft:
        return cleaned[: 150 - len(DRAFT_SUFFIX)] + DRAFT_SUFFIX
    return cleaned[:150]


def is_draft(table: TargetTable) -> bool:
    """Whether a table's files are drafts: anything not published is."""
    return table.status != Status.PUBLISHED


def _entry(table: TargetTable) -> BookEntry:
    if isinstance(table, ProjectTable):
        label = f"{table.sequence}.{table.name}" if table.sequence else table.name
    else:
        label = "部门整体绩效目标"
    return BookEntry(label=label, document=document_for(table))


def table_book(table: TargetTable) -> Book:
    """A single table: `张家口市残疾人联合会本级_2021_1.残疾人康复经费绩效目标表`."""
    unit, year = table.unit, table.year.year
    title = table.title if isinstance(table, ProjectTable) else "部门整体绩效目标"
    draft = is_draft(table)
    return Book(
        title=table.title,
        author=unit.name,
        filename=safe_filename(f"{unit.name}_{year}_{title}", draft=draft),
        parts=[Part(heading="", entries=[_entry(table)])],
        draft=draft,
    )


def table_count(unit: Unit, year: int) -> int:
    """How many target tables a unit's book of the year holds."""
    return (
        DepartmentTable.objects.filter(unit=unit, year__year=year).count()
        + ProjectTable.objects.filter(unit=unit, year__year=year).count()
    )


def unit_book(unit: Unit, year: int) -> Book:
    """Every table of a unit for a budget year, in the order of the published documents."""
    department = (
        DepartmentTable.objects.filter(unit=unit, year__year=year)
        .select_related("unit__region", "year")
        .first()
    )
    projects = (
        ProjectTable.objects.filter(unit=unit, year__year=year)
        .select_related("unit__region", "year")
        # One query for every table's goals and one for their indicator rows, not one per table.
        .prefetch_related("goals")
        .with_indicator_rows()
    )
    parts = []
    if department is not None:
        parts.append(Part(heading=DEPARTMENT_PART, entries=[_entry(department)]))
    project_tables = list(projects.order_by("sequence", "pk"))
    project_entries = [_entry(table) for table in project_tables]
    if project_entries:
        parts.append(Part(heading=PROJECT_PART, entries=project_entries))
    tables = ([department] if department is not None else []) + project_tables
    draft = any(is_draft(table) for table in tables)
    return Book(
        title=f"{unit.name}{year}年绩效目标",
        author=unit.name,
        filename=safe_filename(f"{unit.name}_{year}_绩效目标", draft=draft),
        parts=parts,
        draft=draft,
    )
