"""Downloads of one table as PDF or Excel, for whoever may read the table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetapp.targets.access import get_table_for_user

from .registry import EXPORTERS, Export, export_table


def download(export: Export) -> HttpResponse:
    """An attachment named as RFC 6266 asks (`filename*=utf-8''…` for Chinese names)."""
    response = HttpResponse(export.content, content_type=export.mimetype)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response


@login_required
@require_safe
@never_cache  # drafts are not public: no shared or browser cache keeps a copy
def table_export(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    table = get_table_for_user(request.user, kind, pk)
    return download(export_table(table, fmt))
