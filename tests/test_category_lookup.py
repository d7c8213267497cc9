"""Finding a framework's categories by the names people write (indicators.lookup)."""

from __future__ import annotations

from budgetapp.indicators.frameworks import CENTRAL_2021, LEGACY
from budgetapp.indicators.lookup import CategoryIndex, category_key
from budgetapp.indicators.models import Framework


def test_spellings_of_one_category_compare_equal():
    assert category_key("产出指标") == category_key("产出") == category_key(" 产出　指标 ")
    assert category_key("可持续影响指标") == category_key("可持续影响")
    assert category_key("满意度指标") != category_key("服务对象满意度指标")
    assert category_key("") == ""


def test_level1_and_level2_are_found_by_any_spelling(db):
    index = CategoryIndex(Framework.objects.get(code=LEGACY).pk)
    output = index.level1("产出")
    assert output is not None and output.name == "产出指标"
    quantity = index.level2("数量", under=output)
    assert quantity.name == "数量指标" and quantity.parent_id == output.pk
    assert index.level1("成本指标") is None  # second-level in the old framework
    assert index.level2("") is None and index.level2("不存在的指标") is None


def test_a_level2_filed_under_another_level1_is_found_but_not_as_its_child(db):
    index = CategoryIndex(Framework.objects.get(code=LEGACY).pk)
    satisfaction = index.level1("满意度指标")
    quality = index.level2("质量指标", under=satisfaction)  # as seed 004 prints it
    assert quality is not None and quality.parent.name == "产出指标"
    assert index.level2_under("质量指标", satisfaction) is None


def test_each_framework_has_its_own_tree_and_one_query_loads_it(db, django_assert_num_queries):
    framework = Framework.objects.get(code=CENTRAL_2021)
    with django_assert_num_queries(1):
        central = CategoryIndex(framework.pk)
    cost = central.level1("成本指标")
    assert cost is not None and central.level2("经济成本", under=cost).parent_id == cost.pk
    assert central.by_pk[cost.pk] is cost
    assert CategoryIndex(None).level1("产出指标") is None
