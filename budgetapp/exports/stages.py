"""Books and downloads of the later stages: a monitoring sheet (执行监控表) or a self-evaluation
(绩效自评表) as PDF or Excel, through the same exporters as the target tables. Anything not
published carries the draft mark on every page and in its name, like a draft target table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.evaluation.access import get_evaluation_for_user
from budgetapp.evaluation.layout import evaluation_document
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.monitoring.access import get_sheet_for_user
from budgetapp.monitoring.layout import monitoring_document
from budgetapp.monitoring.models import MonitoringSheet
from budgetapp.targets.models import Status

from .book import Book, BookEntry, Part, safe_filename
from .registry import EXPORTERS, Export
from .views import download


def stage_book(sheet: MonitoringSheet | SelfEvaluation) -> Book:
    """One sheet as a book: `山海关区残联本级_2021_残疾人康复经费绩效自评表（草稿）`."""
    if isinstance(sheet, MonitoringSheet):
        document, year = monitoring_document(sheet), sheet.round.year.year
    else:
        document, year = evaluation_document(sheet), sheet.year.year
    draft = sheet.status != Status.PUBLISHED
    return Book(
        title=sheet.title,
        author=sheet.unit.name,
        filename=safe_filename(f"{sheet.unit.name}_{year}_{sheet.title}", draft=draft),
        parts=[
            Part(heading="", entries=[BookEntry(label=sheet.table.name[:28], document=document)])
        ],
        draft=draft,
    )


def export_stage(sheet: MonitoringSheet | SelfEvaluation, fmt: str) -> Export:
    return EXPORTERS[fmt](stage_book(sheet))


def _download(request: HttpRequest, sheet, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    export = export_stage(sheet, fmt)
    record(
        kind=EventKind.EXPORT_DOWNLOAD
        if sheet.status == Status.PUBLISHED
        else EventKind.DRAFT_DOWNLOAD,
        request=request,
        obj=sheet,
        details={"format": fmt, "status": sheet.status, "filename": export.filename},
    )
    return download(export)


@login_required
@require_safe
@never_cache
def monitoring_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _download(request, get_sheet_for_user(request.user, pk), fmt)


@login_required
@require_safe
@never_cache
def evaluation_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _download(request, get_evaluation_for_user(request.user, pk), fmt)
