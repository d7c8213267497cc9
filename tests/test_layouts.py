"""Layout descriptions: rectangular grids whose HTML shows every value in order."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils.html import strip_tags

from budgetapp.layouts.department import department_document
from budgetapp.layouts.document import Cell, Grid
from budgetapp.layouts.html import render_html
from budgetapp.layouts.project import project_document
from budgetapp.targets.models import DepartmentTable, ProjectTable


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html.replace("<br>", " ")))


def test_grid_placement_skips_cells_spanning_from_above():
    grid = Grid(widths=[1, 1, 1])
    grid.add(Cell("a", rowspan=2), Cell("b", colspan=2))
    grid.add(Cell("c"), Cell("d"))
    assert [(r, c, cell.text) for r, c, cell in grid.placed()] == [
        (0, 0, "a"),
        (0, 1, "b"),
        (1, 1, "c"),
        (1, 2, "d"),
    ]
    grid.check_shape()
    grid.add(Cell("e"))
    with pytest.raises(ValueError):
        grid.check_shape()


def test_every_demo_layout_is_a_rectangular_grid(demo):
    for table in ProjectTable.objects.all():
        for grid in project_document(table).grids():
            grid.check_shape()
    for table in DepartmentTable.objects.all():
        for grid in department_document(table).grids():
            grid.check_shape()


def test_project_html_shows_every_indicator_in_order(demo):
    table = ProjectTable.objects.get(unit__name="张家口市残疾人联合会本级", sequence=1)
    text = _text(render_html(project_document(table)))
    assert "1.2021年中央残疾人事业发展补助资金绩效目标表" in text
    assert "762001张家口市残疾人联合会本级" in text and "单位：万元" in text
    assert "82.16" in text and "25.00%" in text and "100.00%" in text
    position = 0
    for row in table.indicators.all():
        for value in (row.name, row.target):
            found = text.find(value, position)
            assert found >= 0, value
            position = found


def test_money_prints_with_thousands_separators(demo):
    table = ProjectTable.objects.get(unit__name="秦皇岛市山海关区残疾人联合会本级", sequence=1)
    assert "110,000.00" in _text(render_html(project_document(table)))


def test_typed_text_is_escaped(project):
    project.fund_use = "<script>alert(1)</script>"
    project.save()
    html = render_html(project_document(project))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_hubei_layout_derives_shares_and_lists_projects(demo):
    table = DepartmentTable.objects.get(unit__name="武汉市蔡甸区残疾人联合会")
    text = _text(render_html(department_document(table)))
    assert "39.67%" in text and "60.33%" in text and "1,655.84" in text
    assert "2023年" in text and "2024年" in text
    assert "康复经费" in text and "686.00" in text


def test_guangdong_layout_has_tasks_and_indicators(demo):
    table = DepartmentTable.objects.get(unit__name="廉江市残疾人联合会")
    text = _text(render_html(department_document(table)))
    assert "2024年部门整体预算绩效目标表" in text
    assert "任务1: 贫困重度残疾人家庭无障碍改造" in text and "1,273.72" in text
    assert "贫困残疾人家庭无障碍改造工作户数" in text and "240户" in text


def test_hebei_department_is_narrative(demo):
    table = DepartmentTable.objects.get(unit__name="秦皇岛市山海关区残疾人联合会本级")
    text = _text(render_html(department_document(table)))
    assert "一、总体绩效目标" in text and "二、分项绩效目标" in text and "三、工作保障措施" in text


def test_project_code_cell_is_tight_and_only_that_one(project):
    """The 21-character 项目编码 prints narrower rather than wrapping (print.css: .cell-tight)."""
    html = render_html(project_document(project))
    assert re.findall(r'<td class="[^"]*cell-tight[^"]*"[^>]*>([^<]*)</td>', html) == [project.code]


def test_every_typed_text_and_highlight_is_escaped_in_cells_headings_and_captions():
    from budgetapp.layouts.document import Caption, Document, Heading, Paragraph

    typed = "<b>\"引号\" & 'x'</b>"
    document = Document(
        title=typed,
        blocks=[
            Heading(typed, level=2),
            Paragraph(typed, indent=True),
            Caption(left=typed, right=typed),
            Grid(widths=[1, 1], rows=[[Cell(f"{typed}\n第二行", colspan=2, anchor='a"b')]]),
        ],
    )
    html = render_html(document, {'a"b': "cell-changed"})
    assert "<b>" not in html and "'x'" not in html
    assert html.count("&lt;b&gt;&quot;引号&quot; &amp; &#x27;x&#x27;&lt;/b&gt;") == 5
    assert 'data-anchor="a&quot;b"' in html and "cell-changed" in html
    assert "&lt;/b&gt;<br>第二行" in html


def test_print_html_has_no_cell_anchors_and_is_otherwise_the_same(demo):
    """Print leaves out the table page's data-anchor and data-marks attributes, and nothing
    else."""
    for table in [*DepartmentTable.objects.all(), *ProjectTable.objects.all()]:
        document = (
            project_document(table) if table.kind == "project" else department_document(table)
        )
        page, printed = render_html(document), render_html(document, anchors=False)
        assert "data-anchor" not in printed and "data-marks" not in printed
        assert re.sub(r' data-(anchor|marks)="[^"]*"', "", page) == printed
