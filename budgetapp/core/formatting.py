"""How numbers print in the official tables."""

from __future__ import annotations

from decimal import Decimal


def format_money(value: Decimal | None) -> str:
    """`1,273.72` — two decimals with thousands separators, blank for an empty cell."""
    if value is None:
        return ""
    return f"{value:,.2f}"


def format_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}%"


def format_integer(value: int | None) -> str:
    return "" if value is None else str(value)
