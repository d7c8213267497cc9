"""The public portal: published tables only, no login, everything else 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from budgetapp.exports.frozen import freeze_table
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status


def _publish(table):
    """Published without files: the state set and the version frozen (what the portal reads)."""
    type(table).objects.filter(pk=table.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )
    table.refresh_from_db()
    freeze_table(table=table, user=None)
    return table


@pytest.fixture
def published(project):
    return _publish(project)


def test_anonymous_browses_province_city_unit_year_and_reads_a_published_table(client, published):
    unit = published.unit
    index = client.get(reverse("portal:index")).content.decode()
    assert "河北省" in index
    province, city, county = unit.region.ancestors()
    assert "秦皇岛市" in client.get(reverse("portal:region", args=[province.pk])).content.decode()
    assert "山海关区" in client.get(reverse("portal:region", args=[city.pk])).content.decode()
    assert unit.name in client.get(reverse("portal:region", args=[county.pk])).content.decode()
    unit_page = client.get(reverse("portal:unit", args=[unit.pk])).content.decode()
    assert "2021年预算绩效目标" in unit_page and published.title in unit_page
    page = client.get(reverse("portal:table", args=["project", published.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'lang="zh-CN"' in html and "<th" in html
    assert "保障正常办公人数" in html and "≥95%" in html and "110,000.00" in html


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED]
)
def test_unpublished_tables_do_not_exist_for_the_public(client, project, status):
    ProjectTable.objects.filter(pk=project.pk).update(status=status)
    assert client.get(reverse("portal:table", args=["project", project.pk])).status_code == 404
    assert client.get(reverse("portal:unit", args=[project.unit.pk])).status_code == 404
    assert client.get(reverse("portal:region", args=[project.unit.region.pk])).status_code == 404
    assert "河北省" not in client.get(reverse("portal:index")).content.decode()
    assert project.name not in client.get(reverse("portal:search"), {"q": "运转"}).content.decode()


def test_a_published_table_does_not_reveal_its_units_drafts(client, published, year):
    draft = ProjectTable.objects.create(
        unit=published.unit,
        year=year,
        framework=year.framework,
        name="未公开的草稿项目",
        budget_total=1,
    )
    unit_page = client.get(reverse("portal:unit", args=[published.unit.pk])).content.decode()
    assert "未公开的草稿项目" not in unit_page
    assert client.get(reverse("portal:table", args=["project", draft.pk])).status_code == 404


def test_search_finds_published_project_names(client, published):
    html = client.get(reverse("portal:search"), {"q": "就业服务"}).content.decode()
    assert published.name in html
    assert (
        "没有找到" in client.get(reverse("portal:search"), {"q": "不存在的项目"}).content.decode()
    )


def test_published_department_table_reads_in_its_layout(client, project):
    table = DepartmentTable.objects.create(
        unit=project.unit,
        year=project.year,
        framework=project.framework,
        overall_goal="公开的总体目标",
    )
    _publish(table)
    html = client.get(reverse("portal:table", args=["department", table.pk])).content.decode()
    assert "一、总体绩效目标" in html and "公开的总体目标" in html


def test_unknown_kind_is_404(client, published):
    assert client.get(reverse("portal:table", args=["other", published.pk])).status_code == 404
