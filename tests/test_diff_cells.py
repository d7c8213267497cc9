"""The diff marks the cells that changed, not whole rows (issue 12, bug 7).

A cell of the official layout carries `marks` naming the exact values it prints
("indicator:7/target", "field:income_fiscal_prev1"); `TableDiff.cells` names the changed
values; the table page highlights the cells whose marks meet them. The stale-save page tints
the inputs the other person changed.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.layouts import document_for
from budgetapp.layouts.html import render_html
from budgetapp.targets.models import DepartmentTable, DepartmentTask
from budgetapp.targets.snapshots import diff_snapshots, serialize_table
from budgetapp.units.models import LayoutFamily

from .conftest import login
from .html_forms import read_form


def _changed_cells(table, diff) -> list[str]:
    """The texts of the cells the table page highlights for `diff`."""
    html = render_html(document_for(table), {mark: "cell-changed" for mark in diff.cells})
    return [
        re.sub(r"<[^>]+>", "", cell)
        for cell in re.findall(r'<t[dh] class="[^"]*cell-changed[^"]*"[^>]*>(.*?)</t[dh]>', html)
    ]


def test_a_changed_target_marks_its_cell_only(project):
    before = serialize_table(project)
    row = project.indicators.get(order=1)
    row.target = "20人"
    row.save()
    diff = diff_snapshots(before, serialize_table(project))
    assert diff.cells == {f"indicator:{row.pk}/target"}
    assert _changed_cells(project, diff) == ["20人"]


def test_a_changed_level1_marks_the_category_cell_not_the_row(project, category):
    before = serialize_table(project)
    row = project.indicators.get(order=2)
    row.level1 = category("效益指标")
    row.level2 = category("效益指标", "社会效益指标")
    row.save()
    diff = diff_snapshots(before, serialize_table(project))
    assert _changed_cells(project, diff) == ["效益指标", "社会效益指标"]


def test_a_changed_table_field_marks_its_cell(project):
    before = serialize_table(project)
    project.budget_other = Decimal("5000")
    project.save()
    diff = diff_snapshots(before, serialize_table(project))
    assert _changed_cells(project, diff) == ["5,000.00"]


@pytest.fixture
def department(tree, year):
    def make(layout: str) -> DepartmentTable:
        province = tree["own"].region.parent.parent
        province.layout = layout
        province.save()
        return DepartmentTable.objects.create(
            unit=tree["own"],
            year=year,
            framework=year.framework,
            income_fiscal=Decimal("100"),
            income_fiscal_prev1=Decimal("80"),
            income_other=Decimal("20"),
        )

    return make


def test_hubei_previous_year_amount_marks_that_cell_not_the_mix(department):
    table = department(LayoutFamily.HUBEI)
    before = serialize_table(table)
    table.income_fiscal_prev1 = Decimal("90")
    table.save()
    diff = diff_snapshots(before, serialize_table(table))
    assert _changed_cells(table, diff) == ["90.00"]


def test_guangdong_task_amount_marks_that_cell(department):
    table = department(LayoutFamily.GUANGDONG)
    task = DepartmentTask.objects.create(
        table=table, order=1, name="无障碍改造", content="改造240户", amount=Decimal("14.4")
    )
    before = serialize_table(table)
    task.amount = Decimal("15")
    task.save()
    diff = diff_snapshots(before, serialize_table(table))
    assert _changed_cells(table, diff) == ["15.00"]


def test_stale_save_page_tints_only_the_inputs_the_other_person_changed(client, users, project):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    mine = read_form(client.get(url).content.decode()).as_dict()
    theirs = dict(mine, **{"indicators-0-target": "20人"})
    assert client.post(url, theirs).status_code == 302  # someone else's save, same page

    mine["fund_use"] = "我改的资金用途"
    response = client.post(url, mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-role="stale-diff"' in html
    tinted = re.findall(r'<(?:input|textarea|select)[^>]*class="[^"]*is-changed[^"]*"[^>]*>', html)
    assert len(tinted) == 1 and 'name="indicators-0-target"' in tinted[0]
    assert 'value="17人"' in tinted[0]  # still what this filer's page holds
