"""`manage.py load_national` at a tiny size: the shape asked for, usable by every role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from budgetapp.demo.national import Size, project_row_counts
from budgetapp.demo.national_build import load_national
from budgetapp.exports.models import Publication
from budgetapp.layouts.document import document_from_json
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentTable,
    ProjectIndicator,
    ProjectTable,
    Status,
)
from budgetapp.units.access import units_visible_to
from budgetapp.units.models import Account, Region, RegionLevel, Role, Unit

from .conftest import login

TINY = Size(provinces=2, cities=3, counties=8, tables=80, rows=1000, bench_city_units=5)


@pytest.fixture
def national(db):
    return load_national(TINY, password="tiny-Pass-1234")


def test_sizes_are_the_ones_asked_for(national):
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 2
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 3
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() == 8
    assert ProjectTable.objects.count() + DepartmentTable.objects.count() == 80
    assert ProjectIndicator.objects.count() + DepartmentIndicator.objects.count() == 1000
    # One department table per county unit and year.
    assert DepartmentTable.objects.count() == 16
    bench = national.bench
    table = ProjectTable.objects.get(pk=bench["project"])
    assert table.indicators.count() == 20
    assert table.status == Status.DRAFT
    city = Region.objects.get(pk=bench["city_region"])
    assert Unit.objects.filter(region__path__startswith=city.path).count() == 5
    reviewer = get_user_model().objects.get(username=bench["reviewer"])
    assert units_visible_to(reviewer).count() == 5


def test_the_planner_has_statistics_of_what_was_loaded(national):
    """On PostgreSQL the tables written are analysed (autovacuum may be off or late), also by
    a load inside a caller's transaction (here the test's), which cannot vacuum them."""
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = %s AND attname = 'table_id'",
            [ProjectIndicator._meta.db_table],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_load_of_its_own_leaves_the_tables_vacuumed():
    """Outside any transaction the load vacuums what it wrote once committed, as production's
    autovacuum would: the planner has statistics and the visibility map is set (pages all
    visible, so an index-only scan of the indicator rows need not read the heap). ANALYZE
    alone leaves `relallvisible` at 0."""
    load_national(TINY, password="tiny-Pass-1234")
    tables = [ProjectIndicator._meta.db_table, ProjectTable._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)",
            [tables],
        )
        pages = {name: (count, visible) for name, count, visible in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = %s AND attname = 'table_id'",
            [ProjectIndicator._meta.db_table],
        )
        assert cursor.fetchone()[0] == 1
    assert set(pages) == set(tables)
    for count, visible in pages.values():
        assert count > 0
        assert visible > 0


def test_every_published_table_has_its_frozen_version(national):
    published = [
        *ProjectTable.objects.filter(status=Status.PUBLISHED),
        *DepartmentTable.objects.filter(status=Status.PUBLISHED),
    ]
    assert published
    versions = {(p.kind, p.object_id): p for p in Publication.objects.all()}
    assert len(versions) == len(published)
    for table in published:
        version = versions[table.kind, table.pk]
        assert version.unit_name == table.unit.name
        assert version.title == table.title
        assert version.data["rows"]["indicators"] == [
            {"id": row.pk, **{k: v for k, v in row_data.items() if k != "id"}}
            for row, row_data in zip(
                table.indicators.all(), version.data["rows"]["indicators"], strict=True
            )
        ]
        document_from_json(version.document)  # the portal can render it
    # A department version lists the unit's projects published with it (项目支出情况).
    department = Publication.objects.filter(kind="department").first()
    projects = Publication.objects.filter(
        kind="project", unit=department.unit, year=department.year
    )
    assert [line["id"] for line in department.data["projects"]] == sorted(
        projects.values_list("object_id", flat=True)
    )


def test_the_accounts_work(client, national):
    filer = get_user_model().objects.get(username=national.bench["filers"][1])
    assert filer.check_password("tiny-Pass-1234")
    assert Account.objects.get(user=filer).role == Role.FILER
    login(client, filer)
    response = client.get(reverse("targets:project_edit", args=[national.bench["project"]]))
    assert response.status_code == 200
    reviewer = get_user_model().objects.get(username=national.bench["reviewer"])
    login(client, reviewer)
    assert client.get(reverse("review:dashboard")).status_code == 200
    client.logout()
    region = national.bench["city_region"]
    response = client.get(reverse("portal:region", args=[region]))
    assert response.status_code == 200
    # The city's county regions, whose units have published tables.
    assert "01区" in response.content.decode()


def test_the_command_refuses_a_database_with_regions(db):
    Region.objects.create(name="河北省", level=RegionLevel.PROVINCE)
    with pytest.raises(CommandError, match="已有行政区划"):
        call_command("load_national", "--provinces", "1", stdout=StringIO())


def test_the_command_checks_sizes(db):
    with pytest.raises(CommandError, match="市的数量"):
        call_command("load_national", "--provinces", "3", "--cities", "2", stdout=StringIO())


def test_row_counts_keep_the_total_and_the_fixed_table():
    counts = project_row_counts(50, 700, {3: 20})
    assert sum(counts) == 700
    assert counts[3] == 20
    assert min(counts) >= 1
    assert len(set(counts)) > 3  # spread, not all equal
