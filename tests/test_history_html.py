"""The table page's 历史版本 list is read as plain values (review.history.table_history) and
rendered in Python (revision_items_html); it is exactly what the template
templates/review/_revision_items.html renders from the revisions read as model instances, kept
here as the reference (`_reference_entries`: the reading the page had before): every write path,
a saver with and without a full name or none, names that need escaping, revisions with and
without a layout, with and without stored changes, the first entry, more than the page lists,
a time that is another day in Beijing, and the empty list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.template.loader import render_to_string

from budgetapp.review.history import (
    HISTORY_LIMIT,
    HistoryEntry,
    revision_items_html,
    table_history,
)
from budgetapp.targets.models import Revision, RevisionAction
from budgetapp.targets.snapshots import diff_snapshots, serialize_table

from .conftest import login
from .test_history import edited  # noqa: F401 (the fixture)


def _reference_entries(table) -> list[HistoryEntry]:
    """The list as the page read it before: model instances, the template's input."""
    revisions = list(
        Revision.of(table)
        .select_related("saved_by")
        .defer("data", "layout")
        .annotate(layout_kept=Q(layout__isnull=False))
        .order_by("-version")[: HISTORY_LIMIT + 1]
    )
    revisions.reverse()
    entries, previous = [], None
    for revision in revisions:
        changes = revision.changes or {}
        if previous is None:
            entries.append(HistoryEntry(revision, None))
        elif "fields" in changes and "rows" in changes:
            counts = (len(changes["fields"]), len(changes["rows"]))
            entries.append(HistoryEntry(revision, None, counts=counts))
        else:
            entries.append(HistoryEntry(revision, diff_snapshots(previous.data, revision.data)))
        previous = revision
    if len(revisions) > HISTORY_LIMIT:
        entries = entries[1:]
    return list(reversed(entries))


def _compare(table, kind: str = "project") -> str:
    context = {"revisions": _reference_entries(table), "kind": kind, "table": table}
    expected = render_to_string("review/_revision_items.html", context)
    html = revision_items_html(table_history(table), kind, table.pk)
    assert html == expected
    return html


def _revisions(table, count: int) -> None:
    """`count` revisions of every write path, savers of every kind, some without a layout or
    stored changes, an hour apart from 16:00 UTC (midnight in Beijing)."""
    User = get_user_model()
    savers = [
        User.objects.create(username="filer<1>"),
        User.objects.create(username="x", first_name="张&\"三'", last_name="<b>"),
        User.objects.create(username="only-last", last_name="李"),
        None,
    ]
    data = serialize_table(table)
    kind = ContentType.objects.get_for_model(table)
    actions = list(RevisionAction)
    for index in range(count):
        changed = {**data, "name": f"第{index % 3}名"}
        changes = (
            {} if index % 5 == 3 else {"fields": [{}] * (index % 2), "rows": [{}] * (index % 3)}
        )
        revision = Revision.objects.create(
            content_type=kind,
            object_id=table.pk,
            version=index + 1,
            data=changed,
            saved_by=savers[index % len(savers)],
            action=actions[index % len(actions)],
            changes=changes,
            layout=None if index % 4 == 1 else {"parts": []},
        )
        at = datetime(2026, 3, 9, 16, 0, 59, tzinfo=UTC) + timedelta(hours=index)
        Revision.objects.filter(pk=revision.pk).update(saved_at=at)


def test_every_kind_of_item_is_the_templates(project):
    _revisions(project, 12)
    html = _compare(project)
    assert "&lt;b&gt;" in html and "filer&lt;1&gt;" in html and "系统" in html and "李" in html
    assert "2026-03-10 00:00" in html  # 16:00 UTC on the 9th is past midnight in Beijing
    assert "仅有字段记录" in html and "首个记录的版本" in html and "内容没有变化" in html
    assert _compare(project, "department").count("/tables/department/") == 12


def test_more_revisions_than_the_page_lists(project):
    _revisions(project, HISTORY_LIMIT + 3)
    html = _compare(project)
    assert html.count("<li") == HISTORY_LIMIT and "首个记录的版本" not in html


def test_the_empty_list_is_the_templates(project):
    assert "暂无保存记录" in _compare(project)


def test_a_real_tables_items_and_page(client, users, edited):  # noqa: F811
    html = _compare(edited)
    page = login(client, users["owner"]).get(edited.get_absolute_url()).content.decode()
    assert html in page and "修改 1 处字段" in html
