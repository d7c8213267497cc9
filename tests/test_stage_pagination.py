"""The lists of the later stages (issue 18) come in pages with the figures of the whole set
(issue 17): the 执行监控 and 绩效自评 tabs of 审核工作台, a round's page and the lists of rounds
and self-evaluations, as an administrator of a generated province sees them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgetapp.demo.national import Size
from budgetapp.demo.national_build import load_national
from budgetapp.evaluation.selectors import evaluated_units
from budgetapp.evaluation.services import start_evaluation
from budgetapp.monitoring.models import MonitoringRound
from budgetapp.monitoring.selectors import round_units
from budgetapp.monitoring.services import open_round
from budgetapp.targets.models import ProjectTable, Status
from budgetapp.units.models import Account, BudgetYear, Region, RegionLevel, Role

from .conftest import login

# 1 province, 3 cities, 60 county units; every project table of the year approved below.
COUNTRY = Size(provinces=1, cities=3, counties=60, tables=240, rows=1200, bench_city_units=21)


@pytest.fixture
def country(db):
    bench = load_national(COUNTRY, password="pages-Pass-1234").bench
    year = BudgetYear.objects.order_by("-year").first()
    ProjectTable.objects.filter(year=year).update(status=Status.APPROVED)
    admin = get_user_model().objects.get(username=bench["admin"])
    province = Region.objects.get(level=RegionLevel.PROVINCE)
    # The province's round (a service allows an administrator any region): every unit.
    round_ = open_round(
        user=admin, region=province, year=year, cutoff_month=6, due_date=date(2000, 1, 1)
    )
    return {"admin": admin, "year": year, "round": round_, "bench": bench}


def _unit_groups(html: str) -> int:
    return html.count('<th scope="rowgroup"')


def _counts(html: str) -> list[str]:
    """The figures above the table (亮灯统计 or 自评状态与等级统计)."""
    return re.findall(r"<strong class=\"fs-5[^\"]*\">(\d+)</strong>", html)


@pytest.mark.parametrize("name", ["monitoring:dashboard", "monitoring:round"])
def test_a_rounds_units_come_fifty_a_page_with_the_whole_rounds_figures(client, country, name):
    round_ = country["round"]
    units = round_units(round_).count()
    sheets = round_.sheets.count()
    assert units > 50  # two pages
    login(client, country["admin"])
    url = (
        reverse(name, args=[round_.pk])
        if name == "monitoring:round"
        else reverse(name) + f"?year={country['year'].year}&round={round_.pk}"
    )
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert f"共 {units} 个单位、{sheets} 张监控表" in first
    assert "第 1 / 2 页" in first and 'rel="next"' in first
    assert _unit_groups(first) == 50 and _unit_groups(second) == units - 50
    assert _counts(first) == _counts(second)
    assert sum(int(n) for n in _counts(first)[:4]) == sheets  # 绿 黄 红 未填: every sheet
    assert f'逾期未报 <strong class="fs-5 text-danger">{sheets}</strong>' in first
    last = round_units(round_).last()
    assert last.name in second and last.name not in first


def test_the_evaluation_tab_pages_units_and_counts_every_project(client, country):
    year = country["year"]
    admin = country["admin"]
    units = evaluated_units(admin, year).count()
    projects = ProjectTable.objects.filter(year=year, status=Status.APPROVED).count()
    assert units > 50
    login(client, admin)
    url = reverse("evaluation:dashboard") + f"?year={year.year}"
    first = client.get(url).content.decode()
    second = client.get(url + "&page=2").content.decode()
    assert f"共 {units} 个单位、{projects} 个已审核通过的项目" in first
    assert _unit_groups(first) == 50 and _unit_groups(second) == units - 50
    assert f'未开始 <strong class="fs-5">{projects}</strong>' in second


def test_the_lists_of_rounds_and_self_evaluations_come_in_pages(client, country):
    admin, year = country["admin"], country["year"]
    counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("path")[:55]
    MonitoringRound.objects.bulk_create(
        MonitoringRound(region=r, year=year, cutoff_month=6, due_date=date(2021, 7, 1),
                        opened_by=admin)
        for r in counties
    )  # fmt: skip
    login(client, admin)
    rounds = client.get(reverse("monitoring:index")).content.decode()
    assert "运行监控批次（共 56 个）" in rounds and "第 1 / 2 页" in rounds
    assert rounds.count('<a href="/monitoring/rounds/') == 50

    tables = ProjectTable.objects.filter(year=year, status=Status.APPROVED).order_by("pk")[:52]
    for table in tables:
        filer = Account.objects.filter(unit=table.unit, role=Role.FILER).first().user
        start_evaluation(user=filer, table=table)
    evaluations = client.get(reverse("evaluation:index")).content.decode()
    assert "自评表（共 52 张，本页第 1–50 张）" in evaluations
    last = client.get(reverse("evaluation:index"), {"page": 2}).content.decode()
    assert "本页第 51–52 张" in last and 'rel="prev"' in last
