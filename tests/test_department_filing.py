"""Filing the department table in each regional layout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.targets.models import DepartmentTable
from budgetapp.units.models import LayoutFamily

from .conftest import login


def _rows(prefix: str, rows: list[dict]) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data |= {
            f"{prefix}-{i}-{key}": str(value) for key, value in {"order": i + 1, **row}.items()
        }
    return data


def test_hebei_filer_writes_the_narrative(client, users, year):
    login(client, users["owner"])
    data = {
        "money_unit": "万元",
        "overall_goal": "为有需求残疾人提供康复服务。",
        **_rows("sub_goals", [{"title": "残疾人康复", "text": "为贫困残疾人提供基本康复服务。"}]),
        **_rows(
            "measures",
            [{"title": "完善制度建设", "text": ""}, {"title": "", "text": "加强绩效运行监控。"}],
        ),
    }
    response = client.post(reverse("targets:department_create", args=[2021]), data)
    table = DepartmentTable.objects.get()
    assert response.status_code == 302 and response["Location"] == table.get_absolute_url()
    assert [g.title for g in table.sub_goals.all()] == ["残疾人康复"]
    assert table.measures.count() == 2
    # A second visit to "new" opens the existing table instead of making a second one.
    assert client.get(reverse("targets:department_create", args=[2021]))["Location"] == reverse(
        "targets:department_edit", args=[table.pk]
    )


def test_a_measure_may_be_a_title_alone(client, users, year):
    # Seed 001's fourth 工作保障措施 is a single short sentence with nothing under it.
    login(client, users["owner"])
    data = {
        "money_unit": "万元",
        **_rows("sub_goals", []),
        **_rows("measures", [{"title": "加强财务人员培训", "text": ""}]),
    }
    response = client.post(reverse("targets:department_create", args=[2021]), data)
    assert response.status_code == 302
    assert DepartmentTable.objects.get().measures.get().title == "加强财务人员培训"


@pytest.fixture
def guangdong(users, tree):
    province = tree["own"].region.parent.parent
    province.layout = LayoutFamily.GUANGDONG
    province.save()
    return users["owner"]


def test_guangdong_filer_enters_figures_tasks_and_indicators(client, guangdong, year, category):
    login(client, guangdong)
    data = {
        "money_unit": "万元",
        "staff_count": "34",
        "sub_unit_count": "0",
        "expense_basic": "278.55",
        "expense_project": "995.17",
        "income_fiscal": "1,273.72",
        "own_level_funds": "1273.72",
        "overall_goal": "为240户贫困残疾人家庭提供无障碍改造。",
        **_rows(
            "tasks",
            [
                {
                    "kind": "key",
                    "name": "无障碍改造",
                    "content": "改造",
                    "amount": "14.4",
                    "outcome": "完成",
                }
            ],
        ),
        **_rows(
            "indicators",
            [
                {
                    "goal_no": 1,
                    "level1": category("产出指标").pk,
                    "level2": category("产出指标", "数量指标").pk,
                    "name": "改造户数",
                    "target": "240户",
                }
            ],
        ),
    }
    response = client.post(reverse("targets:department_create", args=[2021]), data)
    assert response.status_code == 302, response.context["form"].errors
    table = DepartmentTable.objects.get()
    assert table.income_fiscal == Decimal("1273.72") and table.staff_count == 34
    assert table.tasks.get().amount == Decimal("14.4")
    assert table.indicators.get().target_number == Decimal("240")
    html = client.get(table.get_absolute_url()).content.decode()
    assert "部门整体预算绩效目标表" in html and "1,273.72" in html and "改造户数" in html


def test_guangdong_money_with_letters_is_refused(client, guangdong, year):
    login(client, guangdong)
    data = {
        "money_unit": "万元",
        "expense_basic": "二百万",
        **_rows("tasks", []),
        **_rows("indicators", []),
    }
    response = client.post(reverse("targets:department_create", args=[2021]), data)
    assert response.context["form"].errors["expense_basic"] == [
        "请输入金额数字，例如 1273.72（不能包含文字或其他符号）。"
    ]
    assert 'value="二百万"' in response.content.decode()
    assert not DepartmentTable.objects.exists()


def test_unknown_page_is_answered_in_chinese(client, users, settings):
    settings.DEBUG = False
    login(client, users["owner"])
    response = client.get("/projects/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
