"""The 审计管理员's page: the security audit log, filtered, paginated, downloadable."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind

from .access import require_audit_reader
from .audit_files import AUDIT_FILES, MAX_ROWS
from .forms import AuditFilterForm
from .selectors import filtered_events

PAGE_SIZE = 50


@login_required
@require_safe
@never_cache
def audit_log(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(filtered_events(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "security/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_safe
@never_cache
def audit_download(request: HttpRequest, fmt: str) -> HttpResponse:
    require_audit_reader(request.user)
    if fmt not in AUDIT_FILES:
        raise Http404("没有这种格式。")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = filtered_events(filters)[:MAX_ROWS]
    filename, mimetype, content = AUDIT_FILES[fmt](events.iterator(chunk_size=2000))
    # Who took a copy of the log, and which part, is itself on the record.
    record(
        kind=EventKind.AUDIT_EXPORT,
        request=request,
        details={
            "format": fmt,
            "filters": {k: str(v) for k, v in filters.items() if v},
            "filename": filename,
        },
    )
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
