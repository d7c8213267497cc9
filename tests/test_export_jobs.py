"""The background export of a city's books: started from the dashboard, run as a task (at once
in tests), progress after each unit, a ZIP only the requester (or an administrator) gets."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgetapp.exports import jobs
from budgetapp.exports.models import ExportJob, JobStatus
from budgetapp.exports.tasks import export_city_books
from budgetapp.targets.models import ProjectTable

from .conftest import login, pdf_text

LOGIN = "login"
OWN_BOOK = "山海关区残联本级_2021_绩效目标（草稿）.pdf"  # drafts: not published
NEIGHBOUR_BOOK = "北戴河区残联本级_2021_绩效目标（草稿）.pdf"  # drafts: not published


@pytest.fixture
def neighbour(tree, project) -> ProjectTable:
    return ProjectTable.objects.create(
        unit=tree["other"],
        year=project.year,
        framework=project.framework,
        sequence=1,
        name="北戴河区康复项目",
        budget_total=Decimal("5.50"),
    )


def start(client, user, year=2021):
    return login(client, user).post(reverse("exports:job_start"), {"year": str(year)})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def job(client, users, project, neighbour) -> ExportJob:
    response = start(client, users["reviewer"])
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exports:job", args=[job.pk]
    )
    client.logout()
    return job


def test_the_task_exports_one_pdf_book_per_unit_of_the_city_into_a_zip(client, users, job):
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.error == ""
    assert (job.done, job.total, job.percent) == (2, 2, 100)
    assert job.task_id and job.finished_at is not None

    response = login(client, users["reviewer"]).get(reverse("exports:job_download", args=[job.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert (
        f"filename*=utf-8''{quote('秦皇岛市_2021_绩效目标全本.zip')}"
        in (response["Content-Disposition"])
    )
    archive = zipfile.ZipFile(BytesIO(body(response)))
    assert sorted(archive.namelist()) == sorted([OWN_BOOK, NEIGHBOUR_BOOK])
    assert "残疾人就业服务中心运转经费" in pdf_text(archive.read(OWN_BOOK))
    assert "北戴河区康复项目" in pdf_text(archive.read(NEIGHBOUR_BOOK))
    assert archive.read(OWN_BOOK).startswith(b"%PDF")


def test_progress_is_recorded_after_each_unit(users, project, neighbour, monkeypatch):
    job = ExportJob.objects.create(requested_by=users["reviewer"], year=project.year)
    seen: list[tuple[int, int]] = []
    export = jobs.export_unit_book

    def watching(unit, year, fmt):
        current = ExportJob.objects.get(pk=job.pk)
        seen.append((current.done, current.total))
        return export(unit, year, fmt)

    monkeypatch.setattr(jobs, "export_unit_book", watching)
    result = export_city_books.enqueue(job.pk)

    assert result.status == "SUCCESSFUL"
    assert seen == [(0, 2), (1, 2)]
    job.refresh_from_db()
    assert (job.done, job.total, job.status) == (2, 2, JobStatus.DONE)


def test_a_failed_unit_fails_the_job_with_a_message_in_chinese(
    client, users, project, neighbour, monkeypatch
):
    def failing(unit, year, fmt):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(jobs, "export_unit_book", failing)
    start(client, users["reviewer"])

    job = ExportJob.objects.get()
    assert job.status == JobStatus.FAILED and not job.file
    assert job.error.startswith("导出失败：“") and "未能生成" in job.error
    state = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert state["finished"] and state["error"] == job.error and state["download_url"] == ""
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404


def test_the_page_shows_a_progress_bar_that_polls_the_status(client, users, job):
    login(client, users["reviewer"])
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page
    assert f'data-status-url="{reverse("exports:job_status", args=[job.pk])}"' in page
    assert "js/export_job.js" in page
    assert reverse("exports:job_download", args=[job.pk]) in page

    state = client.get(reverse("exports:job_status", args=[job.pk]))
    assert "no-cache" in state["Cache-Control"]
    assert state.json() == {
        "status": "done",
        "status_label": "已完成",
        "done": 2,
        "total": 2,
        "percent": 100,
        "finished": True,
        "error": "",
        "download_url": reverse("exports:job_download", args=[job.pk]),
        "can_restart": False,
    }


def test_a_pending_job_shows_no_download(client, users, project):
    job = ExportJob.objects.create(requested_by=users["reviewer"], year=project.year, total=3)
    login(client, users["reviewer"])
    state = client.get(reverse("exports:job_status", args=[job.pk])).json()
    assert (state["status"], state["percent"], state["download_url"]) == ("pending", 0, "")
    assert (
        "progress-bar-animated"
        in client.get(reverse("exports:job", args=[job.pk])).content.decode()
    )
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404


JOB_ACCESS = {
    "reviewer": 200,  # the requester
    "owner": 404,
    "colleague": 404,
    "other_reviewer": 404,
    "admin": 200,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize(("who", "expected"), JOB_ACCESS.items())
@pytest.mark.parametrize("name", ["exports:job", "exports:job_status", "exports:job_download"])
def test_only_the_requester_and_administrators_see_a_job(client, users, job, name, who, expected):
    if who != "anonymous":
        login(client, users[who])
    response = client.get(reverse(name, args=[job.pk]))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


START_ACCESS = {"owner": 403, "colleague": 403, "other_reviewer": 302, "admin": 302}


@pytest.mark.parametrize(("who", "expected"), START_ACCESS.items())
def test_who_may_start_an_export(client, users, project, who, expected):
    response = start(client, users[who])
    assert response.status_code == expected
    assert ExportJob.objects.count() == (1 if expected == 302 else 0)


def test_anonymous_is_sent_to_log_in_and_starting_takes_a_post(client, users, project):
    response = client.post(reverse("exports:job_start"), {"year": "2021"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login(client, users["reviewer"])
    assert client.get(reverse("exports:job_start")).status_code == 405
    assert client.post(reverse("exports:job_start"), {"year": "20x1"}).status_code == 404
    assert client.post(reverse("exports:job_start"), {"year": "2020"}).status_code == 404
    assert not ExportJob.objects.exists()


def test_the_other_citys_export_holds_only_its_own_units(client, users, project, tree):
    ProjectTable.objects.create(
        unit=tree["other_city"],
        year=project.year,
        framework=project.framework,
        name="张家口项目",
        budget_total=1,
    )
    start(client, users["other_reviewer"])
    job = ExportJob.objects.get()
    assert (job.status, job.total) == (JobStatus.DONE, 1)
    archive = zipfile.ZipFile(job.file.path)
    assert archive.namelist() == ["张家口市残联本级_2021_绩效目标（草稿）.pdf"]


def test_the_dashboard_lists_the_requesters_jobs(client, users, job):
    page = login(client, users["reviewer"]).get(reverse("review:dashboard")).content.decode()
    assert reverse("exports:job", args=[job.pk]) in page
    page = login(client, users["admin"]).get(reverse("review:dashboard")).content.decode()
    assert reverse("exports:job", args=[job.pk]) not in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_backend_the_worker_runs_the_job(client, users, project, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    start(client, users["reviewer"])
    job = ExportJob.objects.get()
    assert job.status == JobStatus.PENDING and job.task_id

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 1, 1)
    assert zipfile.ZipFile(job.file.path).namelist() == [OWN_BOOK]
