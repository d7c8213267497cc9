"""Helpers the rules share: what kind of row this is, and which unit its value carries."""

from __future__ import annotations

import re
from decimal import Decimal

from budgetapp.indicators.values import ParsedTarget
from budgetapp.targets.money import YUAN_PER_WAN

from ..data import RowData

COST = "成本指标"
TIME = "时效指标"
QUANTITY = "数量指标"
SATISFACTION = "满意度指标"
_NAME_UNIT = re.compile(r"[(（]([^()（）\d]{1,6})[)）]\s*$")
_MONEY_FACTORS = {"亿元": Decimal("100000000"), "万元": YUAN_PER_WAN, "千元": Decimal("1000")}


def is_cost(row: RowData) -> bool:
    return COST in (row.level1, row.level2, row.level2_parent)


def is_time(row: RowData) -> bool:
    return row.level2 == TIME


def is_quantity(row: RowData) -> bool:
    return row.level2 == QUANTITY


def name_unit(name: str) -> str:
    """The unit a Guangdong-style name carries at its end: `满意度(%)` → `%`, `(万)` → `万元`."""
    match = _NAME_UNIT.search(name.strip())
    if not match:
        return ""
    unit = match.group(1).strip()
    return "万元" if unit == "万" else unit


def effective_unit(row: RowData, parsed: ParsedTarget, *, from_name: bool = True) -> str:
    """The value's unit; where the value has none (or only `/人(月)`), the name's unit before it."""
    unit = parsed.unit
    if from_name and (not unit or unit.startswith("/")):
        return name_unit(row.name) + unit
    return unit


def money_factor(unit: str, money_units: list[str]) -> Decimal | None:
    """How many 元 one of this unit is, if the unit is money (`万元/人` → 10000); else None."""
    for money in sorted(money_units, key=len, reverse=True):
        if unit.startswith(money):
            return _MONEY_FACTORS.get(money, Decimal("1"))
    return None


def amount(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def squash(text: str) -> str:
    """Text compared without spaces, punctuation and a trailing unit in brackets."""
    text = _NAME_UNIT.sub("", text or "")
    return re.sub(r"[\s，,。.、:：;；（）()“”\"'%％]", "", text)
