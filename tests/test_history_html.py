"""The table page's 历史版本 items rendered in Python (review.history.revision_items_html) are
exactly what templates/review/_revision_items.html renders: every write path, a saver with and
without a full name or none, names that need escaping, revisions with and without a layout,
the first entry, counted and compared changes, a time that is another day in Beijing, and
the empty list; and on a real table's page."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from budgetapp.review.history import HistoryEntry, revision_items_html, table_history
from budgetapp.targets.models import Revision, RevisionAction
from budgetapp.targets.snapshots import FieldChange, TableDiff

from .conftest import login
from .test_history import edited  # noqa: F401 (the fixture)


def _reference(entries: list[HistoryEntry], kind: str, pk: int) -> str:
    context = {"revisions": entries, "kind": kind, "table": SimpleNamespace(pk=pk)}
    return render_to_string("review/_revision_items.html", context)


def _entries() -> list[HistoryEntry]:
    User = get_user_model()
    savers = [
        User(username="filer<1>", first_name="", last_name=""),
        User(username="x", first_name="张&\"三'", last_name="<b>"),
        None,
    ]
    entries = []
    for index, action in enumerate(RevisionAction):
        revision = Revision(
            version=index + 1,
            action=action,
            saved_by=savers[index % len(savers)],
            saved_at=datetime(2026, 3, 9, 16 + index, 5 * index, 59, tzinfo=UTC),
        )
        revision.layout_kept = index % 2 == 0
        if index == 0:
            entries.append(HistoryEntry(revision, None))
        elif index % 3 == 1:
            entries.append(HistoryEntry(revision, None, counts=(index % 2, index)))
        else:
            diff = TableDiff(
                fields=[FieldChange("名称", "a", "b", "field:name")] if index % 2 else []
            )
            entries.append(HistoryEntry(revision, diff))
    last = Revision(version=99, saved_at=datetime(2026, 1, 1, tzinfo=UTC), layout={"parts": []})
    entries.append(HistoryEntry(last, None))
    return list(reversed(entries))


@pytest.mark.parametrize("kind", ["project", "department"])
def test_every_kind_of_item_is_the_templates(kind):
    entries = _entries()
    html = revision_items_html(entries, kind, 12345)
    assert html == _reference(entries, kind, 12345)
    assert "&lt;b&gt;" in html and "filer&lt;1&gt;" in html and "系统" in html
    assert "2026-03-10 00:00" in html  # 16:00 UTC on the 9th is past midnight in Beijing


def test_the_empty_list_is_the_templates():
    assert revision_items_html([], "project", 1) == _reference([], "project", 1)


def test_a_real_tables_items_and_page(client, users, edited):  # noqa: F811
    entries = table_history(edited)
    html = revision_items_html(entries, "project", edited.pk)
    assert html == _reference(entries, "project", edited.pk)
    page = login(client, users["owner"]).get(edited.get_absolute_url()).content.decode()
    assert html in page and "修改 1 处字段" in html
