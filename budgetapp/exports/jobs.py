"""Background export of a whole city: every unit's book of a year as PDFs in one ZIP.

`start_city_export` records an `ExportJob` and enqueues the task (`tasks.py`); the worker calls
`run_city_export`, which counts progress after each unit so the requester's page can show it.
Only the requester (and administrators) see a job.
"""

from __future__ import annotations

import logging
import tempfile
import zipfile

from django.contrib.auth.models import AnonymousUser, User
from django.core.files import File
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.targets.services import NotAllowed
from budgetapp.units.access import account_of, role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role, Unit

from .book import safe_filename
from .models import ExportJob, JobStatus
from .registry import export_unit_book

logger = logging.getLogger(__name__)


def scope_name(user: User) -> str:
    """How the units a user oversees are named in titles: the reviewer's city."""
    account = account_of(user)
    if role_of(user) == Role.REVIEWER and account is not None and account.unit is not None:
        return account.unit.region.name
    return "全部单位"


def units_with_tables(user: User, year: BudgetYear) -> list[Unit]:
    """The units the user oversees that have at least one table of the year."""
    with_tables = Q(pk__in=ProjectTable.objects.filter(year=year).values("unit_id")) | Q(
        pk__in=DepartmentTable.objects.filter(year=year).values("unit_id")
    )
    return list(
        units_visible_to(user)
        .filter(with_tables)
        .select_related("region")
        .order_by("region__path", "code", "name")
    )


def start_city_export(*, user: User, year: BudgetYear) -> ExportJob:
    if role_of(user) not in (Role.REVIEWER, Role.ADMIN):
        raise NotAllowed("只有审核人可以导出全市的绩效目标。")
    # Imported here: the task module imports this one.
    from .tasks import export_city_books

    job = ExportJob.objects.create(
        requested_by=user, year=year, total=len(units_with_tables(user, year))
    )
    result = export_city_books.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def get_job_for_user(user: User | AnonymousUser, pk: int) -> ExportJob:
    """A job its requester (or an administrator) may see; 404 for everybody else."""
    jobs: QuerySet[ExportJob] = ExportJob.objects.select_related("year")
    if role_of(user) != Role.ADMIN:
        jobs = jobs.filter(requested_by=user.pk) if user.is_authenticated else jobs.none()
    return get_object_or_404(jobs, pk=pk)


def _zip_name(filename: str, unit: Unit, taken: set[str]) -> str:
    # Unit names are unique only within a region: the region tells two namesakes apart.
    name = filename if filename not in taken else f"{unit.region.name}_{filename}"
    taken.add(name)
    return name


def run_city_export(job_id: int) -> None:
    """Export every unit's book of the job's year into one ZIP, counting units as they finish."""
    job = ExportJob.objects.select_related("requested_by", "year").get(pk=job_id)
    if job.status != JobStatus.PENDING:
        return  # already run (a retried task must not export twice)
    units = units_with_tables(job.requested_by, job.year)
    job.status, job.total, job.done = JobStatus.RUNNING, len(units), 0
    job.save(update_fields=["status", "total", "done"])
    current: Unit | None = None
    try:
        with tempfile.TemporaryFile() as buffer:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                taken: set[str] = set()
                for current in units:
                    export = export_unit_book(current, job.year.year, "pdf")
                    archive.writestr(_zip_name(export.filename, current, taken), export.content)
                    ExportJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
                current = None
            buffer.seek(0)
            stem = safe_filename(f"{scope_name(job.requested_by)}_{job.year.year}_绩效目标全本")
            job.filename = f"{stem}.zip"
            job.file.save(job.filename, File(buffer), save=False)
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        where = f"“{current.name}”的全本" if current is not None else "压缩文件"
        job.status = JobStatus.FAILED
        job.error = f"导出失败：{where}未能生成。请稍后重新导出；如仍失败，请联系管理员。"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return
    job.refresh_from_db(fields=["done"])
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "status", "finished_at"])
