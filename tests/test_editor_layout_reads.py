"""The editors read the unit's layout (the province's: `Unit.layout` walks the region's
ancestors) with the table, not with a query per level of the region tree (issue 17)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.targets.forms.tables import lifetime_budget_help
from budgetapp.targets.models import DepartmentTable
from budgetapp.units.models import LayoutFamily, Region

from .conftest import login
from .html_forms import read_form


def _region_reads(client, method: str, url: str, data=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data) if method == "POST" else client.get(url)
    return sum('FROM "units_region"' in q["sql"] for q in queries.captured_queries), response


def test_the_project_editor_and_its_save_read_no_region(client, users, project):
    # The layout is the province's, two levels above the unit's county.
    Region.objects.filter(level="province").update(layout=LayoutFamily.HUBEI)
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    reads, response = _region_reads(client, "GET", url)
    assert reads == 0
    # The help text that depends on the layout is still the province's.
    assert lifetime_budget_help("hubei") in response.content.decode()
    data = dict(read_form(response.content.decode()).pairs)
    data["fund_use"] = "新的用途"
    reads, response = _region_reads(client, "POST", url, data)
    assert response.status_code == 302 and reads == 0
    project.refresh_from_db()
    assert project.fund_use == "新的用途"


def test_the_department_editor_reads_no_region(client, users, project):
    table = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework
    )
    Region.objects.filter(level="province").update(layout=LayoutFamily.GUANGDONG)
    login(client, users["owner"])
    reads, response = _region_reads(
        client, "GET", reverse("targets:department_edit", args=[table.pk])
    )
    assert reads == 0 and "广东" in response.content.decode()
