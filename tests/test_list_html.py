"""The start page's project rows and the dashboard's table links are built with plain string
operations (issue 17: `format_html` per value was a third of those pages' time); they give the
HTML `format_html_join` gave, kept here as the reference, for every state and for names that
need escaping."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from budgetapp.core.formatting import format_money
from budgetapp.review.selectors import UnitRow
from budgetapp.review.views.dashboard import _add_links, _short
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status
from budgetapp.targets.views.home import _project_rows

NAMES = ["残疾人康复经费", "<script>\"就业\"</script> & '培训'", "一二三四五六七八九十十一十二十三"]


def _tables(unit, year) -> list:
    tables = []
    for index, status in enumerate(Status):
        name = NAMES[index % len(NAMES)]
        tables.append(
            ProjectTable(
                pk=100 + index,
                unit=unit,
                year=year,
                status=status,
                sequence=index + 1,
                code=f"13<{index}>&",
                name=name,
                money_unit="元" if index % 2 else "万元",
                budget_total=Decimal("1234567.891") if index % 3 else None,
            )
        )
        tables[-1].indicator_count = index * 7
    tables.append(DepartmentTable(pk=7, unit=unit, year=year, status=Status.RETURNED))
    return tables


def _reference_rows(projects, *, can_file: bool) -> str:
    def row(project):
        editing = (
            format_html(
                ' · <a href="{}">编辑</a>', reverse("targets:project_edit", args=[project.pk])
            )
            if can_file and project.is_editable
            else ""
        )
        return (
            project.pk,
            project.title,
            project.code,
            format_money(project.budget_total),
            project.money_unit,
            project.indicator_count,
            project.status,
            Status(project.status).label,
            reverse("review:table", args=["project", project.pk]),
            editing,
        )

    return format_html_join(
        "\n",
        '<tr data-project="{}"><td>{}</td><td class="font-monospace small">{}</td>'
        '<td class="text-end">{} {}</td><td>{}</td>'
        '<td><span class="badge status-{}">{}</span></td>'
        '<td><a href="{}">查看</a>{}</td></tr>',
        (row(project) for project in projects),
    )


def _reference_links(tables) -> str:
    return format_html_join(
        "",
        '<a href="{}" class="me-2">{}</a><span class="badge status-{} me-2">{}</span>',
        (
            (
                reverse("review:table", args=[t.kind, t.pk]),
                "部门整体" if t.kind == "department" else f"{t.sequence}.{_short(t.name)}",
                t.status,
                Status(t.status).label,
            )
            for t in tables
        ),
    )


@pytest.mark.parametrize("can_file", [True, False])
def test_project_rows_as_format_html_gave_them(tree, year, can_file):
    projects = [t for t in _tables(tree["own"], year) if t.kind == "project"]
    built = _project_rows(projects, can_file=can_file)
    assert built == _reference_rows(projects, can_file=can_file)
    assert "&lt;script&gt;&quot;就业&quot;&lt;/script&gt; &amp; &#x27;培训&#x27;" in built
    assert ("编辑" in built) == can_file
    assert _project_rows([], can_file=can_file) == ""


def test_dashboard_links_as_format_html_gave_them(tree, year):
    tables = _tables(tree["own"], year)
    row = UnitRow(tree["own"], tree["own"].pk, tables=tables)
    empty = UnitRow(tree["other"], tree["other"].pk)
    _add_links([row, empty])
    assert row.links == _reference_links(tables)
    assert "部门整体" in row.links and "一二三四五六七八九十十…" in row.links
    assert empty.links == ""
