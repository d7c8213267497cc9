"""The Hebei 项目支出绩效目标表 (seeds 000 and 001), the project layout of every region."""

from __future__ import annotations

from budgetapp.targets.models import ProjectTable

from .cells import indicator_category_cells, label, money, percent, row_marks, text
from .document import Caption, Document, Grid, Heading

# 一级, 二级, 三级, 描述 (two columns, so the budget row's seven cells fit), 指标值, 依据
PROJECT_WIDTHS: list[float] = [10, 11, 15, 12, 13, 13, 14]


def project_grid(table: ProjectTable) -> Grid:
    """The top block: code and name, budget, spending plan, goals."""
    grid = Grid(widths=PROJECT_WIDTHS)
    grid.add(
        label("项目编码"),
        text(table.code, colspan=2, anchor="field:code", tight=True),
        label("项目名称"),
        text(table.name, colspan=3, anchor="field:name"),
    )
    grid.add(
        label("预算规模及资金用途", rowspan=2),
        label("预算数"),
        money(table.budget_total, anchor="field:budget_total"),
        label("其中：财政资金"),
        money(table.budget_fiscal, anchor="field:budget_fiscal"),
        label("其他资金"),
        money(table.budget_other, anchor="field:budget_other"),
    )
    grid.add(text(table.fund_use, colspan=6, anchor="field:fund_use"))
    grid.add(
        label("资金支出计划（%）", rowspan=2),
        label("3月底", colspan=2),
        label("6月底"),
        label("10月底"),
        label("12月底", colspan=2),
    )
    grid.add(
        percent(table.plan_march, colspan=2, anchor="field:plan_march"),
        percent(table.plan_june, anchor="field:plan_june"),
        percent(table.plan_october, anchor="field:plan_october"),
        percent(table.plan_december, colspan=2, anchor="field:plan_december"),
    )
    goals = list(table.goals.all())
    # Goals are numbered even when there is only one, as seed 001 prints them (seed 000 has
    # no single-goal table).
    goal_text = "\n".join(f"{i}.{goal.text}" for i, goal in enumerate(goals, 1))
    grid.add(label("绩效目标"), text(goal_text, colspan=6, anchor="field:goals"))
    return grid


def indicator_grid(table: ProjectTable) -> Grid:
    """The indicator table, joined under the top block; its header row repeats on every page."""
    grid = Grid(widths=PROJECT_WIDTHS, header_rows=1, joined=True)
    grid.add(
        label("一级指标", header=True),
        label("二级指标", header=True),
        label("三级指标", header=True),
        label("绩效指标描述", colspan=2, header=True),
        label("指标值", header=True),
        label("指标值确定依据", header=True),
    )
    indicators = table.indicator_rows()
    for row, category_cells in zip(
        indicators, indicator_category_cells(indicators, merge_level2=False), strict=True
    ):
        anchor = f"indicator:{row.pk}"
        grid.add(
            *category_cells,
            text(row.name, anchor=anchor, marks=row_marks(anchor, "name")),
            text(row.description, colspan=2, anchor=anchor, marks=row_marks(anchor, "description")),
            text(row.target, anchor=anchor, align="center", marks=row_marks(anchor, "target")),
            text(row.basis, anchor=anchor, align="center", marks=row_marks(anchor, "basis")),
        )
    return grid


def project_document(table: ProjectTable) -> Document:
    unit = table.unit
    return Document(
        title=table.title,
        blocks=[
            Heading(table.title, level=2),
            Caption(left=f"{unit.code}{unit.name}", right=f"单位：{table.money_unit}"),
            project_grid(table),
            indicator_grid(table),
        ],
    )
