"""Lists that grow with the country come in pages, with the count of the whole set: the start
page and the dashboard of a province's or the country's roles, and the notices."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgetapp.demo.national import Size
from budgetapp.demo.national_build import load_national
from budgetapp.review.models import Notice
from budgetapp.units.models import Unit

from .conftest import login

# 1 province and 3 city federations, 60 county units: 64 units for the administrator.
COUNTRY = Size(provinces=1, cities=3, counties=60, tables=180, rows=900, bench_city_units=21)


@pytest.fixture
def country(db):
    return load_national(COUNTRY, password="pages-Pass-1234").bench


def _user(name: str):
    return get_user_model().objects.get(username=name)


def test_the_administrators_dashboard_pages_units_and_counts_them_all(client, country):
    login(client, _user(country["admin"]))
    url = reverse("review:dashboard")
    first = client.get(url, {"filter": "all"}).content.decode()
    # The current year's tables (two a county unit in this country).
    assert "共 64 个单位、120 张表" in first
    assert "第 1 / 2 页" in first and 'rel="next"' in first
    assert first.count('<tr data-unit="') == 50
    second = client.get(url, {"filter": "all", "page": 2}).content.decode()
    assert second.count('<tr data-unit="') == 14
    last_unit = Unit.objects.order_by("region__path", "code", "name").last()
    assert f'data-unit="{last_unit.pk}"' in second
    # The filters count what they keep, over every page.
    drafting = client.get(url, {"filter": "not_submitted"}).content.decode()
    kept = drafting.count('<tr data-unit="')
    assert f"共 {kept} 个单位" in drafting or "每页 50 个单位" in drafting


def test_the_province_start_page_shows_twenty_units_a_page(client, country):
    login(client, _user(country["province_reviewer"]))
    url = reverse("targets:home")
    page = client.get(url).content.decode()
    assert "共 64 个单位，每页 20 个" in page
    assert page.count('<section class="mb-4" data-unit=') == 20
    assert client.get(url, {"page": 4}).content.decode().count('data-unit="') == 4
    # Nonsense page numbers give a page, not an error.
    assert client.get(url, {"page": "abc"}).status_code == 200
    assert client.get(url, {"page": 999}).status_code == 200


def test_a_filer_sees_one_unit_without_pages(client, country):
    login(client, _user(country["filers"][0]))
    page = client.get(reverse("targets:home")).content.decode()
    assert 'data-role="pager"' not in page and 'data-role="unit-count"' not in page


def test_notices_come_fifty_a_page(client, country):
    user = _user(country["filers"][0])
    Notice.objects.bulk_create(Notice(recipient=user, text=f"通知{i}") for i in range(120))
    login(client, user)
    page = client.get(reverse("review:notices")).content.decode()
    assert "共 120 条通知，其中未读 120 条" in page
    assert "第 1 / 3 页" in page and "通知119\n" in page and "通知69\n" not in page
    last = client.get(reverse("review:notices"), {"page": 3}).content.decode()
    assert "通知19\n" in last and "通知0\n" in last and "通知20\n" not in last
