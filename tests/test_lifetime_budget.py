"""项目总预算 (lifetime_budget) prints where an official layout has it (issue 12, bug 12).

Only the Hubei department table (seed 004) has a 项目总预算 column, in its 项目支出情况 list of
the unit's projects; the project table of every region has none. A figure typed in a Hubei
project's editor prints there on the department table's page, PDF and Excel file; the editor
says where it prints, and in the other regions that it does not print.
"""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from budgetapp.exports.registry import export_table
from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.units.models import Account

from .conftest import pdf_text
from .html_forms import read_form

HUBEI_UNIT = "武汉市蔡甸区残疾人联合会"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _filer_client(client, username: str):
    client.force_login(Account.objects.get(user__username=username).user)
    return client


def test_lifetime_budget_typed_in_a_hubei_project_prints_in_the_department_list(client, demo):
    _filer_client(client, "cd_filer")
    project = ProjectTable.objects.filter(unit__name=HUBEI_UNIT).order_by("sequence").first()
    url = reverse("targets:project_edit", args=[project.pk])
    page = client.get(url).content.decode()
    assert "“项目支出情况”的“项目总预算”栏" in page
    data = read_form(page).as_dict()
    data["lifetime_budget"] = "987,654.32"
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert str(project.lifetime_budget) == "987654.32"

    department = DepartmentTable.objects.get(unit__name=HUBEI_UNIT)
    html = client.get(department.get_absolute_url()).content.decode()
    list_cells = html[html.index("项目支出情况") :]
    assert "987,654.32" in list_cells
    assert "987,654.32" in pdf_text(export_table(department, "pdf")[2])
    sheet = openpyxl.load_workbook(BytesIO(export_table(department, "xlsx")[2])).active
    (line,) = [
        [cell.value for cell in row]
        for row in sheet.iter_rows()
        if any(cell.value == project.name for cell in row)
    ]
    assert 987654.32 in line


def test_blank_lifetime_budget_prints_this_years_budget(client, demo):
    project = ProjectTable.objects.filter(unit__name=HUBEI_UNIT).order_by("sequence").first()
    project.lifetime_budget = None
    project.save()
    department = DepartmentTable.objects.get(unit__name=HUBEI_UNIT)
    text = pdf_text(export_table(department, "pdf")[2])
    budget = f"{project.budget_total:,.2f}"
    assert f"{project.name}{budget}{budget}" in text


@pytest.mark.parametrize("username", ["zjk_filer", "lj_filer"])
def test_other_regions_editors_say_it_does_not_print(client, demo, username):
    _filer_client(client, username)
    page = client.get(reverse("targets:project_create", args=[2026])).content.decode()
    assert "此项不打印（仅湖北版式的部门整体绩效目标表列出）" in page
