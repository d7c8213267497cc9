"""The editor hands the indicator rows it read (with their categories) to the 智能审核 of the
saved table, which read them a second time (issue 17): one query less, the same page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.targets.models import ProjectIndicator
from budgetapp.targets.views import editing

from .conftest import login

pytestmark = pytest.mark.usefixtures("checks_on")


def _page(client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _own_row_reads(queries: CaptureQueriesContext, pk: int) -> int:
    table = connection.ops.quote_name(ProjectIndicator._meta.db_table)
    return sum(
        1
        for query in queries.captured_queries
        if f"FROM {table}" in query["sql"] and re.search(rf'"table_id" = {pk}\b', query["sql"])
    )


def _compare(client, users, project, monkeypatch, reads: int) -> None:
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    with CaptureQueriesContext(connection) as queries:
        shared = _page(client, url)
    assert _own_row_reads(queries, project.pk) == reads
    assert "智能审核" in shared
    monkeypatch.setattr(editing, "share_saved_rows", lambda table, formsets: None)
    with CaptureQueriesContext(connection) as queries:
        assert _page(client, url) == shared
    assert _own_row_reads(queries, project.pk) == 2


def test_editor_reads_its_rows_once_and_shows_the_same_page(
    client, users, project, monkeypatch
) -> None:
    _compare(client, users, project, monkeypatch, reads=1)


def test_row_of_a_category_outside_the_lists_read_again(
    client, users, project, category, monkeypatch
) -> None:
    # A 二级 that is in fact an 一级 (bad data an import could leave) is not among the 二级 the
    # editor read: the rows are then read again as before, and the page is the same.
    row = project.indicators.first()
    row.level2 = category("满意度指标")
    row.save()
    _compare(client, users, project, monkeypatch, reads=2)
