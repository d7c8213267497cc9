"""The city summary of a monitoring round (执行监控汇总表), as layout descriptions.

What the round page shows, on paper and in Excel: every sheet of the round as a line of units ×
projects (年初预算数, 1–N月执行数, 执行率 against the plan's 计划支出进度, 全年预计执行数, the
project's light and how many of its indicators are 黄 or 红, the state, 逾期), a 小计 per unit
and a 合计; then one line per unit counting its sheets by light and by state, and the overdue
ones. Two documents, so the PDF prints two parts and the workbook has two worksheets, like the
targets' city summary (明细, 单位汇总). Money is in 万元 whatever unit a sheet was filed in.

Monitoring sheets are never published, so the file carries the draft mark: it is the city's
working paper, not a public document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from budgetapp.exports.book import Book, BookEntry, Part, safe_filename
from budgetapp.layouts.cells import integer, label, money, percent, text
from budgetapp.layouts.document import Caption, Cell, Document, Grid, Heading, Paragraph
from budgetapp.targets.models import Status
from budgetapp.targets.money import in_wan
from budgetapp.units.models import Unit

from .lights import Light, execution_rate, planned_share
from .models import MonitoringRound, MonitoringSheet

DETAIL_WIDTHS = [4, 12, 16, 9, 9, 7, 7, 9, 5, 5, 5, 8]
UNIT_WIDTHS = [4, 20, 7, 6, 6, 6, 6, 7, 7, 7]
LIGHTS = [Light.GREEN, Light.AMBER, Light.RED, Light.NONE]
NOTE = (
    "金额单位：万元（以元填报的表已折算为万元）。亮灯取执行进度和各指标中最差者；"
    "黄灯指标、红灯指标为该项目亮黄灯、红灯的指标个数。逾期：报送截止日期已过仍未提交。"
)


def wan(amount: Decimal | None, money_unit: str) -> Decimal | None:
    return None if amount is None else in_wan(amount, money_unit)


@dataclass
class SheetLine:
    """One sheet's figures in 万元, as the summary prints them."""

    sheet: MonitoringSheet
    budget: Decimal | None
    spent: Decimal | None
    projected: Decimal | None
    rate: Decimal | None
    planned: Decimal | None
    amber: int
    red: int
    overdue: bool


@dataclass
class UnitLines:
    unit: Unit
    lines: list[SheetLine] = field(default_factory=list)

    def total(self, attribute: str) -> Decimal:
        return sum((getattr(line, attribute) or Decimal(0) for line in self.lines), Decimal(0))

    def lights(self, light: str) -> int:
        return sum(1 for line in self.lines if line.sheet.light == light)

    def states(self, *states: str) -> int:
        return sum(1 for line in self.lines if line.sheet.status in states)

    def overdue(self) -> int:
        return sum(1 for line in self.lines if line.overdue)


def round_sheets(round_: MonitoringRound) -> list[MonitoringSheet]:
    return list(
        round_.sheets.select_related("table", "unit__region")
        .prefetch_related("rows")
        .order_by("unit__region__path", "unit__name", "unit_id", "table__sequence", "pk")
    )


def collect(round_: MonitoringRound, sheets: list[MonitoringSheet]) -> list[UnitLines]:
    late = timezone.localdate() > round_.due_date
    units: dict[int, UnitLines] = {}
    for sheet in sheets:
        rows = list(sheet.rows.all())
        unit = units.setdefault(sheet.unit_id, UnitLines(sheet.unit))
        unit.lines.append(
            SheetLine(
                sheet=sheet,
                budget=wan(sheet.budget, sheet.money_unit),
                spent=wan(sheet.spent, sheet.money_unit),
                projected=wan(sheet.projected_spend, sheet.money_unit),
                rate=execution_rate(sheet.spent, sheet.budget),
                planned=planned_share(sheet.table.spending_plan, round_.cutoff_month),
                amber=sum(1 for row in rows if row.light == Light.AMBER),
                red=sum(1 for row in rows if row.light == Light.RED),
                overdue=late and sheet.status in Status.editable(),
            )
        )
    return list(units.values())


def _state(line: SheetLine) -> str:
    state = line.sheet.get_status_display()
    return f"{state}（逾期）" if line.overdue else state


def detail_document(
    title: str, caption: Caption, units: list[UnitLines], period: str, note: str = NOTE
) -> Document:
    grid = Grid(widths=DETAIL_WIDTHS, header_rows=1)
    grid.add(
        *(
            label(name, header=True)
            for name in (
                "序号",
                "单位",
                "项目名称",
                "年初预算数",
                f"{period}执行数",
                "执行率",
                "计划支出进度",
                "全年预计执行数",
                "亮灯",
                "黄灯指标",
                "红灯指标",
                "状态",
            )
        )
    )
    number = 0
    for unit in units:
        for i, line in enumerate(unit.lines):
            number += 1
            cells = [integer(number)]
            if i == 0:
                cells.append(text(unit.unit.name, rowspan=len(unit.lines) + 1))
            cells += [
                text(line.sheet.table.name),
                money(line.budget),
                money(line.spent),
                percent(line.rate),
                percent(line.planned),
                money(line.projected),
                text(Light.LABELS.get(line.sheet.light, ""), align="center"),
                integer(line.amber),
                integer(line.red),
                text(_state(line), align="center"),
            ]
            grid.add(*cells)
        grid.add(*_totals([text(""), label("小计")], [unit]))
    grid.add(*_totals([label("合计", colspan=3)], units))
    return Document(
        title=f"{title}（明细）", blocks=[Heading(title, level=2), caption, Paragraph(note), grid]
    )


def _totals(lead: list[Cell], units: list[UnitLines]) -> list[Cell]:
    """A 小计 or 合计 line: `lead` (the caption cells), then the sums of `units`."""
    budget = sum((unit.total("budget") for unit in units), Decimal(0))
    spent = sum((unit.total("spent") for unit in units), Decimal(0))
    projected = sum((unit.total("projected") for unit in units), Decimal(0))
    amber = sum(line.amber for unit in units for line in unit.lines)
    red = sum(line.red for unit in units for line in unit.lines)
    overdue = sum(unit.overdue() for unit in units)
    return lead + [
        money(budget),
        money(spent),
        percent(execution_rate(spent, budget)),
        text(""),
        money(projected),
        text(""),
        integer(amber),
        integer(red),
        text(f"逾期 {overdue} 张" if overdue else "", align="center"),
    ]


def units_document(title: str, caption: Caption, units: list[UnitLines]) -> Document:
    grid = Grid(widths=UNIT_WIDTHS, header_rows=1)
    headers = ["序号", "单位", "监控表数", *(f"{Light.LABELS[k]}灯" for k in LIGHTS[:3]), "未填"]
    grid.add(*(label(name, header=True) for name in [*headers, "已提交", "审核通过", "逾期未报"]))

    def counts(group: list[UnitLines]) -> list[int]:
        return [
            sum(len(unit.lines) for unit in group),
            *(sum(unit.lights(light) for unit in group) for light in LIGHTS),
            sum(unit.states(Status.SUBMITTED) for unit in group),
            sum(unit.states(Status.APPROVED, Status.PUBLISHED) for unit in group),
            sum(unit.overdue() for unit in group),
        ]

    for number, unit in enumerate(units, 1):
        grid.add(integer(number), text(unit.unit.name), *(integer(n) for n in counts([unit])))
    grid.add(label("合计", colspan=2), *(integer(n) for n in counts(units)))
    return Document(title=f"{title}（单位汇总）", blocks=[Heading(title, level=2), caption, grid])


def round_summary_book(round_: MonitoringRound) -> Book:
    """The summary of a round: 明细 and 单位汇总, as one book for the exporters."""
    sheets = round_sheets(round_)
    units = collect(round_, sheets)
    period = round_.period_label
    title = f"{round_.region.name}{round_.year.year}年项目支出绩效目标执行监控汇总表（{period}）"
    caption = Caption(
        left=f"截至{period}末 · 报送截止 {round_.due_date:%Y-%m-%d}", right="金额单位：万元"
    )
    draft = any(sheet.status != Status.PUBLISHED for sheet in sheets)
    return Book(
        title=title,
        author=round_.region.name,
        filename=safe_filename(
            f"{round_.region.name}_{round_.year.year}_执行监控汇总_{period}", draft=draft
        ),
        parts=[
            Part(
                heading="",
                entries=[
                    BookEntry(
                        "明细",
                        # The round's own thresholds: the file says by which rules it was lit.
                        detail_document(
                            title, caption, units, period, NOTE + round_.light_rules.describe()
                        ),
                    ),
                    BookEntry("单位汇总", units_document(title, caption, units)),
                ],
            )
        ],
        draft=draft,
    )
