"""The Django admin shows every model of the core to an administrator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import login

ADMIN_PAGES = [
    "units_region",
    "units_unit",
    "units_account",
    "units_budgetyear",
    "auth_user",
    "indicators_framework",
    "indicators_category",
    "targets_projecttable",
    "targets_departmenttable",
]


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_admin_lists_and_opens_each_model(client, users, project, model):
    login(client, users["admin"])
    changelist = client.get(reverse(f"admin:{model}_changelist"))
    assert changelist.status_code == 200
    assert client.get(reverse(f"admin:{model}_add")).status_code == 200


def test_admin_edits_a_project_table_with_its_rows(client, users, project):
    login(client, users["admin"])
    response = client.get(reverse("admin:targets_projecttable_change", args=[project.pk]))
    assert response.status_code == 200
    assert "保障正常办公人数" in response.content.decode()


def test_filers_have_no_admin(client, users):
    login(client, users["owner"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]
