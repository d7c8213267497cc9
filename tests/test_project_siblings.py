"""A project's name and code are unique among its unit's tables of the year: the form says so
in Chinese (one query for both), before the database constraint would refuse the save."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.targets.forms.tables import ProjectTableForm
from budgetapp.targets.models import ProjectTable

from .conftest import login
from .forms_data import project_post

NAME_TAKEN = "本单位本年度已有同名项目，请修改项目名称。"
CODE_TAKEN = "本单位本年度已有相同项目编码的表。"


@pytest.fixture
def owner_client(client, users):
    login(client, users["owner"])
    return client


def _create(client, **fields):
    return client.post(reverse("targets:project_create", args=[2021]), project_post(**fields))


@pytest.mark.parametrize(
    "name_taken, code_taken",
    [(True, False), (False, True), (True, True), (False, False)],
)
def test_name_and_code_of_another_project_refused(
    owner_client, project, name_taken, code_taken
) -> None:
    response = _create(
        owner_client,
        name=project.name if name_taken else "新的项目",
        code=project.code if code_taken else "NEWCODE0001",
    )
    if not (name_taken or code_taken):
        assert response.status_code == 302
        assert ProjectTable.objects.count() == 2
        return
    errors = response.context["form"].errors
    assert errors.get("name", []) == ([NAME_TAKEN] if name_taken else [])
    assert errors.get("code", []) == ([CODE_TAKEN] if code_taken else [])
    assert ProjectTable.objects.count() == 1


def test_own_name_and_code_kept_on_edit_with_one_query(project) -> None:
    data = project_post(table=project, name=project.name, code=project.code)
    form = ProjectTableForm(data, instance=project)
    with CaptureQueriesContext(connection) as queries:
        assert form.is_valid(), form.errors
    siblings = [q for q in queries.captured_queries if "targets_projecttable" in q["sql"]]
    assert len(siblings) == 1
