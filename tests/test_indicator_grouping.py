"""Indicator rows stay grouped by 一级/二级 (issue 12, bug 8).

A row added at the end of the grid under an 一级 that already appears above used to print as a
second 产出指标 block. Saving now puts the rows back in the framework's category order (a
stable sort: the filer's order is kept inside each group) and says so; the merged runs then
print as the official tables do, on the page, in the PDF and in the Excel file.
"""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from budgetapp.exports.registry import export_table
from budgetapp.layouts.department import department_document
from budgetapp.layouts.project import project_document
from budgetapp.targets.views.editing import REGROUPED_MESSAGE
from budgetapp.units.models import LayoutFamily

from .conftest import login, pdf_text
from .forms_data import append_row, department_with_rows, editor_post


def _row(category, level1: str, level2: str, name: str, target: str = "≥1人") -> dict:
    return {
        "level1": category(level1).pk,
        "level2": category(level1, level2).pk,
        "name": name,
        "target": target,
        "basis": "工作计划",
    }


def _level1_cells(grid) -> list[tuple[str, int]]:
    """(text, rowspan) of the first column's cells under the indicator header."""
    return [
        (cell.text, cell.rowspan)
        for _, column, cell in grid.placed()
        if column == 0 and cell.text in {"产出指标", "效益指标", "满意度指标"}
    ]


def test_a_row_added_at_the_end_joins_its_group(client, users, project, category):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = editor_post(client, url)
    # The fixture has 产出/数量 then 满意度; the filer adds 产出/质量 and 产出/数量 below.
    append_row(
        data, "indicators", **_row(category, "产出指标", "质量指标", "康复服务合格率", "≥95%")
    )
    append_row(
        data, "indicators", **_row(category, "产出指标", "数量指标", "康复服务人数", "≥20人")
    )
    response = client.post(url, data, follow=True)

    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    assert REGROUPED_MESSAGE in response.content.decode()
    rows = list(project.indicators.order_by("order"))
    assert [r.name for r in rows] == [
        "保障正常办公人数",  # 产出/数量, first as before
        "康复服务人数",  # 产出/数量, typed after the first 数量 row: stays after it
        "康复服务合格率",  # 产出/质量
        "单位工作人员满意度",  # 满意度
    ]
    assert [r.order for r in rows] == [1, 2, 3, 4]

    indicator_grid = project_document(project).grids()[1]
    assert _level1_cells(indicator_grid) == [("产出指标", 3), ("满意度指标", 1)]
    # The printed PDF: one 产出指标 block, the rows in the saved order.
    text = pdf_text(export_table(project, "pdf")[2])
    assert text.count("产出指标") == 1
    positions = [text.index(r.name) for r in rows]
    assert positions == sorted(positions)
    # And the Excel file merges the 产出指标 cell over its three rows.
    sheet = openpyxl.load_workbook(BytesIO(export_table(project, "xlsx")[2])).active
    column_a = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert column_a.count("产出指标") == 1


def test_rows_already_grouped_are_left_as_typed_without_a_message(client, users, project, category):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = editor_post(client, url)
    append_row(
        data, "indicators", **_row(category, "满意度指标", "服务对象满意度指标", "家属满意度")
    )
    response = client.post(url, data, follow=True)
    assert REGROUPED_MESSAGE not in response.content.decode()
    assert [r.name for r in project.indicators.order_by("order")] == [
        "保障正常办公人数",
        "单位工作人员满意度",
        "家属满意度",
    ]


def test_a_row_moved_out_of_its_group_on_the_page_goes_back(client, users, project, category):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = editor_post(client, url)
    # The filer moves 满意度 above 产出 with the arrows: the framework puts 产出 first.
    data["indicators-0-order"], data["indicators-1-order"] = "2", "1"
    response = client.post(url, data, follow=True)
    assert REGROUPED_MESSAGE in response.content.decode()
    assert [r.name for r in project.indicators.order_by("order")] == [
        "保障正常办公人数",
        "单位工作人员满意度",
    ]


@pytest.fixture
def guangdong_table(tree, year, category):
    rows = [
        (None, "产出指标", "数量指标", "残疾人康复服务人数"),
        (None, "效益指标", "社会效益指标", "残疾人生活改善"),
        (None, "满意度指标", "服务对象满意度指标", "服务对象满意度"),
    ]
    return department_with_rows(tree, year, category, LayoutFamily.GUANGDONG, rows)


def test_guangdong_department_rows_regroup_and_print_one_block(
    client, users, guangdong_table, category
):
    table = guangdong_table
    login(client, users["owner"])
    url = reverse("targets:department_edit", args=[table.pk])
    data = editor_post(client, url)
    append_row(data, "indicators", **_row(category, "产出指标", "数量指标", "辅具适配人数"))
    append_row(data, "indicators", **_row(category, "效益指标", "社会效益指标", "就业率提高"))
    response = client.post(url, data, follow=True)
    assert REGROUPED_MESSAGE in response.content.decode()
    assert [r.name for r in table.indicators.order_by("order")] == [
        "残疾人康复服务人数",
        "辅具适配人数",
        "残疾人生活改善",
        "就业率提高",
        "服务对象满意度",
    ]
    (grid,) = department_document(table).grids()
    spans = [
        (cell.text, cell.rowspan)
        for _, column, cell in grid.placed()
        if column == 1 and cell.text in {"产出指标", "效益指标", "满意度指标"}
    ]
    assert spans == [("产出指标", 2), ("效益指标", 2), ("满意度指标", 1)]
    text = pdf_text(export_table(table, "pdf")[2])
    assert text.count("产出指标数量指标") == 1
    assert "效益指标社会效益指标残疾人生活改善≥1就业率提高" in text


def test_hubei_rows_regroup_inside_each_annual_goal(client, users, tree, year, category):
    rows = [
        (1, "产出指标", "数量指标", "目标一数量"),
        (1, "满意度指标", "服务对象满意度指标", "目标一满意度"),
        (2, "产出指标", "数量指标", "目标二数量"),
    ]
    table = department_with_rows(tree, year, category, LayoutFamily.HUBEI, rows)
    login(client, users["owner"])
    url = reverse("targets:department_edit", args=[table.pk])
    data = editor_post(client, url)
    append_row(
        data, "indicators", goal_no=1, **_row(category, "产出指标", "质量指标", "目标一质量")
    )
    client.post(url, data)
    rows = list(table.indicators.all())  # the model orders by 年度目标, then order
    assert [(r.goal_no, r.name) for r in rows] == [
        (1, "目标一数量"),
        (1, "目标一质量"),
        (1, "目标一满意度"),
        (2, "目标二数量"),
    ]
