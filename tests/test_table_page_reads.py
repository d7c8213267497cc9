"""What the table page reads with the table itself (issue 17): who changed it last comes with
the table (`get_table_for_user(..., related=("updated_by",))`), not by a query of its own."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

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
