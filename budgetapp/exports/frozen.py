"""Published means frozen: each publication of a table is kept as a `Publication` version.

`freeze_table` runs inside the publishing transaction, right after the state change: it keeps
the table's layout as built now (`layouts.document.document_to_json`) and its snapshot
(`targets.snapshots.serialize_table`). Everything public is built from these records: the
portal pages, the stored PDF/Excel files (`frozen_table_book`, `frozen_unit_book`), search,
feeds and open data. A department table's 项目支出情况 lists only the unit's project tables
that are public at that moment (their own frozen lines), never a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from budgetapp.layouts import document_for
from budgetapp.layouts.document import Document, document_from_json, document_to_json
from budgetapp.targets.models import ProjectTable, TargetTable
from budgetapp.targets.snapshots import serialize_table
from budgetapp.units.models import BudgetYear, Unit

from .book import DEPARTMENT_PART, PROJECT_PART, Book, BookEntry, Part, safe_filename
from .models import Publication


@dataclass(frozen=True)
class ProjectLine:
    """One line of a department table's 项目支出情况 list, as a project was published."""

    pk: int
    name: str
    total_budget: Decimal | None
    budget_total: Decimal | None
    fund_use: str

    def to_json(self) -> dict:
        return {
            "id": self.pk,
            "name": self.name,
            "total_budget": _text(self.total_budget),
            "budget_total": _text(self.budget_total),
            "fund_use": self.fund_use,
        }

    @classmethod
    def from_json(cls, data: dict) -> ProjectLine:
        return cls(
            pk=data["id"],
            name=data["name"],
            total_budget=_decimal(data["total_budget"]),
            budget_total=_decimal(data["budget_total"]),
            fund_use=data["fund_use"],
        )


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value else None


def public_project_lines(unit: Unit, year: BudgetYear) -> list[ProjectLine]:
    """The 项目支出情况 lines of the unit's project tables public now, from their versions."""
    publications = (
        Publication.objects.current()
        .filter(unit=unit, year=year, kind="project")
        .order_by("sequence", "object_id")
    )
    return [ProjectLine.from_json(p.data["line"]) for p in publications]


def _label(table: TargetTable) -> str:
    if isinstance(table, ProjectTable):
        return f"{table.sequence}.{table.name}" if table.sequence else table.name
    return "部门整体绩效目标"


SEARCHED_FIELDS = ("project_name", "project_code", "unit_name", "region_names", "title")


def search_text(fields: dict) -> str:
    """What the portal's search looks in: the searched fields, lower-cased, one per line (a
    query cannot match across two of them)."""
    return "\n".join(str(fields.get(name, "")) for name in SEARCHED_FIELDS).lower()


def frozen_values(table: TargetTable, *, projects: list[ProjectLine] | None = None) -> dict:
    """What a version of `table` freezes, as `Publication` field values (without its number,
    publisher and time): the layout as JSON, the snapshot and the fields search reads. A
    department table lists `projects` (项目支出情况), by default the unit's project tables
    public now. Also used by `demo.national_publish` to write versions in bulk."""
    data = serialize_table(table)
    fields: dict = {}
    if isinstance(table, ProjectTable):
        data["line"] = ProjectLine(
            table.pk, table.name, table.total_budget, table.budget_total, table.fund_use
        ).to_json()
        document = document_for(table)
        fields = {"project_code": table.code, "project_name": table.name}
    else:
        lines = public_project_lines(table.unit, table.year) if projects is None else projects
        data["projects"] = [line.to_json() for line in lines]
        document = document_for(table, projects=lines)
    values = {
        "kind": table.kind,
        "title": table.title,
        "label": _label(table),
        "sequence": getattr(table, "sequence", 0),
        "unit_code": table.unit.code,
        "unit_name": table.unit.name,
        "region_names": " ".join(region.name for region in table.unit.region.ancestors()),
        "document": document_to_json(document),
        "data": data,
        **fields,
    }
    values["search_text"] = search_text(values)
    return values


def freeze_table(
    *, table: TargetTable, user: User | None, correction_note: str = "", backfilled: bool = False
) -> Publication:
    """Keep what `table` is now as its next published version (the caller holds its lock)."""
    content_type = ContentType.objects.get_for_model(table)
    previous = Publication.objects.filter(content_type=content_type, object_id=table.pk)
    return Publication.objects.create(
        content_type=content_type,
        object_id=table.pk,
        unit=table.unit,
        year=table.year,
        number=previous.count() + 1,
        published_at=timezone.now(),
        published_by=user,
        correction_note=correction_note,
        backfilled=backfilled,
        **frozen_values(table),
    )


def frozen_document(publication: Publication) -> Document:
    return document_from_json(publication.document)


def frozen_table_book(publication: Publication) -> Book:
    """One published version as a book of one table (what its stored files print)."""
    stem = publication.title if publication.kind != "department" else "部门整体绩效目标"
    return Book(
        title=publication.title,
        author=publication.unit_name,
        filename=safe_filename(f"{publication.unit_name}_{publication.year.year}_{stem}"),
        parts=[
            Part(
                heading="",
                entries=[BookEntry(label=publication.label, document=frozen_document(publication))],
            )
        ],
    )


def frozen_unit_book(unit: Unit, year: BudgetYear) -> Book:
    """The unit's book of the year from the current version of each published table."""
    publications = list(
        Publication.objects.current().filter(unit=unit, year=year).order_by("sequence", "object_id")
    )
    department = [p for p in publications if p.kind == "department"]
    projects = [p for p in publications if p.kind == "project"]
    parts = []
    for heading, chosen in ((DEPARTMENT_PART, department), (PROJECT_PART, projects)):
        if chosen:
            entries = [BookEntry(label=p.label, document=frozen_document(p)) for p in chosen]
            parts.append(Part(heading=heading, entries=entries))
    return Book(
        title=f"{unit.name}{year.year}年绩效目标",
        author=unit.name,
        filename=safe_filename(f"{unit.name}_{year.year}_绩效目标"),
        parts=parts,
    )
