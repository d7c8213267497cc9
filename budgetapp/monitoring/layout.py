"""The 项目支出绩效目标执行监控表, as one layout description (HTML page, PDF and Excel).

Ten columns: a caption column (项目资金 / 绩效指标), then 一级, 二级, 三级, 年度指标值, 1–N月实际
完成值, 全年预计完成值, 完成目标可能性, 偏差原因, 完善措施; the money block above shares them.
The lights are not part of the national template; the sheet's light prints in its last line
as 监控结论 so a printed sheet says what the screen says.
"""

from __future__ import annotations

from budgetapp.layouts.cells import label, money, percent, stage_indicator_rows, text
from budgetapp.layouts.document import Caption, Cell, Document, Grid, Heading

from .lights import Light, Likelihood, execution_rate, planned_share
from .models import MonitoringRow, MonitoringSheet

MONITORING_WIDTHS = [6, 7, 8, 12, 9, 10, 10, 9, 12, 17]
_LIKELIHOOD = dict(Likelihood.CHOICES)


def _causes(row: MonitoringRow) -> str:
    labels = row.cause_labels
    if row.cause_note:
        labels.append(row.cause_note)
    return "；".join(labels)


def indicator_rows(grid: Grid, rows: list[MonitoringRow], period: str) -> None:
    def values(row: MonitoringRow, anchor: str) -> list[Cell]:
        return [
            text(row.to_date, anchor=anchor, align="center"),
            text(row.projected, anchor=anchor, align="center"),
            text(_LIKELIHOOD.get(row.likelihood, ""), anchor=anchor, align="center"),
            text(_causes(row), anchor=anchor),
            text(row.measures, anchor=anchor),
        ]

    stage_indicator_rows(
        grid,
        rows,
        headers=[f"{period}实际完成值", "全年预计完成值", "完成目标可能性", "偏差原因", "完善措施"],
        values=values,
    )


def monitoring_document(sheet: MonitoringSheet) -> Document:
    table, round_ = sheet.table, sheet.round
    period = round_.period_label
    rows = list(sheet.rows.all())
    grid = Grid(widths=MONITORING_WIDTHS)
    grid.add(label("项目名称"), text(table.name, colspan=9, anchor="field:name"))
    grid.add(
        label("主管部门"),
        text(sheet.unit.name, colspan=3),
        label("实施单位", colspan=2),
        text(sheet.unit.name, colspan=4),
    )
    grid.add(
        label(f"项目资金（{sheet.money_unit}）", rowspan=2),
        label("年初预算数", colspan=2),
        label(f"{period}执行数", colspan=2),
        label("执行率"),
        label("计划支出进度"),
        label("全年预计执行数"),
        label("执行偏差原因", colspan=2),
    )
    grid.add(
        money(sheet.budget, colspan=2),
        money(sheet.spent, colspan=2, anchor="field:spent"),
        percent(execution_rate(sheet.spent, sheet.budget)),
        percent(planned_share(table.spending_plan, round_.cutoff_month)),
        money(sheet.projected_spend, anchor="field:projected_spend"),
        text(sheet.lag_reason, colspan=2, anchor="field:lag_reason"),
    )
    indicator_rows(grid, rows, period)
    conclusion = Light.LABELS.get(sheet.light, "")
    grid.add(
        label("监控结论"),
        text(f"{conclusion}灯" if sheet.light else "未填", colspan=9, anchor="field:light"),
    )
    unit = sheet.unit
    return Document(
        title=sheet.title,
        blocks=[
            Heading("项目支出绩效目标执行监控表", level=2),
            Caption(left=f"（{round_.year.year}年度 {period}）", right=f"{unit.code}{unit.name}"),
            grid,
        ],
    )
