"""The Hebei 项目支出绩效自评表 (财预〔2020〕10号 附件), as one layout description.

Nine columns, as the template prints them: a caption column (项目资金 / 年度总体目标 / 绩效指标),
then the money block (item over two columns, 年初预算数, 全年预算数, 全年执行数, 分值, 执行率,
得分) and the indicator block (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分,
偏差原因分析及改进措施) sharing the same columns. The HTML page, the PDF and the Excel file all
render this description (layouts.document), so they cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal

from budgetapp.layouts.cells import label, money, stage_indicator_rows, text
from budgetapp.layouts.document import Caption, Cell, CellFormat, Document, Grid, Heading

from .models import EvaluationRow, SelfEvaluation
from .scoring import BUDGET_POINTS, TOTAL_POINTS

# caption, 一级, 二级, 三级, 指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施
EVALUATION_WIDTHS = [6, 8, 9, 14, 14, 14, 6, 8, 15]


def _score(value: Decimal | None, *, anchor: str = "") -> Cell:
    shown = "" if value is None else f"{value.normalize():f}"
    return Cell(shown, number=value, fmt=CellFormat.TEXT, align="center", anchor=anchor)


def _rate(executed: Decimal, budget: Decimal) -> Cell:
    if not budget:
        return Cell("", align="center")
    value = (executed * 100 / budget).quantize(Decimal("0.01"))
    return Cell(f"{value.normalize():f}%", number=value, fmt=CellFormat.TEXT, align="center")


def funds_rows(grid: Grid, evaluation: SelfEvaluation) -> None:
    grid.add(
        label(
            "项目资金（万元）" if evaluation.money_unit == "万元" else "项目资金（元）", rowspan=5
        ),
        label("", colspan=2),
        label("年初预算数"),
        label("全年预算数"),
        label("全年执行数"),
        label("分值"),
        label("执行率"),
        label("得分"),
    )
    grid.add(
        label("年度资金总额", colspan=2),
        money(evaluation.total_initial),
        money(evaluation.total_full_year),
        money(evaluation.total_executed),
        _score(BUDGET_POINTS),
        _rate(evaluation.total_executed, evaluation.total_full_year),
        _score(evaluation.budget_score, anchor="field:budget_score"),
    )
    for source, caption in (
        ("fiscal", "其中：当年财政拨款"),
        ("carried", "上年结转资金"),
        ("other", "其他资金"),
    ):
        executed = getattr(evaluation, f"{source}_executed")
        full_year = getattr(evaluation, f"{source}_full_year")
        grid.add(
            label(caption, colspan=2),
            money(getattr(evaluation, f"{source}_initial"), anchor=f"field:{source}_initial"),
            money(full_year, anchor=f"field:{source}_full_year"),
            money(executed, anchor=f"field:{source}_executed"),
            text("—", align="center"),
            _rate(executed, full_year),
            text("—", align="center"),
        )


def indicator_rows(grid: Grid, rows: list[EvaluationRow]) -> None:
    def values(row: EvaluationRow, anchor: str) -> list[Cell]:
        return [
            text(row.actual, anchor=anchor, align="center"),
            _score(row.weight, anchor=anchor),
            _score(row.score, anchor=anchor),
            text(row.analysis, anchor=anchor),
        ]

    stage_indicator_rows(
        grid,
        rows,
        headers=["实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        values=values,
    )


def evaluation_document(evaluation: SelfEvaluation) -> Document:
    table = evaluation.table
    rows = list(evaluation.rows.all())
    grid = Grid(widths=EVALUATION_WIDTHS)
    grid.add(label("项目名称"), text(table.name, colspan=8, anchor="field:name"))
    grid.add(
        label("主管部门"),
        text(evaluation.department, colspan=3, anchor="field:department"),
        label("实施单位", colspan=2),
        text(evaluation.unit.name, colspan=3),
    )
    funds_rows(grid, evaluation)
    grid.add(
        label("年度总体目标", rowspan=2),
        label("预期目标", colspan=4),
        label("实际完成情况", colspan=4),
    )
    grid.add(
        text(evaluation.goal_expected, colspan=4, anchor="field:goal_expected"),
        text(evaluation.goal_actual, colspan=4, anchor="field:goal_actual"),
    )
    indicator_rows(grid, rows)
    grid.add(
        label("总分", colspan=6),
        _score(TOTAL_POINTS),
        _score(evaluation.total_score, anchor="field:total_score"),
        text(f"自评等级：{evaluation.grade}" if evaluation.grade else "", align="center"),
    )
    title = "项目支出绩效自评表"
    unit = evaluation.unit
    return Document(
        title=f"{table.name}绩效自评表",
        blocks=[
            Heading(title, level=2),
            Caption(left=f"（{evaluation.year.year}年度）", right=f"{unit.code}{unit.name}"),
            grid,
        ],
    )
