"""Downloads of the later stages' sheets, a monitoring sheet (执行监控表) or a self-evaluation
(绩效自评表) as PDF or Excel, through the same exporters as the target tables, and the POST that
publishes one. Anything not published carries the draft mark on every page and in its name,
like a draft target table.

The stages live in apps above this one (monitoring, evaluation, over review's workflow): each
registers what its sheets need here from its `AppConfig.ready()` (`registry.register_stage`), so
this module knows no stage by name. The URLs (`urls.py`) name the stage they serve.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip
from budgetapp.targets.models import Status

from .book import Book, BookEntry, Part, safe_filename
from .registry import EXPORTERS, STAGES, Export, StageKind, recorded_download, stage_of


def stage_book(sheet: Any) -> Book:
    """One sheet as a book: `山海关区残联本级_2021_残疾人康复经费绩效自评表（草稿）`."""
    kind = stage_of(sheet)
    draft = sheet.status != Status.PUBLISHED
    return Book(
        title=sheet.title,
        author=sheet.unit.name,
        filename=safe_filename(f"{sheet.unit.name}_{kind.year(sheet)}_{sheet.title}", draft=draft),
        parts=[
            Part(
                heading="",
                entries=[BookEntry(label=sheet.table.name[:28], document=kind.document(sheet))],
            )
        ],
        draft=draft,
    )


def export_stage(sheet: Any, fmt: str) -> Export:
    """One sheet of a later stage in format `fmt` (a key of EXPORTERS)."""
    return EXPORTERS[fmt](stage_book(sheet))


def _stage(name: str) -> StageKind:
    if name not in STAGES:
        raise Http404("没有这个阶段。")
    return STAGES[name]


@login_required
@require_safe
@never_cache  # drafts are not public: no shared or browser cache keeps a copy
def stage_export(request: HttpRequest, stage: str, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    sheet = _stage(stage).get_for_user(request.user, pk)
    return recorded_download(
        request,
        export_stage(sheet, fmt),
        obj=sheet,
        draft=sheet.status != Status.PUBLISHED,
        details={"format": fmt, "status": sheet.status},
    )


@login_required
@require_POST
def stage_publish(request: HttpRequest, stage: str, pk: int) -> HttpResponse:
    """Publish an approved sheet (决算公开) through its stage's service, then show its page."""
    kind = _stage(stage)
    if kind.publish is None:
        raise Http404("此阶段的表不公开。")
    sheet = kind.get_for_user(request.user, pk)
    try:
        kind.publish(sheet=sheet, user=request.user, ip=client_ip(request))
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except TableError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已公开。公众可在公开查询页看到此{sheet.noun}。")
    return redirect(sheet)
