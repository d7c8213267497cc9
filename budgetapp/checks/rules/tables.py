"""Rules on the table's own fields: money sums and the spending plan."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from budgetapp.targets.models import MoneyUnit
from budgetapp.targets.money import in_unit, in_yuan

from ..data import PLAN_FIELDS, TableData
from ..engine import CheckContext, Hit
from .common import amount, number

_LABELS = dict(PLAN_FIELDS)


def budget_sum(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if table.kind != "project" or table.budget_total is None:
        return
    fiscal = table.budget_fiscal or Decimal("0")
    other = table.budget_other or Decimal("0")
    tolerance = Decimal(str(params.get("tolerance", "0.01")))
    if abs(fiscal + other - table.budget_total) > tolerance:
        unit = table.money_unit
        yield Hit(
            f"预算数 {amount(table.budget_total)} {unit} 不等于其中财政资金 {amount(fiscal)} "
            f"{unit} 与其他资金 {amount(other)} {unit} 之和（{amount(fiscal + other)} {unit}）。",
            field="budget_total",
        )


def projects_sum(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if table.kind != "department" or table.expense_project is None:
        return
    projects = context.all_projects()
    if not projects:
        return
    total_yuan = sum(
        (in_yuan(p.budget_total or Decimal("0"), p.money_unit) for p in projects), Decimal("0")
    )
    expected_yuan = in_yuan(table.expense_project, table.money_unit)
    tolerance = in_yuan(Decimal(str(params.get("tolerance", "0.01"))), table.money_unit)
    if abs(total_yuan - expected_yuan) > tolerance:
        unit = table.money_unit
        total = in_unit(total_yuan, MoneyUnit.YUAN, unit)
        yield Hit(
            f"本单位 {len(projects)} 张项目表的预算数合计 {amount(total)} {unit}，与“项目支出” "
            f"{amount(table.expense_project)} {unit} 不一致（相差 "
            f"{amount(abs(total - table.expense_project))} {unit}）。",
            field="expense_project",
        )


def plan_range(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    for name, value in table.plan.items():
        if value is not None and not (Decimal("0") <= value <= Decimal("100")):
            yield Hit(
                f"资金支出计划“{_LABELS[name]}”为 {number(value)}%，应在 0% 到 100% 之间。",
                field=name,
            )


def plan_not_falling(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    previous: tuple[str, Decimal] | None = None
    for name, value in table.plan.items():
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            yield Hit(
                f"资金支出计划“{_LABELS[name]}”（{number(value)}%）小于"
                f"“{_LABELS[previous[0]]}”（{number(previous[1])}%）：累计进度不能下降。",
                field=name,
            )
        previous = (name, value)


def plan_ends_full(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if table.kind != "project":
        return
    december = table.plan.get("plan_december")
    if december is None:
        yield Hit("资金支出计划“12月底”未填写，应为 100%。", field="plan_december")
    elif december != Decimal("100"):
        yield Hit(
            f"资金支出计划“12月底”应为 100%，现为 {number(december)}%。", field="plan_december"
        )


def plan_blank(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if table.kind != "project":
        return
    blanks = [name for name, value in table.plan.items() if value is None]
    blanks = [name for name in blanks if name != "plan_december"]
    if blanks:
        labels = "、".join(f"“{_LABELS[name]}”" for name in blanks)
        yield Hit(
            f"资金支出计划{labels}未填写；确实没有支出请填 0%，否则请填写累计支出比例。",
            field=blanks[0],
        )
