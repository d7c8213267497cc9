"""What the table page reads, and how often (issue 17): who changed it last comes with the table
(`get_table_for_user(..., related=("updated_by",))`), not by a query of its own; the layout is
built once for the page and a reviewer's comment form; the rows' categories and the 智能审核's
category tree come from one reading of the framework's categories."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetapp.checks.data import framework_tree
from budgetapp.indicators.models import Category, Framework
from budgetapp.layouts import document_for
from budgetapp.review.anchors import anchor_choices
from budgetapp.review.views.table import _read_rows
from budgetapp.targets.access import get_table_for_user
from budgetapp.targets.models import ProjectIndicator, ProjectTable

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


def _rows_as_joined(table) -> list[tuple]:
    return [
        (row.pk, row.level1.name, row.level2.name if row.level2 else "", row.level2.parent.name)
        for row in table.indicators.select_related("level1", "level2__parent")
    ]


def test_the_rows_categories_come_from_the_frameworks_read_once(project, framework):
    """The table page reads the framework's categories once: the rows' 一级/二级 and the
    智能审核's category tree both come from them, as reading them joined would give."""
    table = ProjectTable.objects.get(pk=project.pk)
    trees = _read_rows(table)
    assert trees == {framework.pk: framework_tree(framework.pk)}
    with CaptureQueriesContext(connection) as queries:
        shown = [
            (row.pk, row.level1.name, row.level2.name, row.level2.parent.name)
            for row in table.indicator_rows()
        ]
    assert len(queries) == 0 and shown == _rows_as_joined(project)


def test_a_row_under_another_frameworks_category_is_read_joined(client, users, project):
    other = Framework.objects.create(code="other-framework", name="另一体系")
    level1 = Category.objects.create(framework=other, name="别的一级", order=1)
    level2 = Category.objects.create(framework=other, parent=level1, name="别的二级", order=1)
    ProjectIndicator.objects.filter(table=project, order=1).update(level1=level1, level2=level2)
    table = ProjectTable.objects.get(pk=project.pk)
    _read_rows(table)
    shown = [
        (r.pk, r.level1.name, r.level2.name, r.level2.parent.name) for r in table.indicator_rows()
    ]
    assert shown == _rows_as_joined(project) and ("别的一级" in shown[0])
    page = login(client, users["owner"]).get(project.get_absolute_url()).content.decode()
    assert "别的二级" in page
