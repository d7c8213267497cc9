"""{% fixed_url "name" %}: `{% url "name" %}` for a name without arguments, reversed once per
script prefix, URLconf and language (budgetapp/core/fixed_urls.py): base.html's navigation.
{% fixed_static "path" %}: `{% static "path" %}`, worked out once per storage: its links."""

from __future__ import annotations

from django import template

from budgetapp.core.fixed_urls import fixed_reverse, fixed_static

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return fixed_reverse(name)


@register.simple_tag(name="fixed_static")
def fixed_static_tag(path: str) -> str:
    return fixed_static(path)
