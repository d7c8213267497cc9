"""A unit's self-evaluations of a year as one book (绩效自评表全本), and the whole year's book.

Two kinds of unit book, beside the target tables' (exports/book.py) and the monitoring sheets'
(monitoring/books.py), each offered as its own download (`exports.models.BookContents`):

- 绩效自评表全本: the year's 项目支出绩效自评表 in the order of the project tables, the file that
  goes with the final accounts (决算公开). A draft unless every one is published.
- 全年合订本: the year's whole performance file in the order the work is done — 第一部分 部门整体
  绩效目标, 第二部分 预算项目绩效目标 (as the target book prints them), then the monitoring
  sheets of each round and the self-evaluations, numbered on (第三部分 …). What a clerk files in
  the year's archive or hands to an auditor; a draft while anything in it is.

Separate kinds rather than one book with tick boxes: each stage is handed in at its own time of
the year (targets with the budget, monitoring in summer, self-evaluations with the accounts), so
the file a clerk needs is one stage's, or everything at the end of the year.

`EVALUATION_STAGE` is what exports' downloads of a single self-evaluation and its publishing
need of this stage (`publishing.py`).
"""

from __future__ import annotations

from budgetapp.exports.book import Book, BookEntry, Part, safe_filename, table_count, unit_book
from budgetapp.exports.models import BookContents
from budgetapp.exports.registry import BookKind, StageKind
from budgetapp.monitoring.books import is_draft as sheet_is_draft
from budgetapp.monitoring.books import monitoring_parts, sheet_count, unit_sheets
from budgetapp.targets.models import Status
from budgetapp.units.models import Unit

from . import publishing
from .access import get_evaluation_for_user
from .layout import evaluation_document
from .models import SelfEvaluation

EVALUATION_PART = "项目支出绩效自评表"
# Parts of the whole year's book after the target book's 第一部分 and 第二部分.
ORDINALS = "三四五六七八九十"


def unit_evaluations(unit: Unit, year: int) -> list[SelfEvaluation]:
    return list(
        SelfEvaluation.objects.filter(unit=unit, year__year=year)
        .select_related("table", "unit__region", "year")
        .prefetch_related("rows")
        .order_by("table__sequence", "pk")
    )


def evaluation_count(unit: Unit, year: int) -> int:
    return SelfEvaluation.objects.filter(unit=unit, year__year=year).count()


def evaluation_entry(evaluation: SelfEvaluation) -> BookEntry:
    table = evaluation.table
    name = f"{table.sequence}.{table.name}" if table.sequence else table.name
    return BookEntry(label=f"自评{name}", document=evaluation_document(evaluation))


def is_draft(evaluation: SelfEvaluation) -> bool:
    return evaluation.status != Status.PUBLISHED


def evaluation_book(unit: Unit, year: int) -> Book:
    evaluations = unit_evaluations(unit, year)
    draft = any(is_draft(evaluation) for evaluation in evaluations)
    return Book(
        title=f"{unit.name}{year}年项目支出绩效自评表",
        author=unit.name,
        filename=safe_filename(f"{unit.name}_{year}_绩效自评表", draft=draft),
        parts=[Part(heading=EVALUATION_PART, entries=[evaluation_entry(e) for e in evaluations])],
        draft=draft,
    )


def year_book(unit: Unit, year: int) -> Book:
    """Targets, monitoring and self-evaluation of a unit's year, in that order."""
    targets = unit_book(unit, year)
    sheets = unit_sheets(unit, year)
    evaluations = unit_evaluations(unit, year)
    stage_parts = monitoring_parts(sheets)
    if evaluations:
        stage_parts.append(
            Part(heading=EVALUATION_PART, entries=[evaluation_entry(e) for e in evaluations])
        )
    numbered = [
        Part(
            heading=f"第{ORDINALS[min(i, len(ORDINALS) - 1)]}部分 {part.heading}",
            entries=part.entries,
        )
        for i, part in enumerate(stage_parts)
    ]
    draft = (
        targets.draft
        or any(sheet_is_draft(sheet) for sheet in sheets)
        or any(is_draft(evaluation) for evaluation in evaluations)
    )
    return Book(
        title=f"{unit.name}{year}年预算绩效管理全年合订本",
        author=unit.name,
        filename=safe_filename(f"{unit.name}_{year}_全年合订本", draft=draft),
        parts=targets.parts + numbered,
        draft=draft,
    )


def year_count(unit: Unit, year: int) -> int:
    return table_count(unit, year) + sheet_count(unit, year) + evaluation_count(unit, year)


EVALUATION_BOOK = BookKind(
    BookContents.EVALUATION, evaluation_book, evaluation_count, "此单位本年度没有绩效自评表。"
)
YEAR_BOOK = BookKind(BookContents.YEAR, year_book, year_count, "此单位本年度没有可导出的表。")
EVALUATION_STAGE = StageKind(
    name="evaluation",
    model=SelfEvaluation,
    get_for_user=get_evaluation_for_user,
    document=evaluation_document,
    year=lambda evaluation: evaluation.year.year,
    publish=publishing.publish,
)
