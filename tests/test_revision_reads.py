"""A revision reads each of the table's row lists once for both its snapshot and its frozen
layout (issue 17), writes what it wrote before, and leaves the caller's table as it was."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.targets.models import (
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
    Revision,
    RevisionAction,
)
from budgetapp.targets.revisions import ensure_revision, frozen_layout, record_revision
from budgetapp.targets.snapshots import serialize_table

from .conftest import login
from .html_forms import read_form


def _reads_of(queries: CaptureQueriesContext, model) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and f"FROM {table}" in query["sql"]
    )


def test_revision_reads_each_row_list_once(project, users) -> None:
    fresh = ProjectTable.objects.get(pk=project.pk)
    expected_data, expected_layout = serialize_table(fresh), frozen_layout(fresh)
    assert expected_layout is not None  # the layouts app hands its builder over

    table = ProjectTable.objects.get(pk=project.pk)
    with CaptureQueriesContext(connection) as queries:
        revision = record_revision(table, user=users["owner"], action=RevisionAction.EDIT, ip=None)
    assert _reads_of(queries, ProjectGoal) == 1
    assert _reads_of(queries, ProjectIndicator) == 1
    assert revision.data == expected_data
    assert revision.layout == expected_layout

    # The rows it read are not left on the caller's table.
    assert not getattr(table, "_prefetched_objects_cache", {})
    ProjectGoal.objects.create(table=table, order=2, text="新增目标")
    assert [goal.text for goal in table.goals.all()][-1] == "新增目标"


def test_rows_prefetched_with_the_table_are_not_read_again(project, users) -> None:
    table = ProjectTable.objects.with_indicator_rows().get(pk=project.pk)
    with CaptureQueriesContext(connection) as queries:
        record_revision(table, user=users["owner"], action=RevisionAction.EDIT, ip=None)
    assert _reads_of(queries, ProjectIndicator) == 0
    assert _reads_of(queries, ProjectGoal) == 1


def test_the_current_revision_is_read_without_its_layout(project, users) -> None:
    """A write reads the current revision for its content (the "old" side of the changes):
    not its frozen layout nor its changes, which it does not use; they are still there when
    asked for."""
    first = ensure_revision(ProjectTable.objects.get(pk=project.pk))
    assert first.layout is not None
    table = ProjectTable.objects.get(pk=project.pk)
    with CaptureQueriesContext(connection) as queries:
        current = ensure_revision(table)
    revision_table = connection.ops.quote_name(Revision._meta.db_table)
    (read,) = [q["sql"] for q in queries.captured_queries if f"FROM {revision_table}" in q["sql"]]
    assert f"{revision_table}.{connection.ops.quote_name('layout')}" not in read
    assert f"{revision_table}.{connection.ops.quote_name('changes')}" not in read
    assert current.pk == first.pk and current.data == first.data
    assert current.layout == first.layout  # read when asked for


def test_a_save_does_not_read_back_the_version_it_wrote(client, users, project) -> None:
    """The version an update writes is the locked row's plus one: the editor's save records
    it without reading the table again, and it is the one stored."""
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = dict(read_form(client.get(url).content.decode()).pairs)
    data["fund_use"] = "新的资金用途"
    before = ProjectTable.objects.get(pk=project.pk).version
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302
    assert _reads_of(queries, ProjectTable) == 3  # the page's table, the lock, the siblings
    stored = ProjectTable.objects.get(pk=project.pk)
    latest = Revision.of(stored).order_by("-version").first()
    assert stored.version == before + 1 == latest.version
    assert stored.fund_use == "新的资金用途" == latest.data["fields"]["fund_use"]
