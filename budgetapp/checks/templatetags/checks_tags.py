"""The 智能审核 panels of the editor and of the table page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..cached import cached_findings
from ..data import from_forms, from_table
from ..engine import CheckContext, Report, run_checks

register = template.Library()


def _live_url(table) -> str:
    if table.pk:
        return reverse("checks:live", args=[table.kind, table.pk])
    return reverse("checks:live_new", args=[table.kind, table.year.year])


@register.simple_tag(takes_context=True)
def editor_checks(context) -> dict:
    """Findings for the editor page: on what was posted back, else on the saved table."""
    table = context.get("table")
    if table is None or not table.kind:
        return {"findings": [], "url": ""}
    form = context.get("form")
    formsets = context.get("formsets") or []
    if form is not None and form.is_bound:
        data = from_forms(form, [formset for _, formset in formsets], table)
        report = Report(run_checks(data, context=CheckContext.for_table(data)))
    elif table.pk:
        data = from_table(table)
        report = Report(cached_findings(data))  # the saved table's, kept (checks/cached.py)
    else:
        data = None
        report = Report([])
    return {
        "findings": report.findings,
        "errors": report.errors,
        "warnings": report.warnings,
        "checked": data is not None,
        "url": _live_url(table),
    }
