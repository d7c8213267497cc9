"""City exports under faults and over time (issue 13 §4): rights checked again at download,
files expire, one running export per user, a worker killed half-way offers no partial file and
its job is failed (with its half-written file removed) once its worker is known dead."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from budgetapp.exports import jobs, workers
from budgetapp.exports.models import ExportJob, JobStatus
from budgetapp.targets.models import ProjectTable
from budgetapp.units.models import Role

from .conftest import login


@pytest.fixture
def neighbour(tree, project) -> ProjectTable:
    return ProjectTable.objects.create(
        unit=tree["other"], year=project.year, framework=project.framework, sequence=1,
        name="北戴河区康复项目", budget_total=Decimal("5.50"),
    )  # fmt: skip


@pytest.fixture
def done_job(client, users, project, neighbour) -> ExportJob:
    login(client, users["reviewer"]).post(reverse("exports:job_start"), {"year": "2021"})
    job = ExportJob.objects.get()
    assert job.status == JobStatus.DONE and Path(job.file.path).is_file()
    assert sorted(job.unit_ids) == sorted([project.unit_id, neighbour.unit_id])
    return job


def _download(client, job):
    return client.get(reverse("exports:job_download", args=[job.pk]))


def _job_files(media_root) -> list[str]:
    """The stored export files and the half-written ones (jobs.work_dir)."""
    names = []
    for sub in ("jobs", "work"):
        folder = Path(media_root) / "exports" / sub
        names += [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return sorted(names)


# --- rights at download time ------------------------------------------------------------------


def test_the_download_checks_the_requesters_rights_again(client, users, tree, done_job):
    assert _download(client, done_job).status_code == 200
    account = users["reviewer"].account

    account.role = Role.FILER  # no longer a reviewer
    account.save()
    assert _download(client, done_job).status_code == 403

    account.role, account.unit = Role.REVIEWER, tree["other_city"]  # moved to another city
    account.save()
    assert _download(client, done_job).status_code == 403

    account.unit = tree["city"]
    account.save()
    assert _download(client, done_job).status_code == 200
    login(client, users["admin"])
    assert _download(client, done_job).status_code == 200


# --- expiry -----------------------------------------------------------------------------------


def test_finished_files_expire_and_are_purged(client, users, done_job, settings, media_root):
    settings.EXPORT_JOB_EXPIRY_DAYS = 7
    path = Path(done_job.file.path)
    ExportJob.objects.filter(pk=done_job.pk).update(finished_at=timezone.now() - timedelta(days=6))
    assert _download(client, done_job).status_code == 200
    call_command("purge_exports", verbosity=0)
    assert path.is_file()

    ExportJob.objects.filter(pk=done_job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    # Expired before any purge ran: not served, and the page says why.
    assert _download(client, done_job).status_code == 404
    state = client.get(reverse("exports:job_status", args=[done_job.pk])).json()
    assert state["download_url"] == "" and "已过期" in state["error"]

    call_command("purge_exports", verbosity=0)
    done_job.refresh_from_db()
    assert done_job.status == JobStatus.EXPIRED and not done_job.file
    assert not path.exists() and _job_files(media_root) == []
    assert _download(client, done_job).status_code == 404


def test_the_worker_purges_expired_files_when_it_runs(client, users, done_job, settings):
    settings.EXPORT_JOB_EXPIRY_DAYS = 3
    old = Path(done_job.file.path)
    ExportJob.objects.filter(pk=done_job.pk).update(finished_at=timezone.now() - timedelta(days=4))
    login(client, users["admin"]).post(reverse("exports:job_start"), {"year": "2021"})
    assert not old.exists()
    assert ExportJob.objects.get(pk=done_job.pk).status == JobStatus.EXPIRED


# --- one running export per user ---------------------------------------------------------------


@pytest.mark.parametrize("status", [JobStatus.PENDING, JobStatus.RUNNING])
def test_a_second_start_shows_the_running_export(client, users, project, status):
    running = ExportJob.objects.create(
        requested_by=users["reviewer"], year=project.year, status=status,
        started_at=timezone.now(),
    )  # fmt: skip
    login(client, users["reviewer"])
    response = client.post(reverse("exports:job_start"), {"year": "2021"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("exports:job", args=[running.pk])
    assert "您已有一个全市导出正在进行" in response.content.decode()
    assert ExportJob.objects.count() == 1
    # Somebody else's export is not held up by it.
    login(client, users["admin"]).post(reverse("exports:job_start"), {"year": "2021"})
    assert ExportJob.objects.count() == 2


# --- a worker killed in the middle ------------------------------------------------------------
# A real worker process killed with SIGKILL: tests/test_export_worker_killed.py (fault-marked).


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the export code may catch it."""


def test_a_worker_killed_mid_export_offers_no_file_and_the_job_fails_visibly(
    client, users, project, neighbour, monkeypatch, media_root, settings
):
    real_export = jobs.export_unit_book
    exported: list[str] = []

    def dying_export(unit, year, fmt):
        if exported:
            raise WorkerKilled
        exported.append(unit.name)
        return real_export(unit, year, fmt)

    monkeypatch.setattr(jobs, "export_unit_book", dying_export)
    job = ExportJob.objects.create(requested_by=users["reviewer"], year=project.year)
    with pytest.raises(WorkerKilled):
        jobs.run_city_export(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and not job.file and job.done == 1
    # Only the half-written ZIP under its temporary name; nothing is offered.
    assert [n for n in _job_files(media_root) if not n.endswith(".partial")] == []
    # (An exception runs the export's `finally` and removes the half-written file; a real
    # SIGKILL does not: tests/test_export_worker_killed.py.)
    login(client, users["reviewer"])
    assert _download(client, job).status_code == 404
    state = client.get(reverse("exports:job_status", args=[job.pk])).json()
    # Its worker (this process) still runs and its heartbeat is fresh: still running.
    assert state["status"] == JobStatus.RUNNING and state["download_url"] == ""

    # No heartbeat or process to judge by, only the time: failed after the timeout.
    settings.EXPORT_JOB_TIMEOUT_MINUTES = 60
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=2))
    state = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert state["status"] == JobStatus.FAILED and state["error"] == jobs.TIMED_OUT
    assert state["finished"] and state["download_url"] == "" and state["can_restart"]
    assert _job_files(media_root) == []  # the half-written file went with it, not at a purge
    # The user can start again.
    response = client.post(reverse("exports:job_start"), {"year": "2021"})
    assert response.status_code == 302
    assert ExportJob.objects.filter(status=JobStatus.FAILED).count() == 1


def _running_job(users, project, media_root, *, worker: str, heartbeat_age: timedelta):
    job = ExportJob.objects.create(
        requested_by=users["reviewer"], year=project.year, status=JobStatus.RUNNING,
        started_at=timezone.now() - heartbeat_age, worker=worker,
        heartbeat_at=timezone.now() - heartbeat_age, total=2, done=1,
    )  # fmt: skip
    folder = jobs.work_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job.pk}-0123abcd.zip.partial").write_bytes(b"PK half a zip")
    (folder / f"{job.pk + 1}-4567cdef.zip.partial").write_bytes(b"PK another job's")
    return job


def _gone_process() -> str:
    """The worker record of a process that has ended on this machine."""
    process = subprocess.Popen(["sleep", "30"])
    try:
        return f"{socket.gethostname()}:{process.pid}:{workers._process_start(process.pid)}"
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize(
    ("worker", "why"),
    [
        (_gone_process, "its process is gone"),
        (lambda: f"{socket.gethostname()}:{os.getpid()}:1", "its pid now names another process"),
    ],
)
def test_a_job_whose_worker_died_on_this_machine_is_failed_at_once_with_its_file(
    client, users, project, media_root, worker, why
):
    job = _running_job(users, project, media_root, worker=worker(), heartbeat_age=timedelta(0))
    assert jobs.fail_stuck_jobs() == 1, why
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == jobs.INTERRUPTED
    assert job.finished_at is not None and not job.file
    # Its half-written file is removed; another job's is not this one's to remove.
    assert _job_files(media_root) == [f"{job.pk + 1}-4567cdef.zip.partial"]
    page = login(client, users["reviewer"]).get(reverse("exports:job", args=[job.pk]))
    html = page.content.decode()
    assert jobs.INTERRUPTED in html and "重新导出" in html
    assert f'action="{reverse("exports:job_start")}"' in html


def test_a_job_whose_heartbeat_stopped_is_failed_wherever_its_worker_ran(
    users, project, media_root, settings
):
    settings.EXPORT_JOB_HEARTBEAT_SECONDS = 30  # stale after 2 minutes
    elsewhere = "worker-container-7f3a:1:4242"  # another machine: its process cannot be seen
    quiet = _running_job(users, project, media_root, worker=elsewhere, heartbeat_age=timedelta(seconds=90))  # fmt: skip
    assert jobs.fail_stuck_jobs() == 0  # missed fewer than 4 beats: left alone
    ExportJob.objects.filter(pk=quiet.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    assert jobs.fail_stuck_jobs() == 1
    quiet.refresh_from_db()
    assert quiet.status == JobStatus.FAILED and quiet.error == jobs.INTERRUPTED


def test_the_job_of_a_worker_that_runs_is_left_alone(users, project, media_root):
    job = _running_job(
        users, project, media_root, worker=workers.current_worker(), heartbeat_age=timedelta(0)
    )
    assert jobs.fail_stuck_jobs() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and len(_job_files(media_root)) == 2


def test_a_running_export_records_its_worker_and_heartbeat(users, project, monkeypatch):
    seen = {}
    real_export = jobs.export_unit_book

    def looking_export(unit, year, fmt):
        seen.update(ExportJob.objects.values("worker", "heartbeat_at", "status").get())
        return real_export(unit, year, fmt)

    monkeypatch.setattr(jobs, "export_unit_book", looking_export)
    job = ExportJob.objects.create(requested_by=users["reviewer"], year=project.year)
    jobs.run_city_export(job.pk)
    assert seen["status"] == JobStatus.RUNNING and seen["worker"] == workers.current_worker()
    assert timezone.now() - seen["heartbeat_at"] < timedelta(minutes=1)
    assert not workers.process_is_gone(seen["worker"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_thread_marks_the_job_alive_while_a_unit_takes_long(users, project, settings):
    settings.EXPORT_JOB_HEARTBEAT_SECONDS = 1
    long_ago = timezone.now() - timedelta(hours=1)
    job = ExportJob.objects.create(
        requested_by=users["reviewer"], year=project.year, status=JobStatus.RUNNING,
        heartbeat_at=long_ago,
    )  # fmt: skip
    with workers.heartbeat(job.pk):
        time.sleep(2.5)  # one unit's book, taking its time
    job.refresh_from_db()
    assert job.heartbeat_at > long_ago + timedelta(minutes=59)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    time.sleep(1.5)  # the thread has stopped with the block
    assert ExportJob.objects.get(pk=job.pk).heartbeat_at == long_ago


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_command_fails_dead_workers_jobs_before_taking_tasks(
    users, project, media_root, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    dead = _running_job(users, project, media_root, worker=_gone_process(), heartbeat_age=timedelta(0))  # fmt: skip
    out = io.StringIO()
    call_command("run_task_worker", "--batch", "--no-reload", "--no-startup-delay", stdout=out)
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.error == jobs.INTERRUPTED
    assert "1 个中断的导出已标为失败" in out.getvalue()


def test_a_job_given_up_on_while_it_ran_keeps_no_file(users, project, monkeypatch, media_root):
    real_export = jobs.export_unit_book

    def slow_export(unit, year, fmt):
        # The timeout marks the job failed while this worker is still exporting.
        ExportJob.objects.update(status=JobStatus.FAILED, error="导出超时")
        return real_export(unit, year, fmt)

    monkeypatch.setattr(jobs, "export_unit_book", slow_export)
    job = ExportJob.objects.create(requested_by=users["reviewer"], year=project.year)
    jobs.run_city_export(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file
    assert _job_files(media_root) == []
