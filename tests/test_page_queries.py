"""The table page and the editor read the database a fixed number of times, however many
indicator rows a table has and however many tables its unit has (the 智能审核 rules look at all
of them). Before: 102 queries for a 张家口 table's page and 82 for its editor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import make_big_unit
from budgetapp.demo.loader import load_demo
from budgetapp.targets.models import ProjectTable
from budgetapp.units.models import Account, Role

from .conftest import _user, login

pytestmark = pytest.mark.usefixtures("checks_on")


@pytest.fixture
def demo(db):
    load_demo()


def _queries(client, url: str) -> int:
    client.get(url)  # the first request fills Django's own caches (content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _filer(client, table):
    account = Account.objects.filter(unit=table.unit, role=Role.FILER).first()
    user = account.user if account else _user(f"filer-{table.unit.pk}", Role.FILER, table.unit)
    return login(client, user)


def test_queries_do_not_grow_with_rows_or_tables(client, demo):
    small = make_big_unit(3, 2021)  # the 部门整体 and two project tables
    large = make_big_unit(15, 2021)
    counts = {}
    for unit in (small, large):
        table = ProjectTable.objects.filter(unit=unit).order_by("sequence").first()
        rows = table.indicators.count()
        _filer(client, table)
        counts[unit.pk] = (
            _queries(client, reverse("review:table", args=["project", table.pk])),
            _queries(client, reverse("targets:project_edit", args=[table.pk])),
        )
        assert rows >= 5
    assert counts[small.pk] == counts[large.pk]

    # More indicator rows in the same table: the same number of queries.
    table = ProjectTable.objects.filter(unit=large).order_by("sequence").first()
    before = counts[large.pk]
    template = table.indicators.first()
    for number in range(10):
        template.pk = None
        template.name = f"新增指标{number}"
        template.order += 1
        template.save()
    after = (
        _queries(client, reverse("review:table", args=["project", table.pk])),
        _queries(client, reverse("targets:project_edit", args=[table.pk])),
    )
    assert after == before
    assert max(after) <= 30
