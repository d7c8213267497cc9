"""A failed save lists, at the top of the editor, every error that has no visible field.

"保存失败：请按页面上的红色提示修改" with no red hint anywhere (issue 12, bug 1) left the filer
stuck: errors of hidden inputs, of the whole form, of a row list or of its management form
now appear in the error summary, in Chinese, with the row they belong to.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from budgetapp.targets.forms import (
    ProjectTableForm,
    department_form_class,
    department_indicator_formset,
)
from budgetapp.targets.forms.editor import RowSection, bind
from budgetapp.targets.models import DepartmentTable
from budgetapp.targets.views.editing import error_summary

from .conftest import login
from .html_forms import read_form

FAILED = "保存失败：请按页面上的红色提示修改后再保存，您填写的内容都已保留。"


def _summary(response) -> list[str]:
    html = response.content.decode()
    block = re.search(r'<div [^>]*data-role="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert block, "no error summary on the page"
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", block[1], re.S)
    ]


@pytest.fixture
def edit(client, users, project):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = read_form(client.get(url).content.decode()).as_dict()
    return url, data


def test_a_valid_page_post_saves(client, edit, project):
    url, data = edit
    assert client.post(url, data).status_code == 302


def test_error_of_a_hidden_row_input_is_listed_with_its_row(client, edit, project):
    url, data = edit
    data["indicators-1-order"] = "第二"
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert FAILED in page
    assert _summary(response) == ["绩效指标第2行（序号）：输入整数。"]
    project.refresh_from_db()
    assert project.version == 1


def test_error_of_the_hidden_version_is_listed(client, edit):
    url, data = edit
    data["loaded_version"] = "abc"
    response = client.post(url, data)
    assert response.status_code == 200
    assert _summary(response) == ["页面版本：页面数据不完整，请刷新页面后重新保存。"]


def test_missing_management_form_is_listed_in_chinese(client, edit):
    url, data = edit
    del data["indicators-TOTAL_FORMS"]
    response = client.post(url, data)
    assert response.status_code == 200
    (line,) = _summary(response)
    assert line.startswith("绩效指标：页面数据不完整")
    assert "ManagementForm" not in line


def test_visible_field_errors_stand_at_their_field_and_are_listed_as_links(client, edit):
    url, data = edit
    data["budget_total"] = "十一万"
    data["indicators-0-name"] = ""
    response = client.post(url, data)
    page = response.content.decode()
    assert FAILED in page
    assert _summary(response) == [
        "预算数：请输入金额数字，例如 1273.72（不能包含文字或其他符号）。",
        "绩效指标第1行 三级指标：请填写三级指标名称。",
    ]
    assert '<a href="#id_budget_total"' in page
    assert '<a href="#id_indicators-0-name"' in page
    # The message also stands next to its field.
    assert re.search(r'id="id_indicators-0-name_error"[^>]*>\s*<div>请填写三级指标名称。', page)


def test_non_field_errors_of_the_form_and_of_a_row_are_listed(users, project):
    request = RequestFactory().post("/", {})
    request.user = users["owner"]
    section = RowSection(
        "indicators",
        "绩效指标",
        department_indicator_formset("guangdong"),
        [("level1", "一级"), ("level2", "二级"), ("name", "三级"), ("description", "描述"),
         ("target", "指标值"), ("basis", "依据")],
    )  # fmt: skip
    form = ProjectTableForm({"name": "x", "budget_total": "1"}, instance=project)
    form.is_valid()
    form.add_error(None, "整张表的问题")
    formset = section.formset_class(
        {
            "indicators-TOTAL_FORMS": "1",
            "indicators-INITIAL_FORMS": "0",
            "indicators-0-name": "某指标",
        },
        prefix="indicators",
    )
    formset.is_valid()
    formset.forms[0].add_error(None, "这一行的问题")
    lines = error_summary(form, [(section, formset)])
    # The table's own fields come first (this form left most of them empty), each linked to
    # its input; then the whole table's problem (no field to link to), then the row's, linked
    # to the row's first cell.
    header = [line for line in lines if line.field_id and not line.text.startswith("绩效指标")]
    assert header and all(line.field_id.startswith("id_") for line in header)
    assert "表序号：这个字段是必填项。" in [line.text for line in header]
    assert [(line.text, line.field_id) for line in lines[len(header) :]] == [
        ("整张表的问题", ""),
        ("绩效指标第1行 一级：请选择一级指标。", "id_indicators-0-level1"),
        ("绩效指标第1行：这一行的问题", "id_indicators-0-level1"),
    ]


def test_a_row_list_that_does_not_show_a_field_is_refused(tree, year):
    table = DepartmentTable.objects.create(unit=tree["own"], year=year, framework=year.framework)
    hubei_rows = RowSection(
        "indicators",
        "绩效指标",
        department_indicator_formset("hubei"),
        [("level1", "一级"), ("name", "三级"), ("target", "指标值")],
    )
    with pytest.raises(ImproperlyConfigured, match="goal_no"):
        bind(None, table, department_form_class("hubei"), [hubei_rows])
