"""The exporter interface: an exporter takes a book and returns (filename, mimetype, bytes).

`EXPORTERS` maps the format names used in URLs and on the command line to exporters; adding a
format is one function and one entry here.

`BOOKS` maps what a unit's book holds (`models.BookContents`) to how it is built and counted.
The target tables' book is built here; the later stages' books are registered by the apps that
own the stages (monitoring, evaluation: their `AppConfig.ready`), which build on exports, so the
book downloads, the background printing and the job pages stay one path for every kind.

`STAGES` maps the later stages (运行监控, 绩效自评) to what the downloads of one sheet need of
them, and how a stage publishes one (`stages.py`); the same apps register them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.layouts.document import Document
from budgetapp.targets.models import TargetTable
from budgetapp.units.models import Unit

from .book import Book, table_book, table_count, unit_book
from .models import BookContents
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


@dataclass(frozen=True)
class BookKind:
    """How a kind of unit book is built (`build(unit, year)`) and how many tables it would hold
    (`count(unit, year)`: decides between printing in the request and a background task, and
    refuses an empty book with `empty`)."""

    contents: BookContents
    build: Callable[[Unit, int], Book]
    count: Callable[[Unit, int], int]
    empty: str


BOOKS: dict[str, BookKind] = {
    BookContents.TARGETS: BookKind(
        BookContents.TARGETS, unit_book, table_count, "此单位本年度没有绩效目标表。"
    ),
}


def register_book(kind: BookKind) -> None:
    """Offer a kind of unit book (called from an app's `ready`)."""
    BOOKS[str(kind.contents)] = kind


@dataclass(frozen=True)
class StageKind:
    """A later stage's sheets, as their downloads (`stages.stage_export`) and publishing
    (`stages.stage_publish`) need them: `get_for_user(user, pk)` is the stage's access helper
    (404 outside the user's units), `document(sheet)` its official layout, `year(sheet)` its
    budget year, and `publish(sheet=, user=, ip=)` its publishing service, if it publishes."""

    name: str
    model: type[Model]
    get_for_user: Callable[[Any, int], Any]
    document: Callable[[Any], Document]
    year: Callable[[Any], int]
    publish: Callable[..., object] | None = None


STAGES: dict[str, StageKind] = {}


def register_stage(kind: StageKind) -> None:
    """Offer a later stage's downloads and publishing (called from an app's `ready`)."""
    STAGES[kind.name] = kind


def stage_of(sheet: Model) -> StageKind:
    """The registered stage whose sheet `sheet` is."""
    for kind in STAGES.values():
        if isinstance(sheet, kind.model):
            return kind
    raise LookupError(f"not a registered stage's sheet: {type(sheet).__name__}")


def attachment(export: Export) -> HttpResponse:
    """An attachment named as RFC 6266 asks (`filename*=utf-8''…` for Chinese names)."""
    response = HttpResponse(export.content, content_type=export.mimetype)
    # Django types the header as `str | None` (None only for an inline file without a name);
    # an attachment always gets one, a nameless one Django's own bare "attachment".
    response["Content-Disposition"] = (
        content_disposition_header(True, export.filename) or "attachment"
    )
    return response


def recorded_download(
    request: HttpRequest, export: Export, *, obj: Model, draft: bool, details: dict[str, Any]
) -> HttpResponse:
    """The file as an attachment, its download in the audit log: a draft's (a file holding
    anything not yet published) as such. `details` go into the record with the file name."""
    record(
        kind=EventKind.DRAFT_DOWNLOAD if draft else EventKind.EXPORT_DOWNLOAD,
        request=request,
        obj=obj,
        details={**details, "filename": export.filename},
    )
    return attachment(export)


def export_table(table: TargetTable, fmt: str) -> Export:
    """One table in format `fmt` (a key of EXPORTERS)."""
    return EXPORTERS[fmt](table_book(table))


def export_unit_book(unit: Unit, year: int, fmt: str, contents: str = "targets") -> Export:
    """A unit's book for a budget year: by default 部门整体绩效目标, then the numbered project
    tables; `contents` names another kind of book (a key of BOOKS)."""
    return EXPORTERS[fmt](BOOKS[contents].build(unit, year))
