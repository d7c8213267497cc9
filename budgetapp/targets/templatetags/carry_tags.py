"""The home page's carry-forward link (templates/targets/_carry_link.html)."""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from budgetapp.units.models import BudgetYear, Unit

from ..carry import carry_offer as _carry_offer

register = template.Library()


@register.simple_tag
def carry_offer(
    unit: Unit, year: BudgetYear | None, years: Sequence[BudgetYear] | None = None
) -> dict | None:
    """{"from_year", "to_year"} when the unit has tables to carry, else None; `years`, the page's
    budget years (with `is_open`), if it has them."""
    if year is None:
        return None
    offer = _carry_offer(unit=unit, year=year.year, budget_years=years)
    return {"from_year": offer[0], "to_year": offer[1]} if offer else None
