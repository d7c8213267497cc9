"""Template helpers for the official way of printing numbers and for formset grids."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.forms import BoundField

from budgetapp.core.formatting import format_money

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    return format_money(value)


@register.filter
def field_of(form, name: str) -> BoundField:
    return form[name]
