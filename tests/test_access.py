"""Who may see and change which table: owner yes, other units 404, weak roles 403, anonymous to login.

Every refused write is checked to have changed nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from budgetapp.targets.models import DepartmentTable, ProjectIndicator, ProjectTable

from .conftest import login
from .forms_data import existing_rows, project_post

READ_EXPECTED = {
    "owner": 200,
    "colleague": 404,
    "reviewer": 200,
    "other_reviewer": 404,
    "admin": 200,
}
WRITE_EXPECTED = {
    "owner": 302,  # saved, then redirected to the table
    "colleague": 404,
    "reviewer": 403,
    "other_reviewer": 404,
    "admin": 403,
}


def _snapshot(table: ProjectTable):
    table.refresh_from_db()
    return (
        table.name,
        table.unit_id,
        table.status,
        table.version,
        list(ProjectIndicator.objects.filter(table=table).values_list("name", "target")),
    )


@pytest.mark.parametrize(("who", "expected"), READ_EXPECTED.items())
def test_reading_a_project_table(client, users, project, who, expected):
    login(client, users[who])
    assert client.get(reverse("review:table", args=["project", project.pk])).status_code == expected


@pytest.mark.parametrize(("who", "expected"), WRITE_EXPECTED.items())
def test_editing_a_project_table(client, users, project, category, who, expected):
    login(client, users[who])
    url = reverse("targets:project_edit", args=[project.pk])
    get_expected = 200 if who == "owner" else expected
    assert client.get(url).status_code == get_expected
    before = _snapshot(project)
    data = project_post(
        table=project, indicators=existing_rows(project, category), name="改过的名称"
    )
    response = client.post(url, data)
    assert response.status_code == expected
    if who != "owner":
        assert _snapshot(project) == before


@pytest.mark.parametrize(("who", "expected"), WRITE_EXPECTED.items())
def test_deleting_a_project_table(client, users, project, who, expected):
    login(client, users[who])
    response = client.post(reverse("targets:project_delete", args=[project.pk]))
    assert response.status_code == expected
    assert ProjectTable.objects.filter(pk=project.pk).exists() == (who != "owner")


@pytest.mark.parametrize("page", ["project", "project_edit", "department", "department_edit"])
def test_anonymous_visitors_are_sent_to_log_in(client, project, page):
    department = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework
    )
    url = {
        "project": reverse("review:table", args=["project", project.pk]),
        "project_edit": reverse("targets:project_edit", args=[project.pk]),
        "department": reverse("review:table", args=["department", department.pk]),
        "department_edit": reverse("targets:department_edit", args=[department.pk]),
    }[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]


def test_anonymous_post_changes_nothing(client, project, category):
    before = _snapshot(project)
    response = client.post(
        reverse("targets:project_edit", args=[project.pk]),
        project_post(table=project, indicators=existing_rows(project, category), name="匿名修改"),
    )
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert _snapshot(project) == before


@pytest.mark.parametrize("who", ["reviewer", "admin", "colleague"])
def test_only_filers_create_tables_and_only_for_their_own_unit(client, users, year, who, tree):
    login(client, users[who])
    response = client.post(reverse("targets:project_create", args=[2021]), project_post())
    if who == "colleague":
        # A filer always creates for their own unit, never the one in a URL or form.
        assert response.status_code == 302
        assert ProjectTable.objects.get().unit == tree["other"]
    else:
        assert response.status_code == 403
        assert not ProjectTable.objects.exists()


def test_a_forged_unit_or_status_field_is_ignored(client, users, project, category, tree):
    login(client, users["owner"])
    data = project_post(
        table=project, indicators=existing_rows(project, category), name=project.name
    )
    data.update({"unit": tree["other"].pk, "status": "approved", "year": 9999, "version": 77})
    response = client.post(reverse("targets:project_edit", args=[project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.unit, project.status, project.year.year, project.version) == (
        tree["own"],
        "draft",
        2021,
        2,
    )


def test_a_row_of_another_table_cannot_be_moved_in_by_its_id(
    client, users, project, category, tree, year
):
    foreign = ProjectTable.objects.create(
        unit=tree["other"], year=year, framework=year.framework, name="他人的项目", budget_total=1
    )
    foreign_row = ProjectIndicator.objects.create(
        table=foreign, level1=category("产出指标"), name="他人的指标", target="1人"
    )
    login(client, users["owner"])
    rows = existing_rows(project, category)
    rows[0]["id"] = foreign_row.pk
    client.post(
        reverse("targets:project_edit", args=[project.pk]),
        project_post(table=project, indicators=rows, name=project.name),
    )
    foreign_row.refresh_from_db()
    assert foreign_row.table == foreign and foreign_row.name == "他人的指标"


@pytest.mark.parametrize(("who", "expected"), READ_EXPECTED.items())
def test_reading_a_department_table(client, users, project, who, expected):
    table = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework
    )
    login(client, users[who])
    assert (
        client.get(reverse("review:table", args=["department", table.pk])).status_code == expected
    )


@pytest.mark.parametrize(("who", "expected"), WRITE_EXPECTED.items())
def test_editing_a_department_table(client, users, project, who, expected):
    table = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, overall_goal="原来的目标"
    )
    login(client, users[who])
    data = {
        "money_unit": "元",
        "overall_goal": "新的目标",
        "loaded_version": table.version,
        **{
            f"{p}-{k}": v
            for p in ("sub_goals", "measures")
            for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    }
    response = client.post(reverse("targets:department_edit", args=[table.pk]), data)
    assert response.status_code == expected
    table.refresh_from_db()
    assert table.overall_goal == ("新的目标" if who == "owner" else "原来的目标")


def test_home_shows_only_visible_units(client, users, project, tree, year):
    ProjectTable.objects.create(
        unit=tree["other"], year=year, framework=year.framework, name="北戴河项目", budget_total=1
    )
    login(client, users["owner"])
    html = client.get(reverse("targets:home") + "?year=2021").content.decode()
    assert project.name in html and "北戴河项目" not in html
    client.logout()
    login(client, users["reviewer"])
    html = client.get(reverse("targets:home") + "?year=2021").content.decode()
    assert project.name in html and "北戴河项目" in html
    assert "新建项目支出绩效目标表" not in html  # reviewers read, they do not file
