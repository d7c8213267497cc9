"""The unit tree, derived figures and per-region code uniqueness."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError

from budgetapp.targets.models import DepartmentTable, ProjectIndicator
from budgetapp.units.models import LayoutFamily, Region, RegionLevel, Unit


def test_region_subtree_follows_the_tree(tree):
    qinhuangdao = Region.objects.get(name="秦皇岛市")
    names = set(qinhuangdao.subtree().values_list("name", flat=True))
    assert names == {"秦皇岛市", "山海关区", "北戴河区"}


def test_moving_a_region_moves_its_subtree(tree):
    zhangjiakou = Region.objects.get(name="张家口市")
    beidaihe = Region.objects.get(name="北戴河区")
    beidaihe.parent = zhangjiakou
    beidaihe.save()
    assert Region.objects.get(name="北戴河区") in zhangjiakou.subtree()
    assert Region.objects.get(name="北戴河区") not in Region.objects.get(name="秦皇岛市").subtree()


def test_unit_codes_are_unique_only_inside_one_region(tree):
    # Both seed units are 762001 in different regions: that is allowed...
    assert Unit.objects.filter(code="762001").count() == 3
    # ...but not twice in the same region.
    with pytest.raises(IntegrityError):
        Unit.objects.create(region=tree["own"].region, code="762001", name="另一单位")


def test_layout_follows_the_province_with_a_unit_override(tree):
    unit = tree["own"]
    assert unit.layout == LayoutFamily.HEBEI
    unit.layout_override = LayoutFamily.HUBEI
    assert unit.layout == LayoutFamily.HUBEI


def test_indicator_keeps_typed_text_and_parsed_parts(project):
    row = project.indicators.get(name="单位工作人员满意度")
    assert (row.target, row.target_comparator, row.target_number, row.target_unit) == (
        "≥95%",
        "≥",
        Decimal("95"),
        "%",
    )
    row.target = "有所提高"
    row.save()
    row.refresh_from_db()
    assert row.target_number is None and row.target_unit == "" and row.target == "有所提高"


def test_project_title_is_numbered_as_in_the_book(project):
    assert project.title == "1.残疾人就业服务中心运转经费绩效目标表"
    assert project.spending_plan == [Decimal("25"), Decimal("50"), Decimal("75"), Decimal("100")]


def test_department_mix_totals_and_shares_are_derived(tree, year):
    # Seed 004: 基本支出 656.84 and 项目支出 999 are 39.67% and 60.33% of 1,655.84.
    table = DepartmentTable.objects.create(
        unit=tree["own"],
        year=year,
        framework=year.framework,
        expense_basic=Decimal("656.84"),
        expense_project=Decimal("999"),
        income_fiscal=Decimal("1655.84"),
        income_fiscal_prev1=Decimal("993.88"),
        income_fiscal_prev2=Decimal("1485.73"),
    )
    basic, project, total = table.expense_mix()
    assert (basic.share, project.share) == (Decimal("39.67"), Decimal("60.33"))
    assert (
        total.label == "合计"
        and total.current == Decimal("1655.84")
        and total.share == Decimal("100.00")
    )
    fiscal, other, income_total = table.income_mix()
    assert fiscal.share == Decimal("100.00") and other.current is None
    assert income_total.prev1 == Decimal("993.88") and income_total.prev2 == Decimal("1485.73")
    assert table.expense_total == table.income_total == Decimal("1655.84")


def test_department_project_list_is_the_units_project_tables(project):
    table = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework
    )
    assert list(table.project_tables()) == [project]
    assert project.total_budget == project.budget_total


def test_region_cannot_become_its_own_descendant(tree):
    from django.core.exceptions import ValidationError

    hebei = Region.objects.get(name="河北省")
    hebei.parent = Region.objects.get(name="山海关区")
    with pytest.raises(ValidationError):
        hebei.full_clean()


def test_indicator_rows_are_ordered(project):
    names = list(project.indicators.values_list("name", flat=True))
    assert names == ["保障正常办公人数", "单位工作人员满意度"]
    assert ProjectIndicator.objects.filter(table=project).count() == 2


def test_region_levels_have_chinese_labels():
    assert RegionLevel.COUNTY.label == "县/区"
