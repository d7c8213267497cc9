"""A unit's monitoring sheets of a year as one book (执行监控表全本), through the exports' books.

One part per monitoring round the unit's sheets belong to (a year usually has one, 1–6月 or
1–7月; a province's round beside a city's would be a second), the sheets in the order of the
project tables. Monitoring sheets are not published (docs/monitoring.md), so the book always
carries the draft mark, as a single sheet's file does.

`MONITORING_STAGE` is what exports' downloads of a single sheet need of this stage.
"""

from __future__ import annotations

from itertools import groupby

from budgetapp.exports.book import Book, BookEntry, Part, safe_filename
from budgetapp.exports.models import BookContents
from budgetapp.exports.registry import BookKind, StageKind
from budgetapp.targets.models import Status
from budgetapp.units.models import Unit

from .access import get_sheet_for_user
from .layout import monitoring_document
from .models import MonitoringSheet

MONITORING_PART = "项目支出绩效目标执行监控表"


def unit_sheets(unit: Unit, year: int) -> list[MonitoringSheet]:
    """The unit's sheets of a year: by round (earlier cut-off first), then by table."""
    return list(
        MonitoringSheet.objects.filter(unit=unit, round__year__year=year)
        .select_related("round__year", "round__region", "table", "unit")
        .prefetch_related("rows")
        .order_by("round__cutoff_month", "round__region__path", "table__sequence", "pk")
    )


def sheet_count(unit: Unit, year: int) -> int:
    return MonitoringSheet.objects.filter(unit=unit, round__year__year=year).count()


def sheet_entry(sheet: MonitoringSheet) -> BookEntry:
    table = sheet.table
    name = f"{table.sequence}.{table.name}" if table.sequence else table.name
    return BookEntry(label=f"监控{name}", document=monitoring_document(sheet))


def monitoring_parts(sheets: list[MonitoringSheet], *, prefix: str = "") -> list[Part]:
    """One part per round, headed `执行监控表（1–7月）`; `prefix` numbers it in a larger book
    (`第三部分 `)."""
    parts = []
    for _, group in groupby(sheets, key=lambda sheet: sheet.round_id):
        in_round = list(group)
        period = in_round[0].round.period_label
        parts.append(
            Part(
                heading=f"{prefix}{MONITORING_PART}（{period}）",
                entries=[sheet_entry(sheet) for sheet in in_round],
            )
        )
    return parts


def is_draft(sheet: MonitoringSheet) -> bool:
    return sheet.status != Status.PUBLISHED


def monitoring_book(unit: Unit, year: int) -> Book:
    sheets = unit_sheets(unit, year)
    draft = any(is_draft(sheet) for sheet in sheets)
    return Book(
        title=f"{unit.name}{year}年项目支出绩效目标执行监控表",
        author=unit.name,
        filename=safe_filename(f"{unit.name}_{year}_执行监控表", draft=draft),
        parts=monitoring_parts(sheets),
        draft=draft,
    )


MONITORING_BOOK = BookKind(
    BookContents.MONITORING, monitoring_book, sheet_count, "此单位本年度没有执行监控表。"
)

MONITORING_STAGE = StageKind(
    name="monitoring",
    model=MonitoringSheet,
    get_for_user=get_sheet_for_user,
    document=monitoring_document,
    year=lambda sheet: sheet.round.year.year,
)
