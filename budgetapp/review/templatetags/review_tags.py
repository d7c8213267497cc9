"""Review information shown on pages of the filing app (the edit forms)."""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from budgetapp.checks.engine import check_table

from ..models import Comment, Reply, Submission, Transition

register = template.Library()


@register.inclusion_tag("review/_open_comments.html")
def review_comments(table) -> dict:
    """The reviewer's comments and the last return reason, for the filer fixing the table."""
    if not table.pk:
        return {"comments": [], "last_return": None}
    records = {"content_type": ContentType.objects.get_for_model(table), "object_id": table.pk}
    comments = (
        Comment.objects.filter(**records)
        .select_related("author", "submission")
        .prefetch_related(Prefetch("replies", queryset=Reply.objects.select_related("author")))
    )
    last_return = (
        Transition.objects.filter(**records, action__in=["return", "reopen"])
        .order_by("-at")
        .first()
    )
    return {"comments": list(comments), "last_return": last_return, "table": table}


@register.simple_tag
def review_checks(table, report=None, submissions=None) -> dict:
    """智能审核 on the table page: current findings and the explanations of the latest
    submission. `report`: the findings the view has already (they are worked out once);
    `submissions`: the latest submissions, newest first, the view has read already."""
    report = report if report is not None else check_table(table)
    if submissions is not None:
        latest = submissions[0] if submissions else None
    else:
        latest = (
            Submission.objects.filter(
                content_type=ContentType.objects.get_for_model(table), object_id=table.pk
            )
            .order_by("-number")
            .first()
        )
    return {
        "findings": report.findings,
        "errors": report.errors,
        "warnings": report.warnings,
        "submission": latest,
        "explanations": latest.explanations if latest else [],
    }
