"""The background export of a whole city: start it, watch its progress, download the ZIP."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.core.errors import NotAllowed
from budgetapp.core.http import stored_file_response
from budgetapp.units.models import BudgetYear

from .jobs import (
    ExportAlreadyRunning,
    ExportGone,
    downloadable_file,
    fail_stuck_jobs,
    get_job_for_user,
    is_expired,
    start_city_export,
)
from .models import ExportJob, JobKind, JobStatus
from .xlsx import MIMETYPE as XLSX_MIMETYPE

EXPORT_MIMETYPES = {"pdf": "application/pdf", "xlsx": XLSX_MIMETYPE}


@login_required
@require_POST
def job_start(request: HttpRequest) -> HttpResponse:
    requested = request.POST.get("year", "")
    if not requested.isdigit():
        raise Http404("没有这个预算年度。")
    year = get_object_or_404(BudgetYear, year=int(requested))
    try:
        job = start_city_export(user=request.user, year=year)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except ExportAlreadyRunning as running:
        messages.info(request, str(running))
        return redirect("exports:job", pk=running.job.pk)
    return redirect("exports:job", pk=job.pk)


def _state(job: ExportJob) -> dict:
    downloadable = job.status == JobStatus.DONE and not is_expired(job)
    error = job.error or ("导出文件已过期删除，如需要，请重新导出。" if is_expired(job) else "")
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
        "error": error,
        "download_url": reverse("exports:job_download", args=[job.pk]) if downloadable else "",
        # A city export that failed or expired: the page offers to export again.
        "can_restart": job.kind == JobKind.CITY
        and (job.status == JobStatus.FAILED or is_expired(job)),
    }


@login_required
@require_safe
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    fail_stuck_jobs()
    job = get_job_for_user(request.user, pk)
    return render(request, "exports/job.html", {"job": job, "state": _state(job)})


@login_required
@require_safe
@never_cache
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    fail_stuck_jobs()
    return JsonResponse(_state(get_job_for_user(request.user, pk)))


@login_required
@require_safe
@never_cache
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    try:
        file = downloadable_file(request.user, job)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except ExportGone as error:
        raise Http404(str(error)) from error
    content_type = "application/zip" if job.kind == JobKind.CITY else EXPORT_MIMETYPES[job.fmt]
    response = stored_file_response(file, filename=job.filename, content_type=content_type)
    # A city export holds every table of the city, a unit's book every table of the unit, drafts
    # included.
    details = {"filename": job.filename}
    if job.kind == JobKind.BOOK:
        details.update(format=job.fmt, year=job.year.year, unit=job.unit_id, contents=job.contents)
    record(kind=EventKind.DRAFT_DOWNLOAD, request=request, obj=job, details=details)
    return response
