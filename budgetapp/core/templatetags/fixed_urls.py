"""{% fixed_url "name" %}: `{% url "name" %}` for a name without arguments, reversed once per
script prefix, URLconf and language (budgetapp/core/fixed_urls.py): base.html's navigation."""

from __future__ import annotations

from django import template

from budgetapp.core.fixed_urls import fixed_reverse

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return fixed_reverse(name)
