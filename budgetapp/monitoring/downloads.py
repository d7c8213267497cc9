"""The round's city summary (执行监控汇总表) as PDF or Excel, for whoever may see the round: the
city's reviewers and administrators (`access.get_round_for_user`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetapp.exports.registry import EXPORTERS, recorded_download

from .access import get_round_for_user
from .summary import round_summary_book


@login_required
@require_safe
@never_cache  # the sheets are not public: no shared or browser cache keeps a copy
def round_summary(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    round_ = get_round_for_user(request.user, pk)
    book = round_summary_book(round_)
    return recorded_download(
        request,
        EXPORTERS[fmt](book),
        obj=round_,
        draft=book.draft,
        details={"export": "monitoring_summary", "format": fmt},
    )
