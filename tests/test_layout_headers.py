"""Header cells of the official layouts say what they head (WCAG 1.3.1, PDF/UA): the print HTML
that WeasyPrint tags, and the pages, give every <th> a scope; an empty corner is no header."""

from __future__ import annotations

import pytest
import tinyhtml5

from budgetapp.demo.loader import load_demo
from budgetapp.layouts import document_for
from budgetapp.layouts.html import render_html
from budgetapp.targets.models import DepartmentTable, ProjectTable


def _headers(table) -> list[tuple[str, str | None]]:
    html = render_html(document_for(table), anchors=False, inline_widths=True)
    root = tinyhtml5.parse(f"<body>{html}</body>", namespace_html_elements=False)
    return [(" ".join("".join(th.itertext()).split()), th.get("scope")) for th in root.iter("th")]


@pytest.fixture
def demo(db):
    load_demo()


def test_every_header_cell_of_every_demo_layout_has_a_scope_and_text(demo):
    tables = [*DepartmentTable.objects.all(), *ProjectTable.objects.all()]
    assert len(tables) == 31
    counted = 0
    for table in tables:
        headers = _headers(table)  # none in Hebei's narrative department targets
        counted += len(headers)
        for text, scope in headers:
            assert scope in ("row", "col"), (table.title, text)
            assert text, table.title
    assert counted > 31 * 10


def test_a_label_beside_its_value_heads_the_row_and_a_row_of_labels_the_columns(demo):
    project = ProjectTable.objects.filter(unit__name="秦皇岛市山海关区残疾人联合会本级").first()
    scopes = dict(_headers(project))
    assert scopes["项目编码"] == scopes["项目名称"] == scopes["预算数"] == "row"
    assert scopes["资金支出计划（%）"] == "row"  # the group label beside 3月底 … 12月底
    assert scopes["3月底"] == scopes["12月底"] == "col"
    assert scopes["一级指标"] == scopes["指标值确定依据"] == "col"

    hubei = DepartmentTable.objects.get(unit__name="武汉市蔡甸区残疾人联合会")
    scopes = dict(_headers(hubei))
    assert scopes["项目名称"] == scopes["项目总预算"] == "col"  # the 项目支出情况 heading row
