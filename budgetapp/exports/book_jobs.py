"""A unit's book above a few tables, printed by the task worker with a progress page.

A book of up to EXPORT_BOOK_INLINE_TABLES tables is printed in the request (`views.py`): a
second or two in one process. A larger one would hold a web process for many seconds while
filers wait behind it, so it becomes an `ExportJob` of kind `book`: the task worker prints it
(with the deployment's PDF pool, at a lower CPU priority: core/process.py), counting tables as
they are printed, and the requester downloads it from the job's page. Whoever may read the
unit's tables may start one; the download checks that again. Starting the same book (unit,
year, contents, format) while one is running shows that one instead of starting another.

The same holds for every kind of book (`models.BookContents`: the target tables, the monitoring
sheets, the self-evaluations, the whole year): the job records which, and the worker builds it
through `registry.BOOKS`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from budgetapp.units.models import BudgetYear, Unit

from .jobs import ACTIVE, finish_job, store_work_file, work_file
from .models import BookContents, ExportJob, JobKind, JobStatus
from .pdf import render_pdf
from .registry import BOOKS, EXPORTERS

logger = logging.getLogger(__name__)


def prints_in_background(tables: int) -> bool:
    """Whether a book of this many tables is a task rather than printed in the request."""
    return tables > settings.EXPORT_BOOK_INLINE_TABLES


def start_book_export(
    *,
    user: User,
    unit: Unit,
    year: BudgetYear,
    fmt: str,
    contents: str = BookContents.TARGETS,
) -> ExportJob:
    """Queue the printing of a unit's book; the caller has checked the user may read the unit.
    The same book already queued or printing for the user is returned instead of a second."""
    from .tasks import export_unit_book_task  # the task module imports this one

    if fmt not in EXPORTERS:
        raise ValueError(f"unknown format {fmt!r}")
    if contents not in BOOKS:
        raise ValueError(f"unknown book contents {contents!r}")
    with transaction.atomic():
        running = (
            ExportJob.objects.select_for_update()
            .filter(
                requested_by=user,
                kind=JobKind.BOOK,
                unit=unit,
                year=year,
                fmt=fmt,
                contents=contents,
                status__in=ACTIVE,
            )
            .first()
        )
        if running is not None:
            return running
        job = ExportJob.objects.create(
            requested_by=user,
            kind=JobKind.BOOK,
            unit=unit,
            year=year,
            fmt=fmt,
            contents=contents,
            total=BOOKS[contents].count(unit, year.year),
            unit_ids=[unit.pk],
        )
    result = export_unit_book_task.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def run_book_export(job_id: int) -> None:
    """Print the job's book (counting tables as they are done) and store the file."""
    from .jobs import purge_expired_exports

    purge_expired_exports()
    job = ExportJob.objects.select_related("unit__region", "year").get(pk=job_id)
    if job.status != JobStatus.PENDING:
        return  # already run (a retried task must not export twice)
    book = BOOKS[job.contents].build(job.unit, job.year.year)
    job.status, job.total, job.done = JobStatus.RUNNING, len(book.entries()), 0
    job.started_at = timezone.now()
    job.save(update_fields=["status", "total", "done", "started_at"])

    def progress(printed: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=F("done") + printed)

    partial = work_file(job)
    try:
        if job.fmt == "pdf":
            content, filename = render_pdf(book, progress=progress), f"{book.filename}.pdf"
        else:
            export = EXPORTERS[job.fmt](book)
            content, filename = export.content, export.filename
        partial.write_bytes(content)
        name = store_work_file(job, partial)
    except Exception:
        logger.exception("Book export job %s failed", job.pk)
        finish_job(
            job,
            status=JobStatus.FAILED,
            error=f"导出失败：“{job.unit.name}”的全本未能生成。请稍后重新导出；如仍失败，请联系管理员。",
        )
        return
    finally:
        partial.unlink(missing_ok=True)
    ExportJob.objects.filter(pk=job.pk).update(done=F("total"))
    if not finish_job(job, status=JobStatus.DONE, file=name, filename=filename):
        job.file.storage.delete(name)  # given up on meanwhile (timed out): never offered
