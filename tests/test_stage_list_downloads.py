"""The downloads under the paged lists of the later stages (绩效自评, a filer's 执行监控表): the
links of a year (the city's summary, the filer's own unit's books) are those of every year in
the list, whatever page is shown; the units' books a reviewer gets there are those of the
units on the page, and say so."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgetapp.evaluation import views as evaluation_views
from budgetapp.evaluation.services import start_evaluation
from budgetapp.monitoring import views as monitoring_views
from budgetapp.monitoring.services import open_round
from budgetapp.review import services as review
from budgetapp.targets.models import ProjectIndicator, ProjectTable
from budgetapp.units.models import Account, BudgetYear, Region, RegionLevel, Role, Unit

from .conftest import PASSWORD, login


@pytest.fixture
def two_years(approved, users, tree, year, category) -> list[ProjectTable]:
    """`approved` (2021) and an approved table of the same unit for 2020, one a page."""
    earlier = BudgetYear.objects.create(year=2020, framework=year.framework)
    table = ProjectTable.objects.create(
        unit=tree["own"],
        year=earlier,
        framework=earlier.framework,
        money_unit="元",
        sequence=1,
        name="残疾人康复服务经费",
        budget_total=Decimal("50000.00"),
        budget_fiscal=Decimal("50000.00"),
        budget_other=Decimal("0"),
    )
    ProjectIndicator.objects.create(
        table=table,
        order=1,
        level1=category("产出指标"),
        level2=category("产出指标", "数量指标"),
        name="康复服务人数",
        target="100人",
    )
    review.submit_table(table=table, user=users["owner"])
    review.approve_table(table=table, user=users["reviewer"])
    return [approved, table]


def _links(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, html)))


def test_a_self_evaluation_lists_downloads_are_the_same_on_every_page(
    client, users, two_years, monkeypatch
):
    for table in two_years:
        start_evaluation(user=users["owner"], table=table)
    monkeypatch.setattr(evaluation_views, "PAGE_SIZE", 1)
    url = reverse("evaluation:index")

    login(client, users["owner"])
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]
    assert "本页第 1–1 张" in pages[0] and "本页第 2–2 张" in pages[1]
    unit = two_years[0].unit.pk
    books = rf"/units/{unit}/(\d+)/book/evaluation/pdf/"
    assert _links(pages[0], books) == _links(pages[1], books) == ["2020", "2021"]
    bound = rf"/units/{unit}/(\d+)/book/year/pdf/"
    assert _links(pages[0], bound) == _links(pages[1], bound) == ["2020", "2021"]

    login(client, users["reviewer"])
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]
    summaries = r"/evaluation/summary/(\d+)/pdf/"
    assert _links(pages[0], summaries) == _links(pages[1], summaries) == ["2020", "2021"]
    # a unit's books: those of the page's units, for the page's year, and it says so
    assert _links(pages[0], books) == ["2021"] and _links(pages[1], books) == ["2020"]
    assert "本页所列单位的全本" in pages[0]
    monkeypatch.setattr(evaluation_views, "PAGE_SIZE", 50)
    single = client.get(url).content.decode()
    assert "本页所列单位的全本" not in single and "各单位的全本" in single
    assert _links(single, books) == ["2020", "2021"]


def test_a_filers_monitoring_list_offers_every_years_book_on_every_page(
    client, users, tree, two_years, monkeypatch
):
    for table in two_years:
        open_round(
            user=users["reviewer"],
            region=tree["city"].region,
            year=table.year,
            cutoff_month=6,
            due_date=date(table.year.year, 7, 15),
        )
    monkeypatch.setattr(monitoring_views, "PAGE_SIZE", 1)
    login(client, users["owner"])
    url = reverse("monitoring:index")
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]
    assert "第 1 / 2 页" in pages[0]
    books = rf"/units/{tree['own'].pk}/(\d+)/book/monitoring/pdf/"
    assert _links(pages[0], books) == _links(pages[1], books) == ["2020", "2021"]


def test_the_summary_link_names_what_it_covers(client, users, tree, approved):
    """A city's reviewer gets their city's 自评汇总表, a province's reviewer the province's and
    an administrator every unit's: the one province of the site, or 全国 (the link said 全市 to
    each of them)."""
    start_evaluation(user=users["owner"], table=approved)
    hebei = tree["city"].region.parent
    province = Unit.objects.create(region=hebei, name="河北省残疾人联合会")
    users["province_reviewer"] = get_user_model().objects.create_user(
        username="province_reviewer", password=PASSWORD
    )
    Account.objects.create(user=users["province_reviewer"], role=Role.REVIEWER, unit=province)
    pages = {
        "index": reverse("evaluation:index"),
        "tab": reverse("evaluation:dashboard") + "?year=2021",
    }

    def labels(who: str) -> list[str]:
        login(client, users[who])
        found = [
            re.findall(r"2021年(\S+?)自评汇总表（", client.get(url).content.decode())
            for url in pages.values()
        ]
        return [label for labels in found for label in labels]

    assert labels("reviewer") == ["秦皇岛市", "秦皇岛市"]
    assert labels("province_reviewer") == ["河北省", "河北省"]
    assert labels("admin") == ["河北省", "河北省"]
    Region.objects.create(name="广东省", level=RegionLevel.PROVINCE)
    assert labels("admin") == ["全国", "全国"]
