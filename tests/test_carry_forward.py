"""Carry forward (结转上年): a unit's new year starts from last year's tables, shown to the filer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.demo.loader import load_demo
from budgetapp.indicators.frameworks import CENTRAL_2021, LEGACY
from budgetapp.indicators.models import Category, Framework
from budgetapp.targets import carry
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentTable,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
    Revision,
    Status,
)
from budgetapp.units.models import BudgetYear, Unit

from .conftest import login
from .forms_data import existing_rows, project_post

# Fields a carried table does not take from its source: identity, year, workflow, bookkeeping.
_NOT_COPIED = {
    "id", "year", "framework", "status", "version", "created_at", "updated_at", "submitted_at",
    "approved_at", "published_at", "grade", "updated_by", "carried_from",
}  # fmt: skip
_ROW_NOT_COPIED = {"id", "table", "value_prev1", "value_prev2"}


def _fields(instance, exclude: set[str]) -> dict:
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.name not in exclude
    }


def _year(year: int, code: str = LEGACY) -> BudgetYear:
    # The demo loader already creates some years (2022 among them); reuse one if it exists.
    budget_year, _ = BudgetYear.objects.get_or_create(
        year=year, defaults={"framework": Framework.objects.get(code=code)}
    )
    return budget_year


def _counts(unit: Unit, year: int) -> tuple[int, int, int, int]:
    return (
        ProjectTable.objects.filter(unit=unit, year__year=year).count(),
        ProjectIndicator.objects.filter(table__unit=unit, table__year__year=year).count(),
        ProjectGoal.objects.filter(table__unit=unit, table__year__year=year).count(),
        DepartmentTable.objects.filter(unit=unit, year__year=year).count(),
    )


# --- the demo 张家口 2021 book into 2022 ---------------------------------------------------------


@pytest.fixture
def demo(db):
    load_demo()
    return {
        "zjk": Unit.objects.get(name="张家口市残疾人联合会本级"),
        "caidian": Unit.objects.get(name="武汉市蔡甸区残疾人联合会"),
        "zjk_filer": get_user_model().objects.get(username="zjk_filer"),
        "cd_filer": get_user_model().objects.get(username="cd_filer"),
    }


def test_the_zhangjiakou_2021_book_is_copied_whole_into_2022(demo):
    unit, filer = demo["zjk"], demo["zjk_filer"]
    new_year = _year(2022)
    plan = carry.plan_carry_forward(unit=unit, from_year=2021, to_year=2022)
    assert [item.title for item in plan.tables][:2] == [
        "部门整体绩效目标",
        "1.2021年中央残疾人事业发展补助资金绩效目标表",
    ]
    assert "项目名称含“2021年”，结转后请按新年度改名" in plan.tables[1].notes
    result = carry.carry_forward(user=filer, unit=unit, from_year=2021, to_year=2022)

    assert len(result.created) == 14 and result.skipped == []
    assert _counts(unit, 2022) == _counts(unit, 2021) == (13, 128, _counts(unit, 2021)[2], 1)
    for source in ProjectTable.objects.filter(unit=unit, year__year=2021):
        copy = ProjectTable.objects.get(unit=unit, year=new_year, code=source.code)
        assert _fields(copy, _NOT_COPIED) == _fields(source, _NOT_COPIED)
        assert (copy.status, copy.version, copy.carried_from, copy.updated_by) == (
            Status.DRAFT,
            1,
            source,
            filer,
        )
        assert copy.framework == new_year.framework
        assert [_fields(g, {"id", "table"}) for g in copy.goals.all()] == [
            _fields(g, {"id", "table"}) for g in source.goals.all()
        ]
        old_rows, new_rows = list(source.indicators.all()), list(copy.indicators.all())
        assert [_fields(r, _ROW_NOT_COPIED) for r in new_rows] == [
            _fields(r, _ROW_NOT_COPIED) for r in old_rows
        ]
        assert [(r.value_prev1, r.value_prev2) for r in new_rows] == [
            (r.target, r.value_prev1) for r in old_rows
        ]
        revision = Revision.of(copy).get()
        assert (revision.version, revision.saved_by) == (1, filer)
        assert revision.data["rows"]["indicators"][0]["value_prev1"] == old_rows[0].target

    source = DepartmentTable.objects.get(unit=unit, year__year=2021)
    copy = DepartmentTable.objects.get(unit=unit, year=new_year)
    assert copy.carried_from == source and copy.status == Status.DRAFT
    assert copy.overall_goal == source.overall_goal != ""
    for section in ("sub_goals", "measures", "tasks"):
        assert [_fields(r, {"id", "table"}) for r in getattr(copy, section).all()] == [
            _fields(r, {"id", "table"}) for r in getattr(source, section).all()
        ]
    assert copy.sub_goals.count() == 5 and copy.measures.count() == 4


def test_hubei_money_shifts_one_year_and_the_current_amounts_start_blank(demo):
    unit = demo["caidian"]
    source = DepartmentTable.objects.get(unit=unit, year__year=2025)
    assert source.expense_basic is not None
    source.expense_basic_prev1 = Decimal("600.00")  # the seed prints no earlier years
    source.save()
    carry.carry_forward(user=demo["cd_filer"], unit=unit, from_year=2025, to_year=2026)
    copy = DepartmentTable.objects.get(unit=unit, year__year=2026)
    for name in carry.MIX_FIELDS:
        assert getattr(copy, name) is None
        assert getattr(copy, f"{name}_prev1") == getattr(source, name)
        assert getattr(copy, f"{name}_prev2") == getattr(source, f"{name}_prev1")
    assert (copy.filler_name, copy.functions) == (source.filler_name, source.functions)
    old_rows = list(source.indicators.all())
    new_rows = list(copy.indicators.all())
    assert [(r.goal_no, r.name, r.target, r.value_prev1, r.value_prev2) for r in new_rows] == [
        (r.goal_no, r.name, r.target, r.target, r.value_prev1) for r in old_rows
    ]


def test_the_hubei_editor_keeps_its_own_prev_columns(client, demo):
    carry.carry_forward(user=demo["cd_filer"], unit=demo["caidian"], from_year=2025, to_year=2026)
    copy = DepartmentTable.objects.get(unit=demo["caidian"], year__year=2026)
    first = copy.indicators.first()
    login(client, demo["cd_filer"])
    page = client.get(reverse("targets:department_edit", args=[copy.pk])).content.decode()
    assert "本表由2025年结转" in page
    assert f'name="indicators-0-value_prev1" value="{first.value_prev1}"' in page
    assert 'data-role="prev-values"' not in page


# --- a small unit of the shared fixtures ----------------------------------------------------------


@pytest.fixture
def year2022(framework) -> BudgetYear:
    return BudgetYear.objects.create(year=2022, framework=framework)


@pytest.fixture
def department(tree, year, category) -> DepartmentTable:
    table = DepartmentTable.objects.create(
        unit=tree["own"],
        year=year,
        framework=year.framework,
        overall_goal="保障残疾人基本权益",
        expense_basic=Decimal("100.00"),
        expense_basic_prev1=Decimal("90.00"),
        expense_basic_prev2=Decimal("80.00"),
    )
    DepartmentIndicator.objects.create(
        table=table,
        goal_no=2,
        level1=category("产出指标"),
        level2=category("产出指标", "数量指标"),
        name="培训人数",
        target="≥200人",
        value_prev1="≥180人",
        value_prev2="≥150人",
    )
    return table


def test_a_hebei_department_keeps_last_years_amounts_as_figures_to_update(
    users, department, year2022
):
    carry.carry_forward(user=users["owner"], unit=department.unit, from_year=2021, to_year=2022)
    copy = DepartmentTable.objects.get(year=year2022)
    assert (copy.expense_basic, copy.expense_basic_prev1, copy.expense_basic_prev2) == (
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("90.00"),
    )
    row = copy.indicators.get()
    assert (row.goal_no, row.target, row.value_prev1, row.value_prev2) == (
        2,
        "≥200人",
        "≥200人",
        "≥180人",
    )
    assert row.target_number == Decimal("200") and row.target_unit == "人"


def test_prev_values_shift_again_on_the_next_carry(users, project, year2022, framework):
    carry.carry_forward(user=users["owner"], unit=project.unit, from_year=2021, to_year=2022)
    row2022 = ProjectIndicator.objects.get(table__year=year2022, name="保障正常办公人数")
    row2022.target = "18人"
    row2022.save()
    BudgetYear.objects.create(year=2023, framework=framework)
    carry.carry_forward(user=users["owner"], unit=project.unit, from_year=2022, to_year=2023)
    row2023 = ProjectIndicator.objects.get(table__year__year=2023, name="保障正常办公人数")
    assert (row2023.target, row2023.value_prev1, row2023.value_prev2) == ("18人", "18人", "17人")


def test_existing_projects_are_skipped_by_code_then_by_name(users, project, year2022, tree):
    second = ProjectTable.objects.create(
        unit=tree["own"], year=project.year, framework=project.framework, sequence=2,
        name="残疾人康复经费", budget_total=Decimal("5"),
    )  # fmt: skip
    third = ProjectTable.objects.create(
        unit=tree["own"], year=project.year, framework=project.framework, sequence=3,
        code="NEWCODE", name="残疾人托养经费", budget_total=Decimal("7"),
    )  # fmt: skip
    # 2022 already has the first project (same code, renamed) and the second (same name).
    by_code = ProjectTable.objects.create(
        unit=tree["own"], year=year2022, framework=year2022.framework, sequence=1,
        code=project.code, name="改名后的运转经费", budget_total=Decimal("1"),
    )  # fmt: skip
    by_name = ProjectTable.objects.create(
        unit=tree["own"], year=year2022, framework=year2022.framework, sequence=2,
        name=second.name, budget_total=Decimal("2"),
    )  # fmt: skip
    plan = carry.plan_carry_forward(unit=tree["own"], from_year=2021, to_year=2022)
    assert [item.key for item in plan.tables] == [carry.project_key(third)]
    assert {item.key: item.existing for item in plan.skipped} == {
        carry.project_key(project): by_code,
        carry.project_key(second): by_name,
    }
    assert "项目编码相同" in plan.skipped[0].reason and "同名" in plan.skipped[1].reason

    result = carry.carry_forward(
        user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022
    )
    assert [table.name for _, table in result.created] == ["残疾人托养经费"]
    by_code.refresh_from_db()
    assert (by_code.name, by_code.budget_total, by_code.indicators.count()) == (
        "改名后的运转经费",
        Decimal("1.00"),
        0,
    )
    # The new table's number follows the ones already used in 2022.
    assert result.created[0][1].sequence == 3


def test_a_second_run_copies_nothing_again(users, project, department, year2022, tree):
    first = carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    assert len(first.created) == 2
    again = carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    assert again.created == [] and len(again.skipped) == 2
    assert _counts(tree["own"], 2022) == (1, 2, 1, 1)
    assert carry.carry_offer(unit=tree["own"], year=2022) is None


def test_only_the_selected_tables_are_carried(users, project, department, year2022, tree):
    result = carry.carry_forward(
        user=users["owner"],
        unit=tree["own"],
        from_year=2021,
        to_year=2022,
        selection={carry.DEPARTMENT_KEY},
    )
    assert [item.key for item, _ in result.created] == ["department"]
    assert _counts(tree["own"], 2022) == (0, 0, 0, 1)
    with pytest.raises(TableError, match="请至少选择一张"):
        carry.carry_forward(
            user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022, selection=[]
        )


def test_a_table_created_at_the_same_moment_is_refused_and_nothing_copied(
    users, project, department, year2022, tree, monkeypatch
):
    stale = carry.plan_carry_forward(unit=tree["own"], from_year=2021, to_year=2022)
    ProjectTable.objects.create(
        unit=tree["own"], year=year2022, framework=year2022.framework,
        name=project.name, budget_total=Decimal("1"),
    )  # fmt: skip
    monkeypatch.setattr(carry, "plan_carry_forward", lambda **kwargs: stale)
    with pytest.raises(TableError, match="请刷新页面后重新结转"):
        carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    assert _counts(tree["own"], 2022) == (1, 0, 0, 0)


def test_a_missing_or_closed_new_year_is_refused_in_chinese(users, project, tree, framework):
    with pytest.raises(TableError, match="2022年预算年度尚未设置"):
        carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    BudgetYear.objects.create(year=2022, framework=framework, is_open=False)
    with pytest.raises(TableError, match="未开放填报"):
        carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    assert _counts(tree["own"], 2022) == (0, 0, 0, 0)


@pytest.mark.parametrize("who", ["colleague", "reviewer", "other_reviewer", "admin"])
def test_only_a_filer_of_the_unit_may_carry(users, project, year2022, tree, who):
    with pytest.raises(NotAllowed):
        carry.carry_forward(user=users[who], unit=tree["own"], from_year=2021, to_year=2022)
    assert _counts(tree["own"], 2022) == (0, 0, 0, 0)


# --- frameworks -----------------------------------------------------------------------------------


def _central(level1: str, level2: str | None = None) -> Category:
    framework = Framework.objects.get(code=CENTRAL_2021)
    parent = Category.objects.get(framework=framework, parent=None, name=level1)
    return parent if level2 is None else parent.children.get(name=level2)


def test_legacy_categories_are_mapped_by_name_into_the_2021_framework(
    users, project, category, tree
):
    ProjectIndicator.objects.create(
        table=project, order=3, level1=category("产出指标"),
        level2=category("产出指标", "成本指标"), name="人均补助标准", target="≤0.4万元/人/年",
    )  # fmt: skip
    new_year = _year(2022, CENTRAL_2021)
    plan = carry.plan_carry_forward(unit=tree["own"], from_year=2021, to_year=2022)
    assert plan.tables[0].notes == [
        "绩效指标第3行“人均补助标准”：“成本指标”在新指标体系中是一级指标，请选择二级指标"
    ]
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    copy = ProjectTable.objects.get(year=new_year)
    assert copy.framework == new_year.framework
    assert [(r.name, r.level1, r.level2) for r in copy.indicators.all()] == [
        ("保障正常办公人数", _central("产出指标"), _central("产出指标", "数量指标")),
        ("单位工作人员满意度", _central("满意度指标"), _central("满意度指标", "服务对象满意度指标")),
        ("人均补助标准", _central("成本指标"), None),
    ]  # fmt: skip


def test_2021_framework_cost_rows_go_back_under_output_in_the_legacy_framework(users, tree):
    central_year = _year(2021, CENTRAL_2021)
    table = ProjectTable.objects.create(
        unit=tree["own"], year=central_year, framework=central_year.framework,
        name="残疾人康复经费", budget_total=Decimal("10"),
    )  # fmt: skip
    ProjectIndicator.objects.create(
        table=table, level1=_central("成本指标"), level2=_central("成本指标", "经济成本指标"),
        name="人均成本", target="≤300元",
    )  # fmt: skip
    _year(2022, LEGACY)
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    row = ProjectIndicator.objects.get(table__year__year=2022)
    assert (row.level1.name, row.level2.name, row.level1.framework.code) == (
        "产出指标",
        "成本指标",
        LEGACY,
    )
    summary = carry.carried_summary(row.table)
    assert summary.notes == ["绩效指标第1行“人均成本”：“成本指标”在新指标体系中归入“产出指标”"]


def test_rows_without_a_place_in_the_new_framework_are_left_out_and_listed(users, project, tree):
    narrow = Framework.objects.create(code="narrow", name="只有产出指标的体系")
    output = Category.objects.create(framework=narrow, name="产出指标")
    Category.objects.create(framework=narrow, parent=output, name="数量指标")
    BudgetYear.objects.create(year=2022, framework=narrow)
    plan = carry.plan_carry_forward(unit=tree["own"], from_year=2021, to_year=2022)
    assert plan.tables[0].counts == [("绩效目标", 1), ("绩效指标", 1)]
    assert plan.tables[0].dropped == [
        "绩效指标第2行“单位工作人员满意度”：新指标体系中没有“满意度指标”，未结转"
    ]
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    copy = ProjectTable.objects.get(year__year=2022)
    assert list(copy.indicators.values_list("name", flat=True)) == ["保障正常办公人数"]
    assert carry.carried_summary(copy).dropped == plan.tables[0].dropped


# --- the pages --------------------------------------------------------------------------------------


def _url(unit: Unit, year: int = 2022, done: bool = False) -> str:
    name = "targets:carry_forward_done" if done else "targets:carry_forward"
    return reverse(name, args=[unit.pk, year])


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        ("colleague", 404),
        ("other_reviewer", 404),
        ("reviewer", 403),
        ("admin", 403),
    ],
)
def test_who_may_open_the_preview(client, users, project, year2022, tree, who, expected):
    login(client, users[who])
    assert client.get(_url(tree["own"])).status_code == expected
    assert client.get(_url(tree["own"], done=True)).status_code == expected


@pytest.mark.parametrize("who", ["colleague", "reviewer", "other_reviewer", "admin"])
def test_a_refused_post_changes_nothing(client, users, project, year2022, tree, who):
    login(client, users[who])
    response = client.post(_url(tree["own"]), {"tables": [carry.project_key(project)]})
    assert response.status_code in (403, 404)
    assert _counts(tree["own"], 2022) == (0, 0, 0, 0)


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_changes(client, project, year2022, tree):
    for response in (
        client.get(_url(tree["own"])),
        client.post(_url(tree["own"]), {"tables": [carry.project_key(project)]}),
        client.get(_url(tree["own"], done=True)),
    ):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _counts(tree["own"], 2022) == (0, 0, 0, 0)


def test_the_preview_lists_what_will_be_copied_and_what_is_skipped(
    client, users, project, department, year2022, tree
):
    ProjectTable.objects.create(
        unit=tree["own"], year=year2022, framework=year2022.framework,
        code=project.code, name="已在2022年新建的表", budget_total=Decimal("1"),
    )  # fmt: skip
    login(client, users["owner"])
    page = client.get(_url(tree["own"])).content.decode()
    assert "从2021年结转到2022年" in page
    assert 'name="tables" value="department"' in page
    assert "部门整体绩效目标" in page and "绩效指标 1 行" in page
    assert f'value="{carry.project_key(project)}"' not in page
    assert "不结转的表" in page and "已有项目编码相同的表“已在2022年新建的表”" in page
    assert _counts(tree["own"], 2022) == (1, 0, 0, 0)


def test_the_preview_explains_a_missing_year(client, users, project, tree):
    login(client, users["owner"])
    page = client.get(_url(tree["own"])).content.decode()
    assert "2022年预算年度尚未设置，请联系管理员添加后再结转。" in page
    assert 'data-action="carry"' not in page


def test_carrying_from_the_page_lists_exactly_what_was_copied(
    client, users, project, department, year2022, tree
):
    login(client, users["owner"])
    response = client.post(_url(tree["own"]), {"tables": [carry.project_key(project)]})
    copy = ProjectTable.objects.get(year=year2022)
    assert response.status_code == 302
    assert response["Location"].startswith(_url(tree["own"], done=True))
    page = client.get(response["Location"]).content.decode()
    assert "已从2021年结转 1 张表到2022年" in page
    assert copy.title in page and "绩效目标 1 条 · 绩效指标 2 行" in page
    assert reverse("targets:project_edit", args=[copy.pk]) in page
    assert "预算数和资金来源" in page
    # Only what this POST copied: the department table was not ticked.
    assert DepartmentTable.objects.filter(year=year2022).count() == 0


def test_an_empty_selection_is_refused_and_the_preview_shown_again(
    client, users, project, year2022, tree
):
    login(client, users["owner"])
    response = client.post(_url(tree["own"]), {})
    page = response.content.decode()
    assert response.status_code == 200 and "请至少选择一张要结转的表。" in page
    assert f'value="{carry.project_key(project)}"' in page
    assert _counts(tree["own"], 2022) == (0, 0, 0, 0)


def test_the_editor_shows_last_years_values_and_the_carry_notice(
    client, users, project, year2022, tree
):
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    copy = ProjectTable.objects.get(year=year2022)
    login(client, users["owner"])
    page = client.get(reverse("targets:project_edit", args=[copy.pk])).content.decode()
    assert "本表由2021年结转，请逐项核对后再提交。" in page
    assert 'data-role="prev-values"' in page
    assert '上年：<span data-role="value-prev1">17人</span>' in page
    assert '前年：<span data-role="value-prev2">—</span>' in page
    # The editor does not offer 上年/前年 as inputs, and a save keeps them.
    assert 'name="indicators-0-value_prev1"' not in page
    rows = existing_rows(copy, None)
    rows[0]["target"] = "20人"
    client.post(
        reverse("targets:project_edit", args=[copy.pk]),
        project_post(table=copy, indicators=rows, name=copy.name, code=copy.code)
        | {"indicators-0-value_prev1": "伪造"},
    )
    row = copy.indicators.get(name="保障正常办公人数")
    assert (row.target, row.value_prev1) == ("20人", "17人")


def test_a_table_not_carried_shows_no_notice(client, users, project):
    login(client, users["owner"])
    page = client.get(reverse("targets:project_edit", args=[project.pk])).content.decode()
    assert 'data-role="carry-notice"' not in page and 'data-role="prev-values"' not in page


def test_the_department_editor_shows_the_carry_notice(client, users, department, year2022, tree):
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    copy = DepartmentTable.objects.get(year=year2022)
    login(client, users["owner"])
    page = client.get(reverse("targets:department_edit", args=[copy.pk])).content.decode()
    assert "本表由2021年结转" in page and "收入、支出金额" in page


def test_the_home_page_offers_carry_forward_only_while_something_is_left(
    client, users, project, year2022, tree
):
    login(client, users["owner"])
    link = reverse("targets:carry_forward", args=[tree["own"].pk, 2022])
    for shown in (2021, 2022):
        page = client.get(reverse("targets:home") + f"?year={shown}").content.decode()
        assert link in page and "从2021年结转到2022年" in page
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    page = client.get(reverse("targets:home") + "?year=2022").content.decode()
    assert link not in page
    login(client, users["reviewer"])
    page = client.get(reverse("targets:home") + "?year=2021").content.decode()
    assert 'data-action="carry-forward"' not in page


def _offer_by_plans(unit: Unit, year: int) -> tuple[int, int] | None:
    """What the home page offered before `carry_offer` read its answer in two queries: the
    plans themselves (up to eight queries)."""
    for from_year, to_year in ((year - 1, year), (year, year + 1)):
        plan = carry.plan_carry_forward(
            unit=unit, from_year=from_year, to_year=to_year, describe=False
        )
        if plan.has_work:
            return from_year, to_year
    return None


def test_the_home_pages_offer_is_what_the_plans_say(project, year2022, tree, framework):
    unit = tree["own"]
    seen = []

    def same_answer() -> None:
        for shown in (2020, 2021, 2022, 2023):
            expected = _offer_by_plans(unit, shown)
            assert carry.carry_offer(unit=unit, year=shown) == expected, shown
            years = list(BudgetYear.objects.all())
            assert carry.carry_offer(unit=unit, year=shown, budget_years=years) == expected
            seen.append(expected)

    def new_project(year: BudgetYear, code: str, name: str) -> ProjectTable:
        return ProjectTable.objects.create(
            unit=unit, year=year, framework=framework, code=code, name=name,
            budget_total=Decimal("1"),
        )  # fmt: skip

    same_answer()  # 2021's project, nothing in 2022 yet
    new_project(year2022, project.code, "改名后的运转经费")  # its counterpart by code
    same_answer()
    second = new_project(project.year, "", "残疾人托养经费")  # no code: matched by name only
    same_answer()
    new_project(year2022, "OTHER-CODE", second.name)
    same_answer()
    DepartmentTable.objects.create(unit=unit, year=project.year, framework=framework)
    same_answer()  # 2021's department has no counterpart
    DepartmentTable.objects.create(unit=unit, year=year2022, framework=framework)
    same_answer()
    year2023 = BudgetYear.objects.create(year=2023, framework=framework)
    same_answer()  # 2022 into 2023
    year2023.is_open = False
    year2023.save()
    same_answer()
    BudgetYear.objects.filter(pk=year2022.pk).update(is_open=False)
    same_answer()
    # the cases met: each pair offered, and nothing
    assert {(2021, 2022), (2022, 2023), None} <= set(seen)
