"""Exports never starve filers (issue 17 §4): a unit's book above a few tables becomes a task
with a progress page; a web process prints one table at a time, with no pool; the task worker
prints with the pool at a lower CPU priority."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgetapp.audit.models import AuditEvent, EventKind
from budgetapp.core import process
from budgetapp.exports import pdf, pdf_pool
from budgetapp.exports.management.commands import run_task_worker
from budgetapp.exports.models import ExportJob, JobKind, JobStatus
from budgetapp.targets.models import ProjectTable

from .conftest import login, pdf_text

LOGIN = "login"


@pytest.fixture
def big_book(project, settings) -> list[ProjectTable]:
    """The owner's unit with five project tables: above EXPORT_BOOK_INLINE_TABLES (3)."""
    settings.EXPORT_BOOK_INLINE_TABLES = 3
    tables = [project]
    for sequence in range(2, 6):
        tables.append(
            ProjectTable.objects.create(
                unit=project.unit, year=project.year, framework=project.framework,
                sequence=sequence, name=f"第{sequence}个康复项目", budget_total=Decimal("1.00"),
            )
        )  # fmt: skip
    return tables


@pytest.fixture
def web_process():
    """Run the test as a web process (gunicorn sets this through budgetapp/wsgi.py)."""
    process.set_role(process.WEB)
    yield
    process.set_role(process.COMMAND)


def book_url(unit, fmt="pdf", year=2021):
    return reverse("exports:unit_book", args=[unit.pk, year, fmt])


def start_url(unit, fmt="pdf", year=2021):
    return reverse("exports:unit_book_start", args=[unit.pk, year, fmt])


def test_an_on_demand_book_above_a_few_tables_becomes_a_task(client, users, big_book):
    login(client, users["owner"])
    unit = big_book[0].unit
    # The link of the home page offers to start it, and prints nothing in the request.
    page = client.get(book_url(unit))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "共有 5 张绩效目标表" in html and start_url(unit) in html and 'method="post"' in html
    assert not ExportJob.objects.exists()

    response = client.post(start_url(unit))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exports:job", args=[job.pk]
    )
    # The tasks run at once in the tests: the book is printed, every table counted.
    assert (job.kind, job.unit, job.fmt, job.requested_by) == (
        JobKind.BOOK,
        unit,
        "pdf",
        users["owner"],
    )
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 5, 5)

    progress = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert (
        "导出单位全本" in progress
        and '5</span> / <span data-role="total">5</span> 张表' in progress
    )
    download = client.get(reverse("exports:job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content))
    for table in big_book:
        assert table.name in text
    assert job.filename == "山海关区残联本级_2021_绩效目标（草稿）.pdf"
    assert AuditEvent.objects.filter(kind=EventKind.DRAFT_DOWNLOAD, object_id=str(job.pk)).exists()


def test_the_excel_book_becomes_a_task_too(client, users, big_book):
    login(client, users["owner"]).post(start_url(big_book[0].unit, "xlsx"))
    job = ExportJob.objects.get()
    assert (job.status, job.fmt) == (JobStatus.DONE, "xlsx")
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_a_small_book_is_still_printed_in_the_request(client, users, project):
    login(client, users["owner"])
    assert client.get(book_url(project.unit))["Content-Type"] == "application/pdf"
    # Posting to start it answers with the file too: nothing to wait for.
    response = client.post(start_url(project.unit))
    assert response["Content-Type"] == "application/pdf"
    assert not ExportJob.objects.exists()


def test_starting_the_same_book_again_shows_the_one_running(client, users, big_book, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    login(client, users["owner"])
    first = client.post(start_url(big_book[0].unit))
    second = client.post(start_url(big_book[0].unit))
    job = ExportJob.objects.get()
    assert job.status == JobStatus.PENDING
    assert first["Location"] == second["Location"] == reverse("exports:job", args=[job.pk])


START_ACCESS = {
    "owner": 302,
    "reviewer": 302,
    "admin": 302,
    "colleague": 404,
    "other_reviewer": 404,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize(("who", "expected"), START_ACCESS.items())
def test_who_may_start_a_book(client, users, big_book, who, expected):
    if who != "anonymous":
        login(client, users[who])
    response = client.post(start_url(big_book[0].unit))
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    assert ExportJob.objects.count() == (1 if expected == 302 and who != "anonymous" else 0)
    # Starting takes a POST.
    assert client.get(start_url(big_book[0].unit)).status_code in (302, 405)


def test_only_the_requester_downloads_and_only_while_they_may_read_the_unit(
    client, users, big_book
):
    login(client, users["owner"]).post(start_url(big_book[0].unit))
    job = ExportJob.objects.get()
    download = reverse("exports:job_download", args=[job.pk])
    assert login(client, users["colleague"]).get(download).status_code == 404
    assert login(client, users["reviewer"]).get(download).status_code == 404
    # The owner moves to another county: the file is theirs no longer.
    account = users["owner"].account
    account.unit = big_book[0].unit.__class__.objects.exclude(pk=big_book[0].unit_id).first()
    account.save()
    assert login(client, users["owner"]).get(download).status_code == 403


def test_a_web_process_prints_a_book_one_table_at_a_time_without_a_pool(
    client, users, project, settings, web_process, monkeypatch
):
    settings.EXPORT_PDF_WORKERS = 2
    assert pdf.workers() == 1
    monkeypatch.setattr(
        pdf_pool, "_executor", lambda workers: pytest.fail("a pool in a web process")
    )
    ProjectTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, sequence=2,
        name="第二个项目", budget_total=Decimal("1.00"),
    )  # fmt: skip
    response = login(client, users["owner"]).get(book_url(project.unit))
    assert response["Content-Type"] == "application/pdf"
    assert "第二个项目" in pdf_text(response.content)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_worker_prints_the_book_with_the_pool_at_a_lower_priority(
    client, users, big_book, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXPORT_PDF_WORKERS = 2
    settings.TASK_WORKER_NICE = 7
    login(client, users["owner"]).post(start_url(big_book[0].unit))
    job = ExportJob.objects.get()
    assert job.status == JobStatus.PENDING and job.task_id

    before = os.nice(0)
    niceness = [before]

    def nice(increment: int) -> int:  # the test process keeps its priority
        niceness[0] += increment
        return niceness[0]

    seen: list[tuple[str, int]] = []
    real_render = pdf.render_book

    def spy(book, **kwargs):
        seen.append((process.role(), pdf.workers()))
        return real_render(book, **kwargs)

    policies: list[int] = []
    settings.TASK_WORKER_SCHED_IDLE = True
    monkeypatch.setattr(os, "nice", nice)
    monkeypatch.setattr(
        os, "sched_setscheduler", lambda pid, policy, param: policies.append(policy)
    )
    monkeypatch.setattr(os, "sched_getscheduler", lambda pid: policies[-1] if policies else 0)
    monkeypatch.setattr(pdf, "render_book", spy)
    try:
        call_command("run_task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        process.set_role(process.COMMAND)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 5, 5)
    assert niceness[0] == max(7, before)
    assert policies == [os.SCHED_IDLE]
    assert seen == [(process.TASK_WORKER, 2)]


def test_the_task_worker_stays_at_its_nice_level_where_sched_idle_is_refused(monkeypatch, caplog):
    def refuse(pid: int, policy: int, param: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    assert run_task_worker.idle_scheduling() is False
    assert "SCHED_IDLE refused" in caplog.text
