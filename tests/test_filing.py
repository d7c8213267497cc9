"""Filing in the browser's forms: create, edit rows, and bad input answered in Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.targets.models import ProjectIndicator, ProjectTable, Status

from .conftest import login
from .forms_data import existing_rows, indicator, project_post


@pytest.fixture
def owner_client(client, users):
    return login(client, users["owner"])


def _create_url(year=2021):
    return reverse("targets:project_create", args=[year])


def test_filer_creates_a_project_table_with_indicator_rows(owner_client, year, category, tree):
    rows = [
        indicator(category, "产出指标", "数量指标", "康复服务人数", "≥100人"),
        indicator(category, "产出指标", "质量指标", "康复服务覆盖率", "≥95%"),
        indicator(category, "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
    ]
    response = owner_client.post(
        _create_url(), project_post(indicators=rows, budget_total="1,273.72")
    )
    table = ProjectTable.objects.get(name="残疾人康复经费")
    assert response.status_code == 302 and response["Location"] == table.get_absolute_url()
    assert table.unit == tree["own"] and table.year == year and table.status == Status.DRAFT
    assert table.budget_total == Decimal("1273.72")
    assert list(table.indicators.values_list("name", "order", "target_number")) == [
        ("康复服务人数", 1, Decimal("100")),
        ("康复服务覆盖率", 2, Decimal("95")),
        ("服务对象满意度", 3, Decimal("90")),
    ]
    assert table.goals.get().text == "为残疾人提供康复服务"
    assert table.updated_by.username == "owner"


def test_percent_sign_and_full_width_digits_are_accepted(owner_client, year):
    owner_client.post(
        _create_url(), project_post(plan_march="25%", plan_june="５０", budget_total="１２")
    )
    table = ProjectTable.objects.get()
    assert (table.plan_march, table.plan_june, table.budget_total) == (
        Decimal("25"),
        Decimal("50"),
        Decimal("12"),
    )


def test_letters_in_budget_are_refused_in_chinese_and_typed_text_kept(owner_client, year, category):
    rows = [indicator(category, "产出指标", "数量指标", "康复服务人数", "≥100人")]
    response = owner_client.post(
        _create_url(), project_post(indicators=rows, budget_total="十一万元", name="我的新项目")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["budget_total"] == [
        "请输入金额数字，例如 1273.72（不能包含文字或其他符号）。"
    ]
    html = response.content.decode()
    assert "请输入金额数字" in html and 'value="十一万元"' in html and 'value="我的新项目"' in html
    assert 'value="康复服务人数"' in html and 'value="≥100人"' in html
    assert not ProjectTable.objects.exists()


def test_spending_plan_above_100_percent_is_refused(owner_client, year):
    response = owner_client.post(_create_url(), project_post(plan_june="150"))
    assert response.context["form"].errors["plan_june"] == [
        "百分比不能超过 100%（您填写的值超出了范围）。"
    ]
    assert 'value="150"' in response.content.decode()
    assert not ProjectTable.objects.exists()


def test_negative_money_is_refused(owner_client, year):
    response = owner_client.post(_create_url(), project_post(budget_other="-5"))
    assert response.context["form"].errors["budget_other"] == ["金额不能为负数。"]


def test_empty_indicator_name_is_refused_at_the_row(owner_client, year, category):
    rows = [
        indicator(category, "产出指标", "数量指标", "康复服务人数", "≥100人"),
        indicator(category, "产出指标", "质量指标", "", "≥95%", description="覆盖率"),
    ]
    response = owner_client.post(_create_url(), project_post(indicators=rows))
    formset = dict((section.key, fs) for section, fs in response.context["formsets"])["indicators"]
    assert formset.forms[1].errors["name"] == ["请填写三级指标名称。"]
    html = response.content.decode()
    assert "请填写三级指标名称。" in html and 'value="≥95%"' in html and "覆盖率" in html
    assert not ProjectTable.objects.exists()


def test_blank_added_rows_are_ignored(owner_client, year):
    blank = {"level1": "", "level2": "", "name": "", "description": "", "target": "", "basis": ""}
    response = owner_client.post(_create_url(), project_post(indicators=[blank]))
    assert response.status_code == 302
    assert ProjectTable.objects.get().indicators.count() == 0


def test_duplicate_project_name_in_the_same_year_is_refused(owner_client, project):
    response = owner_client.post(_create_url(), project_post(name=project.name))
    assert response.context["form"].errors["name"] == ["本单位本年度已有同名项目，请修改项目名称。"]
    assert ProjectTable.objects.count() == 1


def test_edit_deletes_and_reorders_rows(owner_client, project, category):
    rows = existing_rows(project, category)
    rows.reverse()  # the page script renumbers `order` after a move
    rows.append(indicator(category, "效益指标", "社会效益指标", "就业带动", "有所提高"))
    rows[0]["DELETE"] = True  # the former second row
    url = reverse("targets:project_edit", args=[project.pk])
    response = owner_client.post(
        url, project_post(table=project, indicators=rows, name=project.name)
    )
    assert response.status_code == 302
    assert list(project.indicators.values_list("name", flat=True)) == [
        "保障正常办公人数",
        "就业带动",
    ]
    project.refresh_from_db()
    assert project.version == 2


def test_a_stale_save_is_refused_and_keeps_the_typed_text(owner_client, project, category):
    url = reverse("targets:project_edit", args=[project.pk])
    stale = project_post(
        table=project, indicators=existing_rows(project, category), name="我的版本"
    )
    ProjectTable.objects.filter(pk=project.pk).update(version=5, name="别人的版本")
    response = owner_client.post(url, stale)
    assert response.status_code == 200
    assert "其他人已保存了此表" in response.content.decode()
    assert 'value="我的版本"' in response.content.decode()
    project.refresh_from_db()
    assert project.name == "别人的版本"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED])
def test_a_table_under_review_cannot_be_edited(owner_client, project, category, status):
    ProjectTable.objects.filter(pk=project.pk).update(status=status)
    url = reverse("targets:project_edit", args=[project.pk])
    assert owner_client.get(url).status_code == 302
    response = owner_client.post(
        url, project_post(table=project, indicators=existing_rows(project, category))
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "残疾人就业服务中心运转经费"
    assert ProjectIndicator.objects.filter(table=project).count() == 2


def test_delete_removes_a_draft_table(owner_client, project):
    response = owner_client.post(reverse("targets:project_delete", args=[project.pk]))
    assert response.status_code == 302
    assert not ProjectTable.objects.filter(pk=project.pk).exists()


def test_delete_is_post_only(owner_client, project):
    assert owner_client.get(reverse("targets:project_delete", args=[project.pk])).status_code == 405
    assert ProjectTable.objects.filter(pk=project.pk).exists()


def test_home_lists_my_units_tables_with_status(owner_client, project):
    response = owner_client.get(reverse("targets:home") + "?year=2021")
    html = response.content.decode()
    assert (
        "1.残疾人就业服务中心运转经费绩效目标表" in html and "草稿" in html and "110,000.00" in html
    )


def test_home_rows_escape_what_the_filer_typed(owner_client, project):
    """The start page's project rows are built in the view (targets/views/home.py): a name or
    code is escaped as a template would, and the row links and counts are the table's own."""
    project.name, project.code = '<script>alert("x")</script>&', "<b>13'03</b>"
    project.save()
    html = owner_client.get(reverse("targets:home") + "?year=2021").content.decode()
    assert "<script>alert" not in html and "<b>13" not in html
    assert "1.&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;绩效目标表" in html
    assert "&lt;b&gt;13&#x27;03&lt;/b&gt;" in html
    row = html[html.index(f'<tr data-project="{project.pk}">') :].split("</tr>")[0]
    assert f">{project.indicators.count()}</td>" in row  # its indicator rows
    assert reverse("review:table", args=["project", project.pk]) in row
    assert reverse("targets:project_edit", args=[project.pk]) in row  # a draft, its filer
