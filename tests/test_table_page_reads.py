"""What the table page reads, and how often (issue 17): who changed it last comes with the table
(`get_table_for_user(..., related=("updated_by",))`), not by a query of its own; the layout is
built once for the page and a reviewer's comment form."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetapp.layouts import document_for
from budgetapp.review.anchors import anchor_choices
from budgetapp.targets.access import get_table_for_user
from budgetapp.targets.models import ProjectTable

from .conftest import login


def test_the_last_editor_is_read_with_the_table(client, users, project):
    owner = users["owner"]
    owner.first_name, owner.last_name = "王", "<五>"
    owner.save()
    ProjectTable.objects.filter(pk=project.pk).update(updated_by=owner)
    table = get_table_for_user(owner, "project", project.pk, related=("updated_by",))
    with CaptureQueriesContext(connection) as queries:
        assert table.updated_by.get_full_name() == "王 <五>"
    assert len(queries) == 0
    page = login(client, owner).get(project.get_absolute_url()).content.decode()
    assert "（王 &lt;五&gt;）</span>" in page


def test_a_reviewers_page_builds_the_layout_once(client, users, project):
    """The comment form's places come from the layout the page shows, not a second one."""
    table = ProjectTable.objects.get(pk=project.pk)
    assert anchor_choices(table, document_for(table)) == anchor_choices(table)
    login(client, users["reviewer"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(project.get_absolute_url()).content.decode()
    goals = [q for q in queries.captured_queries if 'FROM "targets_projectgoal"' in q["sql"]]
    assert len(goals) == 1
    assert 'id="comment-anchor"' in page and "绩效指标第1行：保障正常办公人数" in page
