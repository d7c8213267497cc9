"""The three regional layouts of 部门整体绩效目标 (DOMAIN.md): Hebei, Guangdong, Hubei."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import groupby
from typing import Any, Protocol

from budgetapp.targets.models import DepartmentTable, DepartmentTask, TaskKind
from budgetapp.units.models import LayoutFamily

from .cells import indicator_category_cells, integer, label, money, percent, row_marks, text
from .document import Block, Caption, Cell, Document, Grid, Heading, Paragraph


class ProjectLine(Protocol):
    """A line of the Hubei 项目支出情况 list: a project table, or its frozen line."""

    @property
    def pk(self) -> Any: ...
    @property
    def name(self) -> str: ...
    @property
    def total_budget(self) -> Decimal | None: ...
    @property
    def budget_total(self) -> Decimal | None: ...
    @property
    def fund_use(self) -> str: ...


class _TitledText(Protocol):
    """A 分项绩效目标 or a 工作保障措施."""

    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...


def _paragraphs(value: str) -> list[Paragraph]:
    return [Paragraph(line.strip()) for line in value.splitlines() if line.strip()]


def hebei_department_document(table: DepartmentTable) -> Document:
    """Narrative: 总体绩效目标, 分项绩效目标, 工作保障措施 (seeds 000 and 001)."""
    blocks: list[Block] = [Heading(table.title, level=1), Heading("一、总体绩效目标", level=2)]
    blocks += _paragraphs(table.overall_goal)
    sections: tuple[tuple[str, Sequence[_TitledText]], ...] = (
        ("二、分项绩效目标", list(table.sub_goals.all())),
        ("三、工作保障措施", list(table.measures.all())),
    )
    for heading, items in sections:
        blocks.append(Heading(heading, level=2))
        for number, item in enumerate(items, 1):
            if item.title:
                blocks.append(Heading(f"{number}、{item.title}", level=3))
                blocks += _paragraphs(item.text)
            else:
                lines = [line.strip() for line in item.text.splitlines() if line.strip()] or [""]
                blocks.append(Paragraph(f"{number}、{lines[0]}"))
                blocks += [Paragraph(line) for line in lines[1:]]
    return Document(title=table.title, blocks=blocks)


def guangdong_department_document(table: DepartmentTable) -> Document:
    """部门整体预算绩效目标表 (seed 003): five columns."""
    unit = f"预算金额({table.money_unit})"
    grid = Grid(widths=[16, 22, 26, 18, 18])
    grid.add(label("部门名称"), text(table.unit.name, colspan=4, anchor="field:unit"))
    grid.add(
        label("基本信息"),
        label("财政供养人员数"),
        integer(table.staff_count, anchor="field:staff_count"),
        label("下属二级单位数"),
        integer(table.sub_unit_count, anchor="field:sub_unit_count"),
    )
    grid.add(
        label("预算整体情况", rowspan=6),
        label("部门预算支出"),
        label(unit),
        label("收入来源"),
        label(unit),
    )
    grid.add(
        label("基本支出"),
        money(table.expense_basic, anchor="field:expense_basic"),
        label("财政拨款"),
        money(table.income_fiscal, anchor="field:income_fiscal"),
    )
    grid.add(
        label("项目支出"),
        money(table.expense_project, anchor="field:expense_project"),
        label("其他资金"),
        money(table.income_other, anchor="field:income_other"),
    )
    grid.add(label("事业发展性支出"), label(unit), label("按预算级次划分"), label(unit))
    grid.add(
        label("财政专项资金"),
        money(table.special_funds, anchor="field:special_funds"),
        label("本级使用资金"),
        money(table.own_level_funds, anchor="field:own_level_funds"),
    )
    grid.add(
        label("其他事业发展性支出"),
        money(table.other_development, anchor="field:other_development"),
        label("拟用于对下转移支付资金"),
        money(table.transfer_funds, anchor="field:transfer_funds"),
    )
    grid.add(
        label("总体绩效目标"), text(table.overall_goal, colspan=4, anchor="field:overall_goal")
    )

    tasks = list(table.tasks.all())
    key_tasks = [t for t in tasks if t.kind == TaskKind.KEY]
    other_tasks = [t for t in tasks if t.kind == TaskKind.OTHER]
    grid.add(
        label("年度重点工作任务", rowspan=1 + len(key_tasks)),
        label("名称"),
        label("主要实施内容"),
        label(f"拟投入的资金({table.money_unit})"),
        label("期望达到的目标(概述)"),
    )
    _task_rows(grid, key_tasks)
    if other_tasks:
        grid.add(
            label("其他需完成的任务(可选填)", rowspan=len(other_tasks)),
            *_task_cells(other_tasks[0], 1),
        )
        _task_rows(grid, other_tasks[1:], start=2)

    indicators = table.indicator_rows()
    grid.add(
        label("绩效指标", rowspan=1 + len(indicators)),
        label("一级指标", header=True),
        label("二级指标", header=True),
        label("三级指标", header=True),
        label("指标值", header=True),
    )
    for row, cells in zip(
        indicators, indicator_category_cells(indicators, merge_level2=True), strict=True
    ):
        anchor = f"indicator:{row.pk}"
        grid.add(
            *cells,
            text(row.name, anchor=anchor, marks=row_marks(anchor, "name")),
            text(row.target, anchor=anchor, align="center", marks=row_marks(anchor, "target")),
        )

    title = f"{table.year.year}年部门整体预算绩效目标表"
    return Document(title=title, blocks=[Heading(title, level=1), grid])


def _task_cells(task: DepartmentTask, number: int) -> list[Cell]:
    anchor = f"task:{task.pk}"
    return [
        text(f"任务{number}: {task.name}", anchor=anchor, marks=row_marks(anchor, "name", "kind")),
        text(task.content, anchor=anchor, marks=row_marks(anchor, "content")),
        money(task.amount, anchor=anchor, marks=row_marks(anchor, "amount")),
        text(task.outcome, anchor=anchor, marks=row_marks(anchor, "outcome")),
    ]


def _task_rows(grid: Grid, tasks: Sequence[DepartmentTask], *, start: int = 1) -> None:
    for number, task in enumerate(tasks, start):
        grid.add(*_task_cells(task, number))


def _field_marks(field: str, suffix: str = "") -> tuple[str, ...]:
    """The mark of a mix line's amount (the 合计 line has no field of its own)."""
    return (f"field:{field}{suffix}",) if field else ()


def hubei_department_document(
    table: DepartmentTable, projects: Iterable[ProjectLine] | None = None
) -> Document:
    """整体支出绩效目标表 (seed 004): eight columns, mix with two previous years.

    `projects` are the lines of the 项目支出情况 list (anything with pk, name, total_budget,
    budget_total and fund_use); by default the unit's project tables of the year. A published
    version passes the frozen lines of the projects published with it (exports.frozen)."""
    year = table.year.year
    grid = Grid(widths=[12, 10, 16, 14, 12, 12, 12, 12])
    grid.add(label("部门（单位）名称"), text(table.unit.name, colspan=7, anchor="field:unit"))
    grid.add(
        label("填报人"),
        text(table.filler_name, colspan=3, anchor="field:filler_name"),
        label("联系电话"),
        text(table.filler_phone, colspan=3, anchor="field:filler_phone"),
    )
    income, expense = table.income_mix(), table.expense_mix()
    grid.add(
        label("部门总体收支情况", rowspan=2 + len(income) + len(expense)),
        label("总体收支情况", colspan=2, rowspan=2),
        label("当年金额", rowspan=2),
        label("占比", rowspan=2),
        label("近两年收支金额", colspan=3),
    )
    grid.add(label(f"{year - 2}年"), label(f"{year - 1}年", colspan=2))
    for group_label, lines, prefix in (
        ("收入构成", income, "income"),
        ("支出构成", expense, "expense"),
    ):
        for i, line in enumerate(lines):
            cells = [label(group_label, rowspan=len(lines))] if i == 0 else []
            grid.add(
                *cells,
                label(line.label),
                money(line.current, anchor=f"field:{prefix}", marks=_field_marks(line.field)),
                percent(line.share),
                money(line.prev2, marks=_field_marks(line.field, "_prev2")),
                money(line.prev1, colspan=2, marks=_field_marks(line.field, "_prev1")),
            )
    grid.add(label("部门职能概述"), text(table.functions, colspan=7, anchor="field:functions"))
    grid.add(
        label("年度工作任务"), text(table.annual_tasks, colspan=7, anchor="field:annual_tasks")
    )
    projects = list(table.project_tables() if projects is None else projects)
    grid.add(
        label("项目支出情况", rowspan=1 + len(projects)),
        label("项目名称", colspan=2),
        label("项目总预算"),
        label("项目本年度预算"),
        label("项目主要支出方向和用途", colspan=3),
    )
    for project in projects:
        anchor = f"project:{project.pk}"
        grid.add(
            text(project.name, colspan=2, anchor=anchor),
            money(project.total_budget, anchor=anchor),
            money(project.budget_total, anchor=anchor),
            text(project.fund_use, colspan=3, anchor=anchor),
        )
    indicators = table.indicator_rows()
    for goal_no, group in groupby(indicators, key=lambda r: r.goal_no):
        rows = list(group)
        grid.add(text(f"年度目标{goal_no}：", colspan=8))
        grid.add(
            label("年度绩效指标", rowspan=3 + len(rows)),
            label("一级指标", rowspan=3, header=True),
            label("二级指标", rowspan=3, header=True),
            label("三级指标", rowspan=3, header=True),
            label("指标值", colspan=3, header=True),
            label("指标值确定依据", rowspan=3, header=True),
        )
        grid.add(
            label("近两年指标值", colspan=2, header=True),
            label("预期当年实现值", rowspan=2, header=True),
        )
        grid.add(label("前年", header=True), label("上年", header=True))
        for row, cells in zip(rows, indicator_category_cells(rows, merge_level2=True), strict=True):
            anchor = f"indicator:{row.pk}"
            grid.add(
                *cells,
                *(
                    text(
                        getattr(row, name),
                        anchor=anchor,
                        align="left" if name == "name" else "center",
                        marks=row_marks(anchor, name),
                    )
                    for name in ("name", "value_prev2", "value_prev1", "target", "basis")
                ),
            )
    title = f"{table.unit.name}{year}年整体支出绩效目标表"
    return Document(
        title=title,
        blocks=[
            Heading(title, level=1),
            Caption(left="", right=f"资金单位：{table.money_unit}"),
            grid,
        ],
    )


DEPARTMENT_LAYOUTS: dict[str, Callable[..., Document]] = {
    LayoutFamily.HEBEI: hebei_department_document,
    LayoutFamily.GUANGDONG: guangdong_department_document,
    LayoutFamily.HUBEI: hubei_department_document,
}


def department_document(
    table: DepartmentTable, *, projects: Iterable[ProjectLine] | None = None
) -> Document:
    """The table in its unit's layout; `projects` replaces the live 项目支出情况 list."""
    build = DEPARTMENT_LAYOUTS[table.unit.layout]
    if build is hubei_department_document:
        return build(table, projects)
    return build(table)
