"""An old version of a table, from its revision: the official layout as it printed then, and
what changed in that save."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from budgetapp.layouts.html import render_html
from budgetapp.targets.access import get_table_for_user

from ..history import revision_document, revision_entry


@login_required
@require_safe
def revision_page(request: HttpRequest, kind: str, pk: int, version: int) -> HttpResponse:
    table = get_table_for_user(request.user, kind, pk)
    entry = revision_entry(table, version)
    document = revision_document(entry)
    highlights = {mark: "cell-changed" for mark in entry.diff.cells} if entry.diff else {}
    return render(
        request,
        "review/revision.html",
        {
            "table": table,
            "kind": kind,
            "entry": entry,
            "diff": entry.diff,
            "document_html": render_html(document, highlights, anchors=False, first_heading=2)
            if document
            else "",
        },
    )
