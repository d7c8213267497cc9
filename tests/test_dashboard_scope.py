"""The dashboard of an administrator, whose scope is every unit (issue 17): its year and its
figures are those of the units listed one by one, read without joining the country's units to
its tables, and the year with work waiting is found among the submitted tables only."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetapp.review.selectors import default_year, summarize
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status
from budgetapp.units.models import BudgetYear, Unit


def _figures(units, year) -> list[tuple]:
    return [
        (row.unit_id, row.counts, row.budget_wan, row.min_days_left)
        for row in summarize(units, year)
    ]


def test_every_unit_reads_as_the_units_listed_without_joining_them(tree, year, project):
    later = BudgetYear.objects.create(year=2022, framework=year.framework)
    other = tree["other_city"]
    ProjectTable.objects.create(
        unit=other, year=year, framework=year.framework, money_unit="万元", sequence=1,
        name="其他市项目", budget_total=Decimal("3.5"), status=Status.SUBMITTED,
    )  # fmt: skip
    ProjectTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, money_unit="万元", sequence=2,
        name="万元项目", budget_total=Decimal("0.25"),
    )  # fmt: skip
    DepartmentTable.objects.create(unit=tree["other"], year=later, framework=year.framework)
    years = list(BudgetYear.objects.order_by("-year"))
    every = Unit.objects.all()
    listed = Unit.objects.filter(pk__in=[unit.pk for unit in tree.values()])
    city = Unit.objects.filter(pk__in=[tree["city"].pk, tree["own"].pk, tree["other"].pk])

    # 2021 has a submitted table (in the other city), 2022 only a draft of the city's.
    assert default_year(years, every) == default_year(years, listed) == year
    assert default_year(years, city) == later  # nothing of the city's waits
    assert default_year(years, Unit.objects.filter(pk=tree["own"].pk)) == year
    assert default_year(years, Unit.objects.none()) == later  # the latest year

    for shown in (year, later):
        assert _figures(every.order_by("pk"), shown) == _figures(listed.order_by("pk"), shown)
    figures = dict((pk, rest) for pk, *rest in _figures(every, year))
    assert figures[other.pk][:2] == [{Status.SUBMITTED: 1}, Decimal("3.5")]
    assert figures[tree["own"].pk][:2] == [{Status.DRAFT: 2}, Decimal("11.25")]

    with CaptureQueriesContext(connection) as queries:
        summarize(every, year)
        default_year(years, every)
    tables = [q["sql"] for q in queries.captured_queries if "targets_" in q["sql"]]
    assert len(tables) == 4
    assert not [sql for sql in tables if "units_unit" in sql]
    with CaptureQueriesContext(connection) as queries:
        summarize(city, year)
        default_year(years, city)
    assert all("units_unit" in q["sql"] for q in queries.captured_queries[1:])
