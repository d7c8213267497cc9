"""City exports under faults and over time (issue 13 §4): rights checked again at download,
files expire, one running export per user, a worker killed half-way offers no partial file."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from budgetapp.exports import jobs
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
    folder = Path(media_root) / "exports" / "jobs"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


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
    login(client, users["reviewer"])
    assert _download(client, job).status_code == 404
    assert client.get(reverse("exports:job_status", args=[job.pk])).json()["download_url"] == ""

    settings.EXPORT_JOB_TIMEOUT_MINUTES = 60
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=2))
    state = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert state["status"] == JobStatus.FAILED and "导出超时" in state["error"]
    assert state["finished"] and state["download_url"] == ""

    call_command("purge_exports", verbosity=0)
    assert _job_files(media_root) == []
    # The user can start again.
    response = client.post(reverse("exports:job_start"), {"year": "2021"})
    assert response.status_code == 302
    assert ExportJob.objects.filter(status=JobStatus.FAILED).count() == 1


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
