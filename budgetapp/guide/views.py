"""如何写好绩效指标: a short help page, public (see docs/guide.md for why)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import library_examples, rules_in_use
from .tips import RULE_TIPS


@require_safe
def indicators(request: HttpRequest) -> HttpResponse:
    rules = [(rule, RULE_TIPS.get(rule.code, "")) for rule in rules_in_use()]
    return render(
        request,
        "guide/indicators.html",
        {"examples": library_examples(), "rules": rules},
    )
