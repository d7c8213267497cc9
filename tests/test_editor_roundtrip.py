"""Every editor of every layout saves what it shows (issue 12, bug 1).

Each test opens an editor page as the filer of a demo unit, reads the form out of the HTML as a
browser would submit it (tests/html_forms.py) and posts it back: unchanged, or with one row
added to every row list the way the page script adds it (the empty-row template with the next
index). The save must succeed: a redirect to the table, its version one higher. A field the
form requires but the page does not render (the Guangdong indicator rows once required the
Hubei-only 年度目标) fails here for every layout that has it.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.units.models import Account, BudgetYear, LayoutFamily

from .html_forms import FormData, read_form

# The filers of the demo and the layout their unit prints in.
FILERS = {
    "zjk_filer": LayoutFamily.HEBEI,
    "shg_filer": LayoutFamily.HEBEI,
    "lj_filer": LayoutFamily.GUANGDONG,
    "cd_filer": LayoutFamily.HUBEI,
}
# A year the demo leaves empty for every unit, for the new-table pages.
NEW_YEAR = 2026


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _log_in(client, username: str):
    account = Account.objects.select_related("unit", "user").get(user__username=username)
    client.force_login(account.user)
    return account.unit


def _open(client, url: str) -> tuple[str, FormData]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    return html, read_form(html)


_TEMPLATE = re.compile(
    r'<section class="row-section[^"]*" data-formset="(?P<prefix>[^"]+)">.*?'
    r'<template data-role="empty-row">(?P<row>.*?)</template>',
    re.S,
)


def _empty_rows(html: str) -> dict[str, FormData]:
    """Each row list's empty-row template, read as the controls it would add."""
    return {
        m["prefix"]: read_form(f'<form data-role="table-form">{m["row"]}</form>')
        for m in _TEMPLATE.finditer(html)
    }


def _fill_new_row(prefix: str, row: FormData, html: str) -> dict[str, str]:
    """What a person types into a new row: the visible fields a row needs to be kept."""
    values = row.as_dict()
    typed = {
        "name": "新增的一行",
        "title": "新增的一行",
        "text": "新增的一行",
        "target": "≥10人",
        "basis": "工作计划",
    }
    for name in values:
        field = name.rsplit("-", 1)[-1]
        if field in typed:
            values[name] = typed[field]
        elif field == "level1":
            values[name] = next(v for v in row.choices[name] if v)
        elif field == "level2":
            parents = json.loads(
                unescape(re.search(r'id="level2-parents"[^>]*>(.*?)</script>', html, re.S)[1])
            )
            level1 = values[name.replace("level2", "level1")]
            values[name] = next(
                (v for v in row.choices[name] if v and str(parents.get(v)) == level1), ""
            )
    return values


def _add_one_row_each(html: str, data: dict[str, str]) -> dict[str, int]:
    """Add a row to every row list as formset.js does; returns the list sizes expected."""
    expected = {}
    for prefix, row in _empty_rows(html).items():
        index = int(data[f"{prefix}-TOTAL_FORMS"])
        values = _fill_new_row(prefix, row, html)
        for name, value in values.items():
            data[name.replace("__prefix__", str(index))] = value
        data[f"{prefix}-{index}-order"] = str(index + 1)
        data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
        expected[prefix] = index + 1
    assert expected, "the editor has no row list"
    return expected


def _assert_saved(response, table) -> None:
    if response.status_code != 302:
        html = response.content.decode()
        summary = re.search(r'data-role="error-summary".*?</div>', html, re.S)
        pytest.fail(
            "the editor refused its own form: "
            + (summary[0] if summary else re.sub(r"\s+", " ", html)[:2000])
        )
    assert response["Location"] == table.get_absolute_url()


def _editors(unit) -> list[tuple[str, type, int]]:
    """(edit URL, model, pk) of every existing table of the unit."""
    urls = [
        (reverse("targets:project_edit", args=[t.pk]), ProjectTable, t.pk)
        for t in ProjectTable.objects.filter(unit=unit)
    ]
    urls += [
        (reverse("targets:department_edit", args=[t.pk]), DepartmentTable, t.pk)
        for t in DepartmentTable.objects.filter(unit=unit)
    ]
    return urls


@pytest.mark.parametrize("username", FILERS)
@pytest.mark.parametrize("add_rows", [False, True], ids=["unchanged", "row-added"])
def test_every_existing_table_saves_from_its_editor(client, demo, username, add_rows):
    unit = _log_in(client, username)
    assert unit.layout == FILERS[username]
    editors = _editors(unit)
    assert any(model is DepartmentTable for _, model, _ in editors)
    for url, model, pk in editors:
        before = model.objects.get(pk=pk)
        html, form = _open(client, url)
        if model is DepartmentTable:  # bug 3: the subtitle names the layout
            assert f"版式：{FILERS[username].label}" in html
        data = form.as_dict()
        expected = _add_one_row_each(html, data) if add_rows else {}
        response = client.post(url, data)
        _assert_saved(response, before)
        after = model.objects.get(pk=pk)
        assert after.version == before.version + 1, url
        for prefix, count in expected.items():
            assert getattr(after, prefix).count() == count, (url, prefix)


@pytest.mark.parametrize("username", FILERS)
@pytest.mark.parametrize("add_rows", [False, True], ids=["unchanged", "row-added"])
def test_new_department_table_saves_from_its_page(client, demo, username, add_rows):
    unit = _log_in(client, username)
    BudgetYear.objects.get(year=NEW_YEAR)
    url = reverse("targets:department_create", args=[NEW_YEAR])
    html, form = _open(client, url)
    assert f"版式：{FILERS[username].label}" in html
    data = form.as_dict()
    expected = _add_one_row_each(html, data) if add_rows else {}
    response = client.post(url, data)
    table = DepartmentTable.objects.get(unit=unit, year__year=NEW_YEAR)
    _assert_saved(response, table)
    assert table.version == 1
    for prefix, count in expected.items():
        assert getattr(table, prefix).count() == count, prefix


@pytest.mark.parametrize("username", FILERS)
@pytest.mark.parametrize("add_rows", [False, True], ids=["required-only", "row-added"])
def test_new_project_table_saves_from_its_page(client, demo, username, add_rows):
    unit = _log_in(client, username)
    url = reverse("targets:project_create", args=[NEW_YEAR])
    html, form = _open(client, url)
    data = form.as_dict()
    # A new project needs its name and budget; everything else is posted as the page shows it.
    data |= {"name": "新建的项目", "budget_total": "1000"}
    expected = _add_one_row_each(html, data) if add_rows else {}
    response = client.post(url, data)
    table = ProjectTable.objects.get(unit=unit, year__year=NEW_YEAR)
    _assert_saved(response, table)
    assert table.version == 1
    for prefix, count in expected.items():
        assert getattr(table, prefix).count() == count, prefix
