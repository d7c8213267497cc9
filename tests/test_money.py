"""One conversion between 元 and 万元 (targets/money.py), used by every sum across tables: the
reviewer's dashboard, the city summary and the 智能审核 totals agree on mixed-unit tables."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from budgetapp.checks.data import from_table
from budgetapp.checks.engine import CheckContext
from budgetapp.checks.rules.tables import projects_sum
from budgetapp.exports.summary import collect
from budgetapp.review.selectors import DISCLOSURE_DAYS, attach_tables, summarize
from budgetapp.targets.models import DepartmentTable, MoneyUnit, ProjectTable, Status
from budgetapp.targets.money import YUAN_PER_WAN, in_unit, in_wan, in_yuan
from budgetapp.units.models import Unit

YUAN, WAN = MoneyUnit.YUAN, MoneyUnit.WAN_YUAN


@pytest.mark.parametrize(
    ("amount", "unit", "target", "expected"),
    [
        ("110000.00", YUAN, WAN, "11"),
        ("1273.72", WAN, YUAN, "12737200"),
        ("1273.72", WAN, WAN, "1273.72"),
        ("0.01", YUAN, YUAN, "0.01"),
        ("1", YUAN, WAN, "0.0001"),
    ],
)
def test_in_unit_converts_between_yuan_and_wan(amount, unit, target, expected):
    assert in_unit(Decimal(amount), unit, target) == Decimal(expected)


def test_the_shortcuts_and_the_factor():
    assert YUAN_PER_WAN == 10000
    assert in_yuan(Decimal("1.5"), WAN) == Decimal("15000") and in_yuan(Decimal("7"), YUAN) == 7
    assert in_wan(Decimal("15000"), YUAN) == Decimal("1.5") and in_wan(Decimal("2"), WAN) == 2
    # What the live checks may receive from a forged form: taken as 元, never an error.
    assert in_yuan(Decimal("3"), "英镑") == 3


@pytest.fixture
def mixed(tree, year, project) -> ProjectTable:
    """`project` is 110,000 元 (11 万元); a second project of the same unit 2.5 万元."""
    return ProjectTable.objects.create(
        unit=tree["own"],
        year=year,
        framework=year.framework,
        money_unit=WAN,
        sequence=2,
        name="第二个项目",
        budget_total=Decimal("2.50"),
        budget_fiscal=Decimal("2.50"),
        budget_other=Decimal("0"),
    )


def test_dashboard_and_city_summary_add_yuan_and_wan_tables_alike(tree, year, project, mixed):
    units = [tree["own"], tree["other"]]
    rows = summarize(Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("code"), year)
    attach_tables(rows, year)
    assert sorted(row.unit_id for row in rows) == sorted(u.pk for u in units)
    rows.sort(key=lambda row: units.index(row.unit))
    assert rows[0].budget_wan == Decimal("13.5") and rows[1].budget_wan == 0
    assert rows[0].counts == {Status.DRAFT: 2} and rows[1].tables == []
    assert [summary.total() for summary in collect(units, year)] == [Decimal("13.5"), 0]


def test_dashboard_counts_days_left_to_publish(tree, year, project, mixed):
    ProjectTable.objects.filter(pk=project.pk).update(
        status=Status.APPROVED, approved_at=timezone.now() - timedelta(days=DISCLOSURE_DAYS + 3)
    )
    ProjectTable.objects.filter(pk=mixed.pk).update(
        status=Status.APPROVED, approved_at=timezone.now() - timedelta(days=1)
    )
    row = summarize(Unit.objects.filter(pk=tree["own"].pk), year)[0]
    assert row.min_days_left == -3 and row.overdue and row.overdue_days == 3
    assert row.approved_waiting == 2 and not row.not_submitted


@pytest.mark.parametrize(
    ("stated", "money_unit", "found"),
    [("13.5", WAN, False), ("135000", YUAN, False), ("13.4", WAN, True)],
)
def test_the_projects_sum_check_converts_the_same_way(
    tree, year, project, mixed, stated, money_unit, found
):
    department = DepartmentTable.objects.create(
        unit=tree["own"],
        year=year,
        framework=year.framework,
        money_unit=money_unit,
        expense_project=Decimal(stated),
    )
    data = from_table(department)
    hits = list(projects_sum(data, {"tolerance": "0.01"}, CheckContext.for_table(data)))
    assert bool(hits) is found
    if found:
        assert "预算数合计 13.50 万元" in hits[0].message
