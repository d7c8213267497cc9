"""The city summary of the year's self-evaluations (绩效自评汇总表), as layout descriptions.

明细: units × projects with 年初预算数, 全年预算数, 全年执行数, 执行率, 总分, 等级 and the
state, a 小计 per unit (amounts summed, 执行率 of the sums, the average score) and a 合计.
单位汇总: per unit, the projects due a self-evaluation (approved or published target tables of
the year), how many are started, by grade, approved and published, and the average score, so a
reviewer sees who has not started. Two documents: two PDF parts, two worksheets. Money in 万元.

A draft (the mark on every page and in the name) unless every self-evaluation in it is
published, as for the unit books.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from budgetapp.exports.book import Book, BookEntry, Part, safe_filename
from budgetapp.layouts.cells import integer, label, money, text
from budgetapp.layouts.document import Caption, Cell, CellFormat, Document, Grid, Heading, Paragraph
from budgetapp.targets.models import ProjectTable, Status
from budgetapp.targets.money import in_wan
from budgetapp.units.models import BudgetYear, Unit

from .models import SelfEvaluation
from .scoring import GradeLevel
from .services import EVALUATED_STATES

GRADES = [GradeLevel.EXCELLENT, GradeLevel.GOOD, GradeLevel.FAIR, GradeLevel.POOR]
DETAIL_WIDTHS = [4, 13, 18, 9, 9, 9, 7, 6, 5, 8]
UNIT_WIDTHS = [4, 20, 7, 7, 5, 5, 5, 5, 7, 6, 7]
NOTE = (
    "金额单位：万元（以元填报的表已折算为万元）。执行率为全年执行数占全年预算数的比例；"
    "小计、合计的总分为平均分。应自评项目为本年度审核通过或已公开的项目支出绩效目标表。"
)


def _number(value: Decimal | None) -> Cell:
    shown = "" if value is None else f"{value.normalize():f}"
    return Cell(shown, number=value, fmt=CellFormat.TEXT, align="center")


def _rate(executed: Decimal, budget: Decimal) -> Cell:
    if not budget:
        return Cell("", align="center")
    value = (executed * 100 / budget).quantize(Decimal("0.01"))
    return Cell(f"{value:.2f}%", number=value, fmt=CellFormat.PERCENT, align="center")


@dataclass
class UnitEvaluations:
    unit: Unit
    due: int = 0  # approved or published project tables of the year
    evaluations: list[SelfEvaluation] = field(default_factory=list)

    def average(self) -> Decimal | None:
        return average(self.evaluations)


def average(evaluations: list[SelfEvaluation]) -> Decimal | None:
    if not evaluations:
        return None
    total = sum((e.total_score for e in evaluations), Decimal(0))
    return (total / len(evaluations)).quantize(Decimal("0.01"))


def collect(units: list[Unit], year: BudgetYear) -> list[UnitEvaluations]:
    """Every unit with a self-evaluation or a project due one, in the order given."""
    due = dict(
        ProjectTable.objects.filter(unit__in=units, year=year, status__in=EVALUATED_STATES)
        .values_list("unit_id")
        .annotate(count=Count("pk"))
    )
    found: dict[int, UnitEvaluations] = {
        unit.pk: UnitEvaluations(unit, due.get(unit.pk, 0)) for unit in units
    }
    for evaluation in (
        SelfEvaluation.objects.filter(unit__in=units, year=year)
        .select_related("table")
        .order_by("table__sequence", "pk")
    ):
        found[evaluation.unit_id].evaluations.append(evaluation)
    return [entry for entry in found.values() if entry.due or entry.evaluations]


def total(evaluations: list[SelfEvaluation], attribute: str) -> Decimal:
    """The sum of an amount of the self-evaluations, in 万元."""
    return sum((in_wan(getattr(e, attribute), e.money_unit) for e in evaluations), Decimal(0))


def _money_cells(evaluations: list[SelfEvaluation]) -> list[Cell]:
    initial, full_year, executed = (
        total(evaluations, name) for name in ("total_initial", "total_full_year", "total_executed")
    )
    return [money(initial), money(full_year), money(executed), _rate(executed, full_year)]


def _average_cells(evaluations: list[SelfEvaluation]) -> list[Cell]:
    """总分 (the average of a 小计 or 合计), then 等级 and 状态 left empty."""
    return [_number(average(evaluations)), text(""), text("")]


def detail_document(title: str, caption: Caption, units: list[UnitEvaluations]) -> Document:
    grid = Grid(widths=DETAIL_WIDTHS, header_rows=1)
    headers = ["序号", "单位", "项目名称", "年初预算数", "全年预算数", "全年执行数", "执行率"]
    grid.add(*(label(name, header=True) for name in [*headers, "总分", "等级", "状态"]))
    number = 0
    for unit in units:
        rows = unit.evaluations
        if not rows:
            continue
        for i, evaluation in enumerate(rows):
            number += 1
            cells = [integer(number)]
            if i == 0:
                cells.append(text(unit.unit.name, rowspan=len(rows) + 1))
            grid.add(
                *cells,
                text(evaluation.table.name),
                *_money_cells([evaluation]),
                _number(evaluation.total_score),
                text(evaluation.grade, align="center"),
                text(evaluation.get_status_display(), align="center"),
            )
        grid.add(text(""), label("小计"), *_money_cells(rows), *_average_cells(rows))
    everything = [e for unit in units for e in unit.evaluations]
    grid.add(label("合计", colspan=3), *_money_cells(everything), *_average_cells(everything))
    return Document(
        title=f"{title}（明细）", blocks=[Heading(title, level=2), caption, Paragraph(NOTE), grid]
    )


def units_document(title: str, caption: Caption, units: list[UnitEvaluations]) -> Document:
    grid = Grid(widths=UNIT_WIDTHS, header_rows=1)
    headers = ["序号", "单位", "应自评项目", "已开始自评", *GRADES, "审核通过", "已公开"]
    grid.add(*(label(name, header=True) for name in [*headers, "平均分"]))

    def counts(group: list[UnitEvaluations]) -> list[int]:
        evaluations = [e for unit in group for e in unit.evaluations]
        return [
            sum(unit.due for unit in group),
            len(evaluations),
            *(sum(1 for e in evaluations if e.grade == grade) for grade in GRADES),
            sum(1 for e in evaluations if e.status == Status.APPROVED),
            sum(1 for e in evaluations if e.status == Status.PUBLISHED),
        ]

    for number, unit in enumerate(units, 1):
        grid.add(
            integer(number),
            text(unit.unit.name),
            *(integer(n) for n in counts([unit])),
            _number(unit.average()),
        )
    everything = [e for unit in units for e in unit.evaluations]
    grid.add(
        label("合计", colspan=2), *(integer(n) for n in counts(units)), _number(average(everything))
    )
    return Document(title=f"{title}（单位汇总）", blocks=[Heading(title, level=2), caption, grid])


def evaluation_summary_book(*, units: list[Unit], year: BudgetYear, scope: str) -> Book:
    """The self-evaluations of `units` for a year; `scope` names them in the title (a city)."""
    found = collect(units, year)
    title = f"{scope}{year.year}年项目支出绩效自评汇总表"
    caption = Caption(left=f"（{year.year}年度）", right="金额单位：万元")
    draft = any(e.status != Status.PUBLISHED for unit in found for e in unit.evaluations)
    return Book(
        title=title,
        author=scope,
        filename=safe_filename(f"{scope}_{year.year}_绩效自评汇总", draft=draft),
        parts=[
            Part(
                heading="",
                entries=[
                    BookEntry("明细", detail_document(title, caption, found)),
                    BookEntry("单位汇总", units_document(title, caption, found)),
                ],
            )
        ],
        draft=draft,
    )
