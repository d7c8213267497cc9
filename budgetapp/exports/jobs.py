"""Background export of a whole city: every unit's book of a year as PDFs in one ZIP.

`start_city_export` records an `ExportJob` and enqueues the task (`tasks.py`); the worker calls
`run_city_export`, which counts progress after each unit so the requester's page can show it.
Only the requester (and administrators) see a job, and a download checks again that the
requester still oversees every exported unit.

One export runs per user at a time. The ZIP is written under a temporary name and moved into
place when complete, so a worker killed half-way never leaves a file that is offered. Such a
job is marked failed, and its half-written file removed, as soon as its worker is known dead
(`workers.py`: at the next worker start on that machine, or when its heartbeat stops), and in
any case once it has run (or waited) past EXPORT_JOB_TIMEOUT_MINUTES. Finished files are
deleted after EXPORT_JOB_EXPIRY_DAYS (`purge_expired_exports`: each export run and the
`purge_exports` command).
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.units.access import account_of, role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Region, RegionLevel, Role, Unit

from .book import safe_filename
from .models import ExportJob, JobKind, JobStatus, job_path
from .registry import export_unit_book
from .workers import current_worker, heartbeat, process_is_gone, stale_heartbeat_cutoff

logger = logging.getLogger(__name__)

ACTIVE = (JobStatus.PENDING, JobStatus.RUNNING)
PARTIAL_SUFFIX = ".partial"

INTERRUPTED = "导出中断：后台处理进程意外停止，未生成文件。请重新导出；如仍失败，请联系管理员。"
TIMED_OUT = "导出超时：后台处理中断，未生成文件。请重新导出；如仍失败，请联系管理员。"
QUEUED_TOO_LONG = "导出排队超时：后台处理进程可能未在运行。请联系管理员后重新导出。"


class ExportAlreadyRunning(TableError):
    """The user's previous export has not finished; `job` is that one."""

    def __init__(self, job: ExportJob) -> None:
        super().__init__("您已有一个全市导出正在进行，请等它完成后再开始新的导出。")
        self.job = job


class ExportGone(TableError):
    """The job's file is not (or no longer) there to download."""


def scope_name(user: User) -> str:
    """How the units a user oversees are named in titles and links: the reviewer's region (a
    city, or a province for a province's reviewer); for an administrator, who oversees every
    unit, the province when the site has only one, else 全国."""
    account = account_of(user)
    if role_of(user) == Role.REVIEWER and account is not None and account.unit is not None:
        return account.unit.region.name
    provinces = list(
        Region.objects.filter(level=RegionLevel.PROVINCE).values_list("name", flat=True)[:2]
    )
    return provinces[0] if len(provinces) == 1 else "全国"


def overseen_units(user: User) -> QuerySet[Unit]:
    """The units the user oversees, in the order of the city's summaries (region, code)."""
    return units_visible_to(user).select_related("region").order_by("region__path", "code", "name")


def units_with_tables(user: User, year: BudgetYear) -> list[Unit]:
    """The units the user oversees that have at least one table of the year."""
    with_tables = Q(pk__in=ProjectTable.objects.filter(year=year).values("unit_id")) | Q(
        pk__in=DepartmentTable.objects.filter(year=year).values("unit_id")
    )
    return list(overseen_units(user).filter(with_tables))


def start_city_export(*, user: User, year: BudgetYear) -> ExportJob:
    if role_of(user) not in (Role.REVIEWER, Role.ADMIN):
        raise NotAllowed("只有审核人可以导出全市的绩效目标。")
    # Imported here: the task module imports this one.
    from .tasks import export_city_books

    with transaction.atomic():
        # One start at a time per user, so a double click cannot queue two exports.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        fail_stuck_jobs()
        running = ExportJob.objects.filter(
            requested_by=user, kind=JobKind.CITY, status__in=ACTIVE
        ).first()
        if running is not None:
            raise ExportAlreadyRunning(running)
        job = ExportJob.objects.create(
            requested_by=user, year=year, total=len(units_with_tables(user, year))
        )
    result = export_city_books.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def get_job_for_user(user: User | AnonymousUser, pk: int) -> ExportJob:
    """A job its requester (or an administrator) may see; 404 for everybody else."""
    jobs: QuerySet[ExportJob] = ExportJob.objects.select_related("year", "unit")
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
    purge_expired_exports()
    job = ExportJob.objects.select_related("requested_by", "year").get(pk=job_id)
    if job.status != JobStatus.PENDING:
        return  # already run (a retried task must not export twice)
    units = units_with_tables(job.requested_by, job.year)
    job.status, job.total, job.done = JobStatus.RUNNING, len(units), 0
    job.started_at = job.heartbeat_at = timezone.now()
    job.worker, job.unit_ids = current_worker(), [unit.pk for unit in units]
    fields = ["status", "total", "done", "started_at", "heartbeat_at", "worker", "unit_ids"]
    job.save(update_fields=fields)
    partial = work_file(job)
    current: Unit | None = None
    try:
        with heartbeat(job.pk), partial.open("w+b") as buffer:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                taken: set[str] = set()
                for current in units:
                    export = export_unit_book(current, job.year.year, "pdf")
                    archive.writestr(_zip_name(export.filename, current, taken), export.content)
                    if not _count_unit(job):
                        raise _GivenUp
                current = None
            buffer.flush()
            os.fsync(buffer.fileno())
        name = store_work_file(job, partial)
    except _GivenUp:
        logger.warning("Export job %s was marked failed while it ran; stopped", job.pk)
        return
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        where = f"“{current.name}”的全本" if current is not None else "压缩文件"
        finish_job(
            job,
            status=JobStatus.FAILED,
            error=f"导出失败：{where}未能生成。请稍后重新导出；如仍失败，请联系管理员。",
        )
        return
    finally:
        partial.unlink(missing_ok=True)
    stem = safe_filename(f"{scope_name(job.requested_by)}_{job.year.year}_绩效目标全本")
    if not finish_job(job, status=JobStatus.DONE, file=name, filename=f"{stem}.zip"):
        job.file.storage.delete(name)  # given up on meanwhile (timed out): never offered


def work_file(job: ExportJob) -> Path:
    """Where a job's file is written before it is stored: a local folder (`work_dir`; named "<job id>-<random>…partial", so an abandoned one can be told from a running one)."""
    folder = work_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "zip" if job.kind == JobKind.CITY else job.fmt
    return folder / f"{job.pk}-{uuid.uuid4().hex}.{suffix}{PARTIAL_SUFFIX}"


class _WrittenFile(File):
    """A finished file on the local disk: the file-system storage moves it into place (one
    rename on the same disk) instead of copying it; any other storage (S3…) reads it."""

    def temporary_file_path(self) -> str:
        return self.file.name


def store_work_file(job: ExportJob, path: Path) -> str:
    """Store a finished work file in the default storage (STORAGES); returns its name. It is
    complete or not there at all: nobody is offered a file before the job records its name."""
    with path.open("rb") as handle:
        written = _WrittenFile(handle, name=path.name)
        return job.file.storage.save(job_path(job, ""), written, max_length=255)


class _GivenUp(Exception):
    """The job was marked failed while this worker exported it (its heartbeat was missed)."""


def _count_unit(job: ExportJob) -> bool:
    """One more unit done (and a heartbeat); False if the job is no longer running."""
    return bool(
        ExportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            done=F("done") + 1, heartbeat_at=timezone.now()
        )
    )


def finish_job(job: ExportJob, *, status: str, **fields) -> bool:
    """End a running job; False if it is no longer running (marked failed by the timeout)."""
    return bool(
        ExportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=status, finished_at=timezone.now(), **fields
        )
    )


def fail_stuck_jobs() -> int:
    """Mark failed the jobs nobody is running any more, and remove their half-written files:
    those whose worker is known dead (`workers.py`: its process gone from this machine, or its
    heartbeat stopped), those running or queued past EXPORT_JOB_TIMEOUT_MINUTES (no worker at
    all). Run at every worker start, on each look at a job, each new start and by
    `purge_exports`. Returns how many."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.EXPORT_JOB_TIMEOUT_MINUTES)
    stale = stale_heartbeat_cutoff(now)
    failed = 0
    for job in ExportJob.objects.filter(status=JobStatus.RUNNING).only(
        "pk", "task_id", "worker", "started_at", "heartbeat_at"
    ):
        if job.started_at is not None and job.started_at < cutoff:
            error = TIMED_OUT
        elif (job.heartbeat_at is not None and job.heartbeat_at < stale) or (
            job.worker and process_is_gone(job.worker)
        ):
            error = INTERRUPTED
        else:
            continue
        ended = ExportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=now, error=error
        )
        if ended:
            failed += 1
            logger.warning("Export job %s failed: %s (worker %s)", job.pk, error, job.worker)
            _remove_partials(job.pk)
            _fail_task(job.task_id, error)
    failed += ExportJob.objects.filter(status=JobStatus.PENDING, created_at__lt=cutoff).update(
        status=JobStatus.FAILED, finished_at=now, error=QUEUED_TOO_LONG
    )
    return failed


def _remove_partials(job_pk: int) -> None:
    """The half-written file of a job (named "<job id>-<random>.<ext>.partial")."""
    folder = work_dir()
    if folder.is_dir():
        for path in folder.glob(f"{job_pk}-*{PARTIAL_SUFFIX}"):
            path.unlink(missing_ok=True)


def _fail_task(task_id: str, error: str) -> None:
    """The task's own record (django-tasks-db) says failed too, not running for ever."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not task_id:
        return
    with contextlib.suppress(ValueError, ValidationError):  # not a database backend's id
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="budgetapp.exports.workers.WorkerStopped",
            traceback=error,
        )


def purge_expired_exports(*, days: int | None = None) -> int:
    """Delete the files of exports finished more than `days` (EXPORT_JOB_EXPIRY_DAYS) ago; the
    jobs stay, marked expired. Also fails stuck jobs and removes their half-written files."""
    days = settings.EXPORT_JOB_EXPIRY_DAYS if days is None else days
    fail_stuck_jobs()
    cutoff = timezone.now() - timedelta(days=days)
    expired = 0
    for job in ExportJob.objects.filter(status=JobStatus.DONE, finished_at__lt=cutoff):
        if job.file:
            job.file.delete(save=False)
        job.status = JobStatus.EXPIRED
        job.error = f"导出文件已超过保留期（{days} 天）被删除。如需要，请重新导出。"
        job.save(update_fields=["file", "status", "error"])
        expired += 1
    _remove_abandoned_partials()
    return expired


def work_dir() -> Path:
    """EXPORT_WORK_DIR, or by default a folder under MEDIA_ROOT (on the disk of the stored
    files, so storing a finished file is one rename)."""
    configured = getattr(settings, "EXPORT_WORK_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "exports" / "work"


def _remove_abandoned_partials() -> None:
    folder = work_dir()
    if not folder.is_dir():
        return
    # Named "<job id>-<random>.<ext>.partial": those of jobs still running are being written.
    active = {
        str(pk)
        for pk in ExportJob.objects.filter(status=JobStatus.RUNNING).values_list("pk", flat=True)
    }
    for path in folder.glob("*" + PARTIAL_SUFFIX):
        if path.name.split("-", 1)[0] not in active:
            path.unlink(missing_ok=True)


def is_expired(job: ExportJob) -> bool:
    if job.status == JobStatus.EXPIRED:
        return True
    cutoff = timezone.now() - timedelta(days=settings.EXPORT_JOB_EXPIRY_DAYS)
    return (
        job.status == JobStatus.DONE and job.finished_at is not None and (job.finished_at < cutoff)
    )


def downloadable_file(user: User, job: ExportJob):
    """The job's file, checked at download time: the job is done and not expired, and the user
    still may export and still oversees every unit in it (roles and units change); for a
    unit's book, still may read that unit's tables."""
    if job.kind == JobKind.BOOK:
        if not units_visible_to(user).filter(pk=job.unit_id).exists():
            raise NotAllowed("您已不能查看此单位的表，不能下载此导出文件。")
    elif role_of(user) not in (Role.REVIEWER, Role.ADMIN):
        raise NotAllowed("您当前的角色不能下载全市导出文件。")
    visible = set(units_visible_to(user).filter(pk__in=job.unit_ids).values_list("pk", flat=True))
    if set(job.unit_ids) - visible:
        raise NotAllowed("您的审核范围已变更，不能再下载此导出文件。")
    if is_expired(job):
        raise ExportGone("导出文件已过期删除，如需要，请重新导出。")
    if job.status != JobStatus.DONE or not job.file:
        raise ExportGone("导出尚未完成。")
    return job.file
