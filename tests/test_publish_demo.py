"""publish_demo: the demo's 张家口 2021 book goes through the real workflow for the portal."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgetapp.review.models import Submission, Transition
from budgetapp.targets.models import ProjectTable, Status

# The seed has real mistakes: the demo publishes it with every 智能审核 rule switched on.
pytestmark = pytest.mark.usefixtures("checks_on")


def test_publish_demo_publishes_zhangjiakou_once_and_the_portal_serves_it(db, client):
    call_command("load_demo", verbosity=0)
    call_command("publish_demo", verbosity=0)
    tables = ProjectTable.objects.filter(unit__name="张家口市残疾人联合会本级", year__year=2021)
    assert set(tables.values_list("status", flat=True)) == {Status.PUBLISHED}
    # 13 projects + 1 department table, each: submit, approve, publish.
    target_steps = Transition.objects.filter(
        content_type__model__in=["projecttable", "departmenttable"]
    )
    assert target_steps.count() == 14 * 3
    # The seed's errors (a 成本指标 given as ≥95%, a repeated name) went in acknowledged.
    recorded = [item for s in Submission.objects.all() for item in s.explanations]
    assert {"cost_is_money", "duplicate_names", "copied_block"} <= {i["rule"] for i in recorded}
    # Idempotent: a second run changes nothing.
    steps = Transition.objects.count()
    call_command("publish_demo", verbosity=0)
    assert target_steps.count() == 14 * 3 and Transition.objects.count() == steps
    # 山海关区 stays a draft for trying the filing pages.
    assert not ProjectTable.objects.filter(
        unit__name__contains="山海关", status=Status.PUBLISHED
    ).exists()
    table = tables.order_by("sequence").first()
    page = client.get(reverse("portal:table", args=["project", table.pk]))
    assert page.status_code == 200 and "残疾人辅助器具适配服务" in page.content.decode()


def test_the_portal_finds_zhangjiakou_by_unit_region_and_project_code(db, client):
    call_command("load_demo", verbosity=0)
    call_command("publish_demo", verbosity=0)
    for query in ("张家口市残疾人联合会本级", "张家口", "张家口市", "130700211K6T11USKAU5Y"):
        html = client.get(reverse("portal:search"), {"q": query}).content.decode()
        results = html.split('data-role="results"')[1].split("</ul>")[0]
        assert "张家口市残疾人联合会本级" in results, query
    by_code = client.get(reverse("portal:search"), {"q": "130700211K6T11USKAU5Y"}).content
    assert by_code.decode().count('class="list-group-item"') == 1
    # The drafts of 山海关区 are found by nothing.
    html = client.get(reverse("portal:search"), {"q": "山海关"}).content.decode()
    assert "没有找到已公开的表" in html
