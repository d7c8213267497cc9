"""A reviewer's city summary workbook: every unit, its tables, their states and 预算数.

Two worksheets: 明细 (one row per table, a 小计 per unit and a 合计) and 单位汇总 (one row per
unit: tables by state and the unit's total). Money is converted to 万元 whatever unit a table
was filed in, and written as numbers; totals are numbers computed here, so they show in any
viewer, including those that do not recalculate formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgetapp.core.text import clean_text
from budgetapp.targets.models import ProjectTable, Status, TargetTable
from budgetapp.targets.money import in_wan
from budgetapp.targets.selectors import tables_by_unit
from budgetapp.units.models import BudgetYear, Unit

from .book import safe_filename
from .registry import Export
from .xlsx import LINE_HEIGHT, wrapped_lines

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
NOTE = (
    "金额单位：万元（以元填报的表已折算为万元）。预算数为项目支出绩效目标表的预算数，"
    "部门整体绩效目标不计入合计。"
)
DETAIL_HEADERS = [
    ("序号", 6),
    ("单位编码", 10),
    ("单位名称", 28),
    ("所属区划", 10),
    ("表格", 36),
    ("项目编码", 24),
    ("状态", 9),
    ("金额单位", 9),
    ("预算数", 14),
    ("其中：财政资金", 14),
    ("其他资金", 14),
    ("原表金额单位", 11),
]
STATES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.PUBLISHED]
UNIT_HEADERS = [
    ("序号", 6),
    ("单位编码", 10),
    ("单位名称", 28),
    ("所属区划", 10),
    ("表格数", 8),
    *[(state.label, 9) for state in STATES],
    ("项目预算数（万元）", 16),
]
# Text starting with one of these would run as a formula when the cell is edited in Excel/WPS.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
BOLD = Font(name="SimSun", size=10.5, bold=True)
BODY = Font(name="SimSun", size=10.5)
TITLE = Font(name="SimSun", size=16, bold=True)
WRAPPED = Alignment(vertical="center", wrap_text=True)


def to_wan(amount: Decimal | None, money_unit: str) -> Decimal:
    """An amount of the summary, in 万元 (an empty one counts 0)."""
    return Decimal("0") if amount is None else in_wan(amount, money_unit)


@dataclass
class UnitSummary:
    unit: Unit
    tables: list[TargetTable] = field(default_factory=list)

    def projects(self) -> list[ProjectTable]:
        return [t for t in self.tables if isinstance(t, ProjectTable)]

    def total(self, attribute: str = "budget_total") -> Decimal:
        return sum(
            (to_wan(getattr(t, attribute), t.money_unit) for t in self.projects()), Decimal("0")
        )

    def count(self, status: str) -> int:
        return sum(1 for t in self.tables if t.status == status)


def collect(units: list[Unit], year: BudgetYear) -> list[UnitSummary]:
    tables = tables_by_unit(units, year)
    return [UnitSummary(unit, tables[unit.pk]) for unit in units]


def city_summary(*, units: list[Unit], year: BudgetYear, scope: str) -> Export:
    """The summary of `units` for a budget year; `scope` names them in the title (a city)."""
    summaries = collect(units, year)
    title = f"{scope}{year.year}年预算绩效目标汇总表"
    workbook = Workbook()
    detail = workbook.active
    detail.title = "明细"
    _write_detail(detail, title, summaries)
    _write_units(workbook.create_sheet("单位汇总"), title, summaries)
    workbook.properties.title = title
    workbook.properties.language = "zh-CN"
    buffer = BytesIO()
    workbook.save(buffer)
    filename = safe_filename(f"{scope}_{year.year}_绩效目标汇总")
    return Export(f"{filename}.xlsx", MIMETYPE, buffer.getvalue())


def _write_detail(ws: Worksheet, title: str, summaries: list[UnitSummary]) -> None:
    row = _heading(ws, title, DETAIL_HEADERS)
    totals = [Decimal("0")] * 3
    number = 0
    for summary in summaries:
        unit = summary.unit
        if not summary.tables:
            number += 1
            _line(ws, row, [number, unit.code, unit.name, unit.region.name, "（未填报）"])
            row += 1
            continue
        for table in summary.tables:
            number += 1
            values: list = [number, unit.code, unit.name, unit.region.name]
            if isinstance(table, ProjectTable):
                values += [table.title, table.code, table.get_status_display(), "万元"]
                values += [
                    to_wan(table.budget_total, table.money_unit),
                    to_wan(table.budget_fiscal, table.money_unit),
                    to_wan(table.budget_other, table.money_unit),
                    table.money_unit,
                ]
            else:
                values += ["部门整体绩效目标", "", table.get_status_display()]
            _line(ws, row, values)
            row += 1
        unit_totals = [
            summary.total("budget_total"),
            summary.total("budget_fiscal"),
            summary.total("budget_other"),
        ]
        totals = [a + b for a, b in zip(totals, unit_totals, strict=True)]
        _line(ws, row, ["", "", unit.name, "", "小计", "", "", "万元", *unit_totals], bold=True)
        row += 1
    _line(ws, row, ["", "", "", "", "合计", "", "", "万元", *totals], bold=True)
    _finish(ws, row, len(DETAIL_HEADERS))


def _write_units(ws: Worksheet, title: str, summaries: list[UnitSummary]) -> None:
    row = _heading(ws, title, UNIT_HEADERS)
    counts = [0] * (len(STATES) + 1)
    total = Decimal("0")
    for number, summary in enumerate(summaries, 1):
        unit = summary.unit
        unit_counts = [len(summary.tables), *[summary.count(state) for state in STATES]]
        counts = [a + b for a, b in zip(counts, unit_counts, strict=True)]
        total += summary.total()
        _line(
            ws, row, [number, unit.code, unit.name, unit.region.name, *unit_counts, summary.total()]
        )
        row += 1
    _line(ws, row, ["", "", "合计", "", *counts, total], bold=True)
    _finish(ws, row, len(UNIT_HEADERS))


def _heading(ws: Worksheet, title: str, headers: list[tuple[str, int]]) -> int:
    columns = len(headers)
    for number, text, font in ((1, title, TITLE), (2, NOTE, BODY)):
        cell = ws.cell(row=number, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(
            horizontal="center" if number == 1 else "left", vertical="center", wrap_text=True
        )
        ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=columns)
    ws.row_dimensions[1].height = 26
    ws.row_dimensions[2].height = 30
    for column, (text, width) in enumerate(headers, 1):
        label = f"{text}（万元）" if text in ("预算数", "其中：财政资金", "其他资金") else text
        cell = ws.cell(row=3, column=column, value=label)
        cell.font = BOLD
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[3].height = (
        max(wrapped_lines(label, width) for label, width in headers) * LINE_HEIGHT + 4
    )
    ws.freeze_panes = "A4"
    return 4


def _line(ws: Worksheet, row: int, values: list, *, bold: bool = False) -> None:
    """One bordered row across the sheet's header columns; missing values are blank cells."""
    columns = ws.max_column
    lines = 1
    for column, value in enumerate(values + [""] * (columns - len(values)), 1):
        cell = ws.cell(row=row, column=column)
        if isinstance(value, Decimal):
            cell.value = value
            cell.number_format = MONEY_FORMAT
        elif isinstance(value, int):
            cell.value = value
        elif value:
            _text(cell, str(value))
            width = ws.column_dimensions[get_column_letter(column)].width
            lines = max(lines, wrapped_lines(str(value), width))
        cell.font = BOLD if bold else BODY
        cell.border = BORDER
        cell.alignment = WRAPPED
    # Row heights are written, not left to the viewer: LibreOffice keeps the default height of
    # a row whatever its wrapped text needs, cutting the text off.
    ws.row_dimensions[row].height = lines * LINE_HEIGHT + 4


def _text(cell, text: str) -> None:
    """Typed names stay text: never a formula, even when edited later; characters XML
    cannot hold are stripped (core/text.py)."""
    text = clean_text(text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def _finish(ws: Worksheet, last_row: int, columns: int) -> None:
    ws.auto_filter.ref = f"A3:{get_column_letter(columns)}{max(last_row - 1, 3)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
