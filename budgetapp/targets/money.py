"""The money unit of a table (元 or 万元, one per document) and the one conversion between them.

Every sum across tables (the reviewer's dashboard, the city summary, the 智能审核 totals)
converts through here, so 元 and 万元 tables add up the same way everywhere. A unit other than
万元 is taken as 元 (the model allows only the two; the live checks may see a forged value).
"""

from __future__ import annotations

from decimal import Decimal

from .models import MoneyUnit

YUAN_PER_WAN = Decimal("10000")


def in_unit(amount: Decimal, money_unit: str, target_unit: str) -> Decimal:
    """`amount`, given in `money_unit`, expressed in `target_unit`."""
    from_wan = money_unit == MoneyUnit.WAN_YUAN
    to_wan = target_unit == MoneyUnit.WAN_YUAN
    if from_wan == to_wan:
        return amount
    return amount / YUAN_PER_WAN if to_wan else amount * YUAN_PER_WAN


def in_yuan(amount: Decimal, money_unit: str) -> Decimal:
    return in_unit(amount, money_unit, MoneyUnit.YUAN)


def in_wan(amount: Decimal, money_unit: str) -> Decimal:
    return in_unit(amount, money_unit, MoneyUnit.WAN_YUAN)
