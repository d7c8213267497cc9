"""A real task worker killed with SIGKILL in the middle of a city export (issue 13 §4).

The reviewer starts a city export (tasks queued in the database, as deployed); the worker
(`manage.py run_task_worker`, a real process with the production settings) exports the first units
into its `.partial` ZIP; it is killed with SIGKILL. Then:

- nothing is offered for download, the job still says 进行中 (nobody knows yet);
- the next worker start marks the job failed with a Chinese message, removes the `.partial`
  file and marks the task record failed, before taking any task;
- the reviewer sees the message and a 重新导出 button; the new export, run by a worker, is
  complete and downloadable.

Marked `fault` (live processes, about a minute): CI runs it, the landing check not. The same
steps without processes (the heartbeat, a process gone, a live worker left alone) are in
tests/test_export_job_faults.py.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from budgetapp.exports.jobs import INTERRUPTED
from budgetapp.exports.models import ExportJob, JobStatus
from budgetapp.targets.models import ProjectTable
from budgetapp.units.models import Region, Unit

from .conftest import login
from .live_processes import ROOT, LiveDatabase, is_running, kill, process_env

pytestmark = [
    pytest.mark.fault,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UNITS = 10  # enough that the export takes seconds: it is killed after the first unit


@pytest.fixture
def city(tree, project) -> list[Unit]:
    """The reviewer's city with UNITS units, each with a project table."""
    counties = list(Region.objects.filter(parent=tree["city"].region))
    units = [project.unit]
    for number in range(1, UNITS):
        unit = Unit.objects.create(
            region=counties[number % len(counties)], code=f"7630{number:02}",
            name=f"第{number}康复服务中心",
        )  # fmt: skip
        ProjectTable.objects.create(
            unit=unit, year=project.year, framework=project.framework, sequence=1,
            name=f"第{number}康复服务中心运转经费", budget_total=Decimal("1000.00"),
        )  # fmt: skip
        units.append(unit)
    return units


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database, for a worker process to take (the test settings run them at
    once, in the request)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def _worker_env(database: LiveDatabase, media_root: Path, tmp_path: Path) -> dict[str, str]:
    return process_env(
        database,
        media_root,
        DJANGO_SETTINGS_MODULE="budgetapp.settings",  # as deployed: tasks in the database
        DEBUG="false",
        SECRET_KEY="worker-test-only",
        SITE_URL="http://testserver",
        EXPORT_CACHE_DIR=str(tmp_path / "export-cache"),
        EXPORT_PDF_WORKERS="1",  # no pool of printing processes: the worker is one process
        EXPORT_JOB_HEARTBEAT_SECONDS="1",
    )


def _worker(env: dict[str, str], log: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_task_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.2", *options],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def _run_to_the_end(env: dict[str, str], log: Path) -> str:
    """A worker that takes what is queued and exits (`--batch`); its output."""
    worker = _worker(env, log, "--batch")
    assert worker.wait(timeout=600) == 0, log.read_text()[-3000:]
    return log.read_text()


def _partials(media_root: Path) -> list[Path]:
    return sorted((Path(media_root) / "exports" / "work").glob("*.partial"))


def test_a_worker_killed_mid_export_is_failed_at_the_next_start_and_the_export_can_be_redone(
    client, users, city, media_root, tmp_path, database_tasks, record_property
):
    database = LiveDatabase(tmp_path)
    login(client, users["reviewer"])
    client.post(reverse("exports:job_start"), {"year": "2021"})
    job = ExportJob.objects.get()
    assert job.status == JobStatus.PENDING and job.total == UNITS and job.task_id

    database.push()
    env = _worker_env(database, media_root, tmp_path)
    first = _worker(env, tmp_path / "worker-1.log")
    deadline = time.monotonic() + 300
    while True:  # until the first units are in the half-written ZIP
        database.pull()
        job.refresh_from_db()
        if job.status == JobStatus.RUNNING and job.done >= 1 and _partials(media_root):
            break
        assert first.poll() is None, (tmp_path / "worker-1.log").read_text()[-3000:]
        assert time.monotonic() < deadline, f"the export did not start: {job.status}"
        time.sleep(0.2)
    # The worker as deployed yields the CPU: nice 19 and, on Linux, the SCHED_IDLE policy.
    assert os.getpriority(os.PRIO_PROCESS, first.pid) == 19
    if hasattr(os, "SCHED_IDLE"):
        assert os.sched_getscheduler(first.pid) == os.SCHED_IDLE
    kill(first)  # SIGKILL: no handler runs, nothing is cleaned up
    assert not is_running(first.pid)

    database.pull()
    job.refresh_from_db()
    partial = _partials(media_root)
    record_property("measure", f"killed after {job.done} of {job.total} units")
    assert job.status == JobStatus.RUNNING and 1 <= job.done < job.total
    assert str(first.pid) in job.worker and not job.file
    assert len(partial) == 1 and partial[0].name.startswith(f"{job.pk}-")
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404

    # The next worker start: the job is failed, the half-written file removed.
    output = _run_to_the_end(env, tmp_path / "worker-2.log")
    assert "1 个中断的导出已标为失败" in output
    database.pull()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == INTERRUPTED and not job.file
    assert _partials(media_root) == []
    assert not (Path(media_root) / "exports" / "jobs").is_dir() or not list(
        (Path(media_root) / "exports" / "jobs").iterdir()
    )
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED

    # What the reviewer sees: the message, no download, a button to export again.
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert INTERRUPTED in page and "重新导出" in page
    state = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert state["status"] == JobStatus.FAILED and state["finished"]
    assert state["download_url"] == "" and state["error"] == INTERRUPTED

    response = client.post(reverse("exports:job_start"), {"year": "2021"})
    again = ExportJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and again.status == JobStatus.PENDING
    database.push()
    _run_to_the_end(env, tmp_path / "worker-3.log")
    database.pull()
    again.refresh_from_db()
    assert again.status == JobStatus.DONE and again.done == UNITS
    download = client.get(reverse("exports:job_download", args=[again.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert archive.testzip() is None and len(archive.namelist()) == UNITS
    assert _partials(media_root) == []
