"""On SQLite, a save that meets a database locked by another writer is answered like a stale
save: the typed text stays on the page with a Chinese message, nothing is written, no 500.

The test database is in memory, where this lock cannot be shown; the test copies it into a file
database, points the connection at it, and holds a write lock from a second connection.
"""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection
from django.urls import reverse

from budgetapp.targets.models import ProjectTable, Revision

from .conftest import login
from .forms_data import existing_rows, project_post

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def file_database(tmp_path, project):
    """The test data in a file-based SQLite database, for the rest of the test."""
    if connection.vendor != "sqlite":
        pytest.skip("a locked database is SQLite's answer to two writers; PostgreSQL waits")
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    with sqlite3.connect(path) as copy:
        memory.backup(copy)
    copy.close()
    saved = {key: connection.settings_dict[key] for key in ("NAME", "OPTIONS")}
    connection.connection = None  # kept open in `memory`: the in-memory database lives on
    connection.settings_dict["NAME"] = str(path)
    # Wait half a second for the lock instead of SQLite's default five.
    connection.settings_dict["OPTIONS"] = {**saved["OPTIONS"], "timeout": 0.5}
    try:
        yield path
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection.connection = memory


def test_a_save_meeting_a_locked_database_keeps_the_typed_text(
    client, users, project, category, file_database
):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    typed = project_post(
        table=project, indicators=existing_rows(project, category), name="锁定时输入的名称"
    )
    revisions = Revision.objects.count()
    holder = sqlite3.connect(file_database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        response = client.post(url, typed)
    finally:
        holder.rollback()
        holder.close()

    assert response.status_code == 200
    html = response.content.decode()
    assert "数据库正忙" in html and 'value="锁定时输入的名称"' in html
    assert f'name="loaded_version" value="{project.version}"' in html
    project.refresh_from_db()
    assert project.name == "残疾人就业服务中心运转经费" and project.version == 1
    assert Revision.objects.count() == revisions

    # Once the other writer is done, the same page saves.
    again = client.post(url, typed)
    assert again.status_code == 302
    assert ProjectTable.objects.get(pk=project.pk).name == "锁定时输入的名称"
