"""审核工作台's tabs: 目标表 / 执行监控 / 绩效自评 of the same year, the role × URL matrix of the
two stage tabs, and what each shows (lights as words, execution against the plan, overdue
sheets; score, grade and state)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.evaluation import services as evaluation_services
from budgetapp.monitoring import services as monitoring
from budgetapp.monitoring.lights import Likelihood
from budgetapp.units.models import BudgetYear, Role
from tests.conftest import _user, login

TABS = ["review:dashboard", "monitoring:dashboard", "evaluation:dashboard"]


@pytest.fixture
def security_admin(tree):
    return _user("secadmin", Role.SECURITY_ADMIN, None)


def _page(client, user, name, **params) -> str:
    client.logout()
    login(client, user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def _tab_bar(html: str) -> str:
    return re.search(r'<nav class="mb-3" aria-label="审核工作台视图".*?</nav>', html, re.S).group(0)


def test_role_matrix_of_the_stage_tabs(client, users, round_, security_admin):
    people = [
        users["owner"],
        users["colleague"],
        users["reviewer"],
        users["other_reviewer"],
        users["admin"],
        security_admin,
    ]
    # owner, colleague, reviewer, other city's reviewer, admin, 安全管理员
    expected = (403, 403, 200, 200, 200, 403)
    for name in ("monitoring:dashboard", "evaluation:dashboard"):
        url = reverse(name)
        got = []
        for person in people:
            client.logout()
            login(client, person)
            got.append(client.get(url, {"year": 2021}).status_code)
        assert tuple(got) == expected, name
        client.logout()
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert client.post(url).status_code == 302  # anonymous POST: to the login too


@pytest.mark.parametrize("current", TABS)
def test_every_tab_links_the_others_for_the_same_year_and_marks_itself(
    client, users, round_, current
):
    BudgetYear.objects.create(year=2022, framework=round_.year.framework)  # not the default
    bar = _tab_bar(_page(client, users["reviewer"], current, year=2021))
    for name, label in zip(TABS, ["目标表", "执行监控", "绩效自评"], strict=True):
        link = re.search(
            rf'<a [^>]*href="{re.escape(reverse(name))}\?year=2021"[^>]*>{label}</a>', bar
        )
        assert link, (name, bar)
        assert ('aria-current="page"' in link.group(0)) == (name == current)
    assert bar.count('aria-current="page"') == 1


def test_monitoring_tab_shows_units_projects_lights_in_words_rate_and_overdue(
    client, users, round_
):
    sheet = round_.sheets.get()
    rows = {row.name: row for row in sheet.rows.all()}
    monitoring.save_sheet(
        user=users["owner"],
        sheet=sheet,
        data=monitoring.SheetInput(
            Decimal("22000"),  # 20 % of 110,000 against a plan of 50 % by June
            Decimal("110000"),
            "",
            {
                rows["保障正常办公人数"].pk: monitoring.RowInput(
                    to_date="17人", projected="17人", likelihood=Likelihood.IMPOSSIBLE
                )
            },
        ),
        loaded_version=1,
    )
    html = _page(client, users["reviewer"], "monitoring:dashboard", year=2021)
    table = re.search(r'<table[^>]*data-role="monitoring-lights".*?</table>', html, re.S).group(0)
    assert "山海关区残联本级" in table and sheet.table.name in table
    assert 'data-light="red"' in table and "红·难以完成" in table  # the word, not only colour
    assert "20.00%" in table and "（落后计划）" in table
    assert "逾期" in table  # due 2021-07-15, still a draft today
    assert reverse("monitoring:sheet", args=[sheet.pk]) in table


def test_monitoring_tab_shows_only_the_users_city(client, users, round_):
    html = _page(client, users["other_reviewer"], "monitoring:dashboard", year=2021)
    assert "山海关区残联本级" not in html
    assert "尚未发起运行监控" in html


def test_monitoring_tab_without_a_round_offers_to_open_one(client, users, approved):
    html = _page(client, users["reviewer"], "monitoring:dashboard", year=2021)
    assert "2021年尚未发起运行监控" in html
    assert reverse("monitoring:round_new") in html


def test_an_administrator_chooses_the_citys_round(client, users, round_, tree, year):
    other = monitoring.open_round(
        user=users["admin"],
        region=tree["other_city"].region,
        year=year,
        cutoff_month=7,
        due_date=date(2021, 8, 15),
    )
    first = _page(client, users["admin"], "monitoring:dashboard", year=2021)
    assert 'aria-label="选择监控批次"' in first and "1–6月运行监控" in first
    chosen = _page(client, users["admin"], "monitoring:dashboard", year=2021, round=other.pk)
    assert "1–7月运行监控" in chosen and "山海关区残联本级" not in chosen


def test_evaluation_tab_shows_score_grade_and_state_or_not_started(client, users, approved):
    html = _page(client, users["reviewer"], "evaluation:dashboard", year=2021)
    table = re.search(r'<table[^>]*data-role="evaluation-overview".*?</table>', html, re.S).group(0)
    assert approved.name in table and "未开始" in table
    evaluation = evaluation_services.start_evaluation(user=users["owner"], table=approved)
    html = _page(client, users["reviewer"], "evaluation:dashboard", year=2021)
    table = re.search(r'<table[^>]*data-role="evaluation-overview".*?</table>', html, re.S).group(0)
    evaluation.refresh_from_db()
    assert reverse("evaluation:sheet", args=[evaluation.pk]) in table
    assert f">{evaluation.total_score}<" in table and f">{evaluation.grade}<" in table
    assert "草稿" in table and "未开始" not in table
    assert "山海关区残联本级" not in _page(
        client, users["other_reviewer"], "evaluation:dashboard", year=2021
    )
