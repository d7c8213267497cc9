"""Rules on the form of each 指标值: complete, in a unit that fits the indicator, plausible."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from budgetapp.indicators.values import Comparator
from budgetapp.targets.money import in_yuan

from ..catalog import YES_NO
from ..data import RowData, TableData
from ..engine import CheckContext, Hit
from .common import (
    SATISFACTION,
    effective_unit,
    is_cost,
    is_quantity,
    is_time,
    money_factor,
    number,
)


def _value_rows(table: TableData) -> Iterator[RowData]:
    for row in table.rows:
        if row.target.strip():
            yield row


def target_blank(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    for row in table.rows:
        if not row.target.strip():
            yield Hit(f"{row.label}未填写指标值。", row=row, field="target")


def target_unit_missing(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    from_name = bool(params.get("unit_from_name", True))
    for row in _value_rows(table):
        parsed = row.parsed
        if parsed.is_quantitative and not effective_unit(row, parsed, from_name=from_name):
            yield Hit(
                f"{row.label}的指标值“{row.target}”只有数字，没有计量单位（如人、%、元、天）。",
                row=row,
                field="target",
            )


def target_comparator_missing(
    table: TableData, params: dict, context: CheckContext
) -> Iterator[Hit]:
    exempt = set(params.get("exempt", []))
    for row in _value_rows(table):
        parsed = row.parsed
        if parsed.is_quantitative and not parsed.comparator and row.target.strip() not in exempt:
            yield Hit(
                f"{row.label}的指标值“{row.target}”没有比较符：请写明是下限（≥）、上限（≤）"
                f"还是确切值（=）。",
                row=row,
                field="target",
            )


def _matches_date(text: str, patterns: list[str]) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)


def is_rate(row: RowData, params: dict) -> bool:
    if row.level1 == SATISFACTION:
        return True
    name = row.name
    for word in params.get("exclude", []):
        name = name.replace(word, "")
    return any(keyword in name for keyword in params.get("keywords", ["率", "满意度"]))


def _rate_word(row: RowData) -> str:
    return "满意度" if "满意度" in row.name or row.level1 == SATISFACTION else "“率”"


def rate_is_percent(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    percent = set(params.get("percent_units", ["%", "％"]))
    yes_no = set(params.get("yes_no", ["是/否"]))
    for row in _value_rows(table):
        if is_cost(row) or not is_rate(row, params):
            continue
        parsed = row.parsed
        unit = effective_unit(row, parsed)
        if parsed.is_quantitative and unit and unit not in percent:
            yield Hit(
                f"{row.label}是{_rate_word(row)}，指标值应为百分比，现为“{row.target}”。",
                row=row,
                field="target",
            )
        elif not parsed.is_quantitative and row.target.strip() in yes_no:
            yield Hit(
                f"{row.label}是{_rate_word(row)}，指标值应为百分比（如“≥90%”），"
                f"不能是“{row.target}”。",
                row=row,
                field="target",
            )


def cost_is_money(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    money_units = params.get("money_units", ["元", "万元"])
    for row in _value_rows(table):
        if not is_cost(row):
            continue
        parsed = row.parsed
        unit = effective_unit(row, parsed)
        if parsed.is_quantitative and not unit:
            continue  # reported by target_unit_missing
        if not parsed.is_quantitative or money_factor(unit, money_units) is None:
            yield Hit(
                f"{row.label}是成本指标，指标值应为金额（如“≤500元/人”“≤10万元”），"
                f"现为“{row.target}”。",
                row=row,
                field="target",
            )


def time_is_time(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    percent = set(params.get("percent_units", ["%", "％"]))
    time_units = params.get("time_units", ["天", "日", "月", "年"])
    accepted = set(params.get("accepted", []))
    patterns = params.get("date_patterns", [])
    for row in _value_rows(table):
        if not is_time(row):
            continue
        parsed = row.parsed
        text = row.target.strip()
        if parsed.is_quantitative:
            unit = effective_unit(row, parsed)
            if not unit or unit in percent or any(unit.startswith(u) for u in time_units):
                continue
        elif text in accepted or _matches_date(text, patterns):
            continue
        yield Hit(
            f"{row.label}是时效指标，指标值应为时间（如“≤60天”）、日期（如“12月31日前”）"
            f"或百分比（如“≥95%”），现为“{row.target}”。",
            row=row,
            field="target",
        )


def qualitative_wording(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    accepted = set(params.get("accepted", []))
    prefixes = tuple(params.get("accepted_prefixes", []))
    patterns = params.get("date_patterns", [])
    for row in _value_rows(table):
        parsed = row.parsed
        text = row.target.strip()
        if parsed.is_quantitative or is_cost(row) or is_time(row):
            continue  # the value's form is checked by the cost and time rules
        if text in YES_NO and is_rate(row, {"keywords": ["率", "满意度"], "exclude": ["效率"]}):
            continue  # a rate given as 是/否 is already an error of rate_is_percent
        if text in accepted or text.startswith(prefixes) or _matches_date(text, patterns):
            continue
        if "/" in text or "／" in text or "是否" in text:
            hint = "请写明预期结果（如“是”），或改为可量化的指标值"
        else:
            hint = "请使用可评判的表述（如“有所提高”“是”“长期”“12月31日前”），或改为定量指标"
        yield Hit(
            f"{row.label}的指标值“{row.target}”不是规范表述：{hint}。", row=row, field="target"
        )


def quantity_upper_bound(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    for row in _value_rows(table):
        parsed = row.parsed
        if is_quantity(row) and parsed.comparator in (Comparator.LE, Comparator.LT):
            yield Hit(
                f"{row.label}是数量指标，指标值“{row.target}”是上限（最多完成多少），"
                f"通常应为下限（≥）。",
                row=row,
                field="target",
            )


def percent_over_100(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    percent = set(params.get("percent_units", ["%", "％"]))
    for row in _value_rows(table):
        parsed = row.parsed
        if not parsed.is_quantitative or effective_unit(row, parsed) not in percent:
            continue
        if parsed.number > Decimal("100") or (
            parsed.number == Decimal("100") and parsed.comparator in (Comparator.GT,)
        ):
            yield Hit(f"{row.label}的指标值“{row.target}”超过 100%。", row=row, field="target")


def cost_over_budget(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    if table.kind != "project" or not table.budget_total:
        return
    budget_yuan = in_yuan(table.budget_total, table.money_unit)
    for row in _value_rows(table):
        parsed = row.parsed
        if not is_cost(row) or not parsed.is_quantitative:
            continue
        unit = effective_unit(row, parsed)
        factor = money_factor(unit, ["亿元", "万元", "千元", "元"])
        if factor is None or parsed.number * factor <= budget_yuan:
            continue
        yield Hit(
            f"{row.label}的成本指标值“{row.target}”超过了本项目预算数 "
            f"{number(table.budget_total)} {table.money_unit}。",
            row=row,
            field="target",
        )
