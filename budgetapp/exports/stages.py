"""Books and downloads of the later stages: a monitoring sheet (执行监控表) or a self-evaluation
(绩效自评表) as PDF or Excel, through the same exporters as the target tables. Anything not
published carries the draft mark on every page and in its name, like a draft target table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip
from budgetapp.evaluation.access import get_evaluation_for_user
from budgetapp.evaluation.layout import evaluation_document
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.evaluation.services import serialize_evaluation
from budgetapp.layouts.document import document_to_json
from budgetapp.monitoring.access import get_sheet_for_user
from budgetapp.monitoring.layout import monitoring_document
from budgetapp.monitoring.models import MonitoringSheet
from budgetapp.review import stage_workflow
from budgetapp.targets.models import Status

from . import published
from .book import Book, BookEntry, Part, safe_filename
from .frozen import search_text
from .models import Publication
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


# Publishing a self-evaluation (决算公开): frozen like a target table, files stored with it.


def evaluation_snapshot(evaluation: SelfEvaluation) -> dict:
    """The published data of a self-evaluation, shaped as the target tables' snapshots
    (kind, version, fields with labels, rows by section) so open data reads it the same way."""
    saved = serialize_evaluation(evaluation, [])["fields"]
    fields = {"project": evaluation.table.name, "unit": evaluation.unit.name, **saved}
    labels = {"project": "项目名称", "unit": "实施单位"}
    labels.update({name: str(SelfEvaluation._meta.get_field(name).verbose_name) for name in saved})
    rows = [
        {
            "id": row.pk,
            "level1": row.level1,
            "level2": row.level2,
            "name": row.name,
            "target": row.target,
            "actual": row.actual,
            "weight": str(row.weight),
            "score": str(row.score),
            "analysis": row.analysis,
        }
        for row in evaluation.rows.all()
    ]
    return {
        "kind": "evaluation",
        "version": evaluation.version,
        "fields": fields,
        "labels": labels,
        "rows": {"indicators": rows},
    }


def freeze_evaluation(evaluation: SelfEvaluation, user) -> Publication:
    """Keep the self-evaluation as printed now as its next published version; after a reopen,
    the reasons given become its 更正说明 and the earlier versions stay as they were."""
    content_type = ContentType.objects.get_for_model(evaluation)
    previous = Publication.objects.filter(content_type=content_type, object_id=evaluation.pk)
    last = previous.order_by("-number").first()
    table = evaluation.table
    data = evaluation_snapshot(evaluation)
    searched = {
        "title": evaluation.title,
        "project_code": table.code,
        "project_name": table.name,
        "unit_name": evaluation.unit.name,
        "region_names": " ".join(region.name for region in evaluation.unit.region.ancestors()),
    }
    return Publication.objects.create(
        content_type=content_type,
        object_id=evaluation.pk,
        kind="evaluation",
        unit=evaluation.unit,
        year=evaluation.year,
        number=previous.count() + 1,
        label=f"{table.sequence}.{table.name}自评" if table.sequence else f"{table.name}自评",
        sequence=table.sequence,
        unit_code=evaluation.unit.code,
        search_text=search_text(searched),
        **searched,
        document=document_to_json(evaluation_document(evaluation)),
        data=data,
        published_at=timezone.now(),
        published_by=user,
        correction_note=stage_workflow.correction_note(
            evaluation, last.published_at if last else None
        ),
    )


def publish_evaluation(*, evaluation: SelfEvaluation, user, ip: str | None = None):
    """Publish an approved self-evaluation: the state change, the frozen version and its stored
    PDF/Excel in one transaction (a failed render publishes nothing)."""
    with published.publishing() as stored:

        def freeze(sheet: SelfEvaluation, actor) -> None:
            version = freeze_evaluation(sheet, actor)
            stored.extend(published.store_table_files(publication=version, user=actor))

        return stage_workflow.publish(sheet=evaluation, user=user, freeze=freeze, ip=ip)


@login_required
@require_POST
def evaluation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk)
    try:
        publish_evaluation(evaluation=evaluation, user=request.user, ip=client_ip(request))
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except TableError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已公开。公众可在公开查询页看到此自评表。")
    return redirect("evaluation:sheet", evaluation.pk)
