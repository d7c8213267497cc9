"""A table carried forward from last year (结转上年) and submitted with last year's content.

Carrying copies last year's budget figures, spending plan and 指标值 as the starting point
(targets/carry.py). Submitting them unchanged is sometimes right and often an oversight, so
each part still equal to the table it was carried from is a finding the filer must explain.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from budgetapp.targets.money import in_yuan

from ..data import MIX_FIELDS, PLAN_FIELDS, TableData
from ..engine import CheckContext, Hit
from .common import amount, number

PARTS = ("budget", "plan", "targets")


def _yuan(value: Decimal | None, money_unit: str) -> Decimal | None:
    return None if value is None else in_yuan(value, money_unit)


def _same_budget(table: TableData, source: TableData) -> bool:
    if table.kind == "project":
        if table.budget_total is None:
            return False  # nothing left of last year's figure
        pairs = [
            (table.budget_total, source.budget_total),
            (table.budget_fiscal or Decimal("0"), source.budget_fiscal or Decimal("0")),
            (table.budget_other or Decimal("0"), source.budget_other or Decimal("0")),
        ]
    else:
        if all(table.mix.get(name) is None for name, _ in MIX_FIELDS):
            return False
        pairs = [(table.mix.get(name), source.mix.get(name)) for name, _ in MIX_FIELDS]
    return all(
        _yuan(now, table.money_unit) == _yuan(before, source.money_unit) for now, before in pairs
    )


def _same_plan(table: TableData, source: TableData) -> bool:
    if table.kind != "project" or all(table.plan.get(name) is None for name, _ in PLAN_FIELDS):
        return False
    return all(table.plan.get(name) == source.plan.get(name) for name, _ in PLAN_FIELDS)


def _same_targets(table: TableData, source: TableData) -> bool:
    """Every row is one of last year's rows with last year's 指标值 (none edited or added)."""
    last_year = {(row.name.strip(), row.target.strip()) for row in source.rows}
    rows = [(row.name.strip(), row.target.strip()) for row in table.rows]
    return bool(rows) and all(row in last_year for row in rows)


def carried_unchanged(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    source = context.carried_source(table)
    if source is None:
        return
    parts = set(params.get("parts", PARTS))
    was, now = f"{source.year}年", f"{table.year}年"
    intro = f"本表由{was}结转"
    unit = table.money_unit
    if "budget" in parts and _same_budget(table, source):
        if table.kind == "project":
            yield Hit(
                f"{intro}，预算数 {amount(table.budget_total)} {unit}（财政资金、其他资金）"
                f"仍与{was}相同：请按{now}的预算核对更新；确实不变的，请说明原因。",
                field="budget_total",
            )
        else:
            yield Hit(
                f"{intro}，收入、支出金额（基本支出、项目支出、财政拨款、其他资金）仍与{was}"
                f"相同：请按{now}的预算核对更新；确实不变的，请说明原因。",
                field=MIX_FIELDS[0][0],
            )
    if "plan" in parts and _same_plan(table, source):
        plan = "、".join(
            f"{label} {number(table.plan[name])}%"
            for name, label in PLAN_FIELDS
            if table.plan.get(name) is not None
        )
        yield Hit(
            f"{intro}，资金支出计划（{plan}）仍与{was}相同：请按{now}的用款进度核对；"
            f"确实不变的，请说明原因。",
            field=PLAN_FIELDS[0][0],
        )
    if "targets" in parts and _same_targets(table, source):
        yield Hit(
            f"{intro}，全部 {len(table.rows)} 行指标值仍是{was}的指标值，结转后未作修改："
            f"请逐项核对{now}的目标（数量、质量、时效、成本、效益、满意度）；"
            f"确实沿用上年目标的，请说明原因。"
        )
