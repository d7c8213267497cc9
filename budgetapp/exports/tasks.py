"""Background tasks (Django's Tasks API via the django-tasks backport; run by `db_worker`)."""

from __future__ import annotations

from django_tasks import task

from . import book_jobs, jobs


@task()
def export_city_books(job_id: int) -> None:
    jobs.run_city_export(job_id)


@task()
def export_unit_book_task(job_id: int) -> None:
    book_jobs.run_book_export(job_id)
