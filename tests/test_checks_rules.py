"""智能审核: every shipped rule trips on a case made for it and stays quiet on a correct table."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgetapp.checks.catalog import RULES as SPECS
from budgetapp.checks.data import RowData, TableData, from_table
from budgetapp.checks.engine import CheckContext, check_table, run_checks
from budgetapp.checks.models import CheckRule, Severity, Stage
from budgetapp.checks.registry import RULES
from budgetapp.indicators.frameworks import CENTRAL_2021, FRAMEWORKS, LEGACY
from budgetapp.targets.models import DepartmentTable, ProjectIndicator, ProjectTable
from budgetapp.units.models import BudgetYear

pytestmark = pytest.mark.usefixtures("checks_on")

PARAMS = {spec["code"]: spec["params"] for spec in SPECS}
LEGACY_TREE = {name: children for name, children in FRAMEWORKS[LEGACY]["tree"]}
CENTRAL_TREE = {name: children for name, children in FRAMEWORKS[CENTRAL_2021]["tree"]}
PARENT = {child: parent for parent, children in LEGACY_TREE.items() for child in children}


def row(name: str, target: str, level2: str, **extra) -> RowData:
    level1 = extra.pop("level1", PARENT.get(level2, ""))
    return RowData(
        number=extra.pop("number", 1),
        name=name,
        target=target,
        level1=level1,
        level2=level2,
        level2_parent=extra.pop("level2_parent", PARENT.get(level2, level1)),
        description=extra.pop("description", f"{name}（按年度工作计划统计）"),
        basis=extra.pop("basis", "工作计划"),
        **extra,
    )


def clean_rows() -> list[RowData]:
    rows = [
        row("残疾人康复服务人数", "≥225人", "数量指标"),
        row("康复服务覆盖率", "≥95%", "质量指标"),
        row("项目完成时间", "12月31日前", "时效指标"),
        row("人均康复补助标准", "≤500元/人", "成本指标"),
        row("残疾人家庭生活状况", "有所改善", "社会效益指标"),
        row("项目持续发挥作用期限", "长期", "可持续影响指标"),
        row("服务对象满意度", "≥90%", "服务对象满意度指标"),
    ]
    return [replace(r, number=n) for n, r in enumerate(rows, 1)]


def clean_table(**changes) -> TableData:
    values = {
        "kind": "project",
        "pk": None,
        "unit_id": None,
        "year": 2021,
        "money_unit": "元",
        "framework_id": None,
        "name": "残疾人康复经费",
        "budget_total": Decimal("100000"),
        "budget_fiscal": Decimal("80000"),
        "budget_other": Decimal("20000"),
        "plan": {
            "plan_march": Decimal("25"),
            "plan_june": Decimal("50"),
            "plan_october": Decimal("75"),
            "plan_december": Decimal("100"),
        },
        "rows": clean_rows(),
        "tree": LEGACY_TREE,
    }
    return TableData(**{**values, **changes})


def with_row(index: int, **changes) -> TableData:
    rows = clean_rows()
    rows[index] = replace(rows[index], **changes)
    return clean_table(rows=rows)


def hits(code: str, table: TableData, context: CheckContext | None = None) -> list[str]:
    context = context or CheckContext(unit_id=None, year=table.year)
    return [hit.message for hit in RULES[code](table, PARAMS[code], context)]


# --- the catalogue ---------------------------------------------------------------------------


def test_every_rule_row_has_an_implementation_and_every_implementation_a_row(db):
    targets = CheckRule.objects.filter(stage=Stage.TARGET)
    assert set(targets.values_list("code", flat=True)) == set(RULES)
    assert {spec["code"] for spec in SPECS} == set(RULES)


def test_rules_are_data_with_a_severity_that_the_engine_follows(db):
    table = with_row(0, target="≤225人")  # quantity_upper_bound: a warning as shipped
    assert {f.severity for f in run_checks(table) if f.rule == "quantity_upper_bound"} == {
        Severity.WARNING
    }
    CheckRule.objects.filter(code="quantity_upper_bound").update(severity=Severity.ERROR)
    assert {f.severity for f in run_checks(table) if f.rule == "quantity_upper_bound"} == {
        Severity.ERROR
    }
    CheckRule.objects.filter(code="quantity_upper_bound").update(enabled=False)
    assert not [f for f in run_checks(table) if f.rule == "quantity_upper_bound"]


@pytest.mark.parametrize("code", sorted(RULES))
def test_a_correct_table_passes_every_rule(code):
    assert hits(code, clean_table()) == []


def test_a_correct_table_has_no_finding_at_all(db):
    assert run_checks(clean_table()) == []


# --- money and spending plan -----------------------------------------------------------------


def test_budget_sum():
    messages = hits("budget_sum", clean_table(budget_fiscal=Decimal("70000")))
    assert messages == [
        "预算数 100,000.00 元 不等于其中财政资金 70,000.00 元 与其他资金 20,000.00 元 之和"
        "（90,000.00 元）。"
    ]
    assert hits("budget_sum", clean_table(budget_fiscal=Decimal("80000.00"))) == []


def test_plan_range():
    table = clean_table(plan={**clean_table().plan, "plan_march": Decimal("120")})
    assert hits("plan_range", table) == ["资金支出计划“3月底”为 120%，应在 0% 到 100% 之间。"]


def test_plan_not_falling():
    table = clean_table(plan={**clean_table().plan, "plan_june": Decimal("20")})
    assert hits("plan_not_falling", table) == [
        "资金支出计划“6月底”（20%）小于“3月底”（25%）：累计进度不能下降。"
    ]
    blanks = {**clean_table().plan, "plan_march": None, "plan_june": None}
    assert hits("plan_not_falling", clean_table(plan=blanks)) == []


def test_plan_ends_full():
    plan = clean_table().plan
    assert hits("plan_ends_full", clean_table(plan={**plan, "plan_december": Decimal("90")})) == [
        "资金支出计划“12月底”应为 100%，现为 90%。"
    ]
    assert hits("plan_ends_full", clean_table(plan={**plan, "plan_december": None})) == [
        "资金支出计划“12月底”未填写，应为 100%。"
    ]


def test_plan_blank_is_a_reminder_for_the_months_left_empty():
    plan = {**clean_table().plan, "plan_march": None, "plan_october": None}
    assert hits("plan_blank", clean_table(plan=plan)) == [
        "资金支出计划“3月底”、“10月底”未填写；确实没有支出请填 0%，否则请填写累计支出比例。"
    ]


# --- categories ------------------------------------------------------------------------------


def test_level1_present_under_the_legacy_framework():
    rows = [r for r in clean_rows() if r.level1 != "效益指标"]
    assert hits("level1_present", clean_table(rows=rows)) == [
        "缺少一级指标“效益指标”：每类一级指标至少要有一行。"
    ]


def test_level1_present_asks_for_cost_under_the_2021_framework():
    rows = clean_rows()
    rows[3] = replace(rows[3], level1="成本指标", level2="经济成本指标", level2_parent="成本指标")
    assert hits("level1_present", clean_table(rows=rows, tree=CENTRAL_TREE)) == []
    without_cost = [r for r in rows if r.level1 != "成本指标"]
    assert hits("level1_present", clean_table(rows=without_cost, tree=CENTRAL_TREE)) == [
        "缺少一级指标“成本指标”：每类一级指标至少要有一行。"
    ]


def test_level2_allowed():
    table = with_row(6, level1="满意度指标", level2="质量指标", level2_parent="产出指标")
    assert hits("level2_allowed", table) == [
        "第 1 行“服务对象满意度”的二级指标“质量指标”不属于一级指标“满意度指标”"
        "（“质量指标”属于“产出指标”；可选：服务对象满意度指标）。".replace("第 1 行", "第 7 行")
    ]


# --- the form of a target --------------------------------------------------------------------


def test_target_blank():
    assert hits("target_blank", with_row(0, target=" ")) == [
        "第 1 行“残疾人康复服务人数”未填写指标值。"
    ]


def test_target_unit_missing_unless_the_name_carries_it():
    assert hits("target_unit_missing", with_row(6, target="≥90")) == [
        "第 7 行“服务对象满意度”的指标值“≥90”只有数字，没有计量单位（如人、%、元、天）。"
    ]
    assert hits("target_unit_missing", with_row(6, name="服务对象满意度(%)", target="≥90")) == []


def test_target_comparator_missing():
    assert hits("target_comparator_missing", with_row(0, target="17人")) == [
        "第 1 行“残疾人康复服务人数”的指标值“17人”没有比较符：请写明是下限（≥）、上限（≤）"
        "还是确切值（=）。"
    ]
    assert hits("target_comparator_missing", with_row(1, target="100%")) == []


def test_qualitative_wording():
    assert hits("qualitative_wording", with_row(4, target="是/否")) == [
        "第 5 行“残疾人家庭生活状况”的指标值“是/否”不是规范表述：请写明预期结果（如“是”），"
        "或改为可量化的指标值。"
    ]
    for accepted in ("有所提高", "进一步保障", "是", "2024年12月31日前"):
        assert hits("qualitative_wording", with_row(4, target=accepted)) == []


def test_rate_is_percent_with_the_seeds_words():
    rows = clean_rows()
    rows[2] = replace(rows[2], name="工资及保险发放准确率", target="14人", level2="质量指标")
    rows[2] = replace(rows[2], number=3)
    assert hits("rate_is_percent", clean_table(rows=rows)) == [
        "第 3 行“工资及保险发放准确率”是“率”，指标值应为百分比，现为“14人”。"
    ]


@pytest.mark.parametrize("target", ["是/否", "≥80人", "≤3天"])
def test_satisfaction_must_be_a_percentage(target):
    assert len(hits("rate_is_percent", with_row(6, target=target))) == 1


def test_rate_is_percent_passes_a_percentage_and_an_efficiency_word():
    assert hits("rate_is_percent", with_row(6, target="≥95%")) == []
    assert hits("rate_is_percent", with_row(4, name="提高工作效率", target="有所提高")) == []


BOUND_WORD_RATES = ["95%以上", "90%及以上", "不低于95%", "＞＝９５％", "≥９５％", "≧９０％"]


@pytest.mark.parametrize("target", BOUND_WORD_RATES)
def test_rates_written_with_bound_words_or_full_width_pass_every_rule(db, target):
    """`95%以上` used to be read as unit “%以上”: an error that blocked submission."""
    assert run_checks(with_row(1, target=target)) == []  # 康复服务覆盖率
    assert run_checks(with_row(6, target=target)) == []  # 服务对象满意度


def test_cost_is_money():
    assert hits("cost_is_money", with_row(3, name="预算", target="≥95%")) == [
        "第 4 行“预算”是成本指标，指标值应为金额（如“≤500元/人”“≤10万元”），现为“≥95%”。"
    ]
    assert len(hits("cost_is_money", with_row(3, target="是/否"))) == 1
    for money in ("≤0.4万元/人/年", "12000元/人", "≤10万元"):
        assert hits("cost_is_money", with_row(3, target=money)) == []


def test_cost_is_money_knows_cost_as_a_first_level_category():
    table = with_row(3, level1="成本指标", level2="经济成本指标", level2_parent="成本指标")
    table.rows[3] = replace(table.rows[3], target="≥95%")
    assert len(hits("cost_is_money", table)) == 1


def test_time_is_time():
    assert hits("time_is_time", with_row(2, target="≥3人")) == [
        "第 3 行“项目完成时间”是时效指标，指标值应为时间（如“≤60天”）、日期（如“12月31日前”）"
        "或百分比（如“≥95%”），现为“≥3人”。"
    ]
    assert len(hits("time_is_time", with_row(2, target="时效指标"))) == 1
    for fine in ("≤60天", "12月31日前", "≥95%", "于2021年底完成各类培训"):
        assert hits("time_is_time", with_row(2, target=fine)) == []


def test_quantity_upper_bound():
    assert hits("quantity_upper_bound", with_row(0, target="≤225人")) == [
        "第 1 行“残疾人康复服务人数”是数量指标，指标值“≤225人”是上限（最多完成多少），"
        "通常应为下限（≥）。"
    ]
    assert len(hits("quantity_upper_bound", with_row(0, target="<225人"))) == 1


def test_percent_over_100():
    assert hits("percent_over_100", with_row(1, target="≥120%")) == [
        "第 2 行“康复服务覆盖率”的指标值“≥120%”超过 100%。"
    ]
    assert hits("percent_over_100", with_row(1, target="100%")) == []


def test_cost_over_budget_converts_wan_yuan():
    assert hits("cost_over_budget", with_row(3, target="≤12万元")) == [
        "第 4 行“人均康复补助标准”的成本指标值“≤12万元”超过了本项目预算数 100000 元。"
    ]
    assert hits("cost_over_budget", with_row(3, target="≤10万元")) == []
    wan = clean_table(money_unit="万元", budget_total=Decimal("10"), rows=clean_rows())
    wan.rows[3] = replace(wan.rows[3], target="≤120000元")
    assert len(hits("cost_over_budget", wan)) == 1


# --- the rows as a list ----------------------------------------------------------------------


def test_duplicate_names():
    table = with_row(1, name="残疾人康复服务人数", target="≥95%")
    assert hits("duplicate_names", table) == [
        "第 2 行“残疾人康复服务人数”与第 1 行重名：同一张表的三级指标名称不能重复，请写明区别。"
    ]


def test_description_repeats_name():
    assert hits("description_repeats_name", with_row(0, description="残疾人康复服务人数。")) == [
        "第 1 行“残疾人康复服务人数”的绩效指标描述只重复了名称，请说明具体衡量什么（对象、口径、范围）。"
    ]
    assert hits("description_repeats_name", with_row(0, description="")) == []


def test_basis_blank_except_where_the_layout_has_no_basis_column():
    assert hits("basis_blank", with_row(0, basis="")) == [
        "第 1 行“残疾人康复服务人数”未填写指标值确定依据（如工作计划、历史数据、国家标准）。"
    ]
    rows = [replace(r, basis="") for r in clean_rows()]
    guangdong = clean_table(kind="department", layout="guangdong", rows=rows)
    assert hits("basis_blank", guangdong) == []


def test_below_last_year_from_the_prev1_column():
    assert hits("below_last_year", with_row(6, target="≥90%", value_prev1="≥95%")) == [
        "第 7 行“服务对象满意度”的目标“≥90%”低于上年的“≥95%”，请说明原因或调整目标。"
    ]
    assert hits("below_last_year", with_row(6, target="≥95%", value_prev1="≥90%")) == []
    # An upper bound (a cost) may fall; a different unit is not compared.
    assert hits("below_last_year", with_row(3, target="≤400元/人", value_prev1="≤500元/人")) == []
    assert hits("below_last_year", with_row(0, target="≥20户", value_prev1="≥225人")) == []


# --- rules that read the unit's other tables -------------------------------------------------


def _saved_project(tree, year, category, name: str, rows: list[tuple], **fields) -> ProjectTable:
    table = ProjectTable.objects.create(
        unit=tree["own"],
        year=year,
        framework=year.framework,
        name=name,
        money_unit=fields.pop("money_unit", "元"),
        budget_total=fields.pop("budget_total", Decimal("100000")),
        **fields,
    )
    for order, (level1, level2, row_name, description, target) in enumerate(rows, 1):
        ProjectIndicator.objects.create(
            table=table,
            order=order,
            level1=category(level1),
            level2=category(level1, level2),
            name=row_name,
            description=description,
            target=target,
            basis="工作计划",
        )
    return table


SATISFACTION_BLOCK = [
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "接收服务的残疾人满意度", "≥90%"),
    ("满意度指标", "服务对象满意度指标", "家人满意度", "接受服务的残疾人家人满意度", "≥90%"),
    ("满意度指标", "服务对象满意度指标", "社会满意度", "了解康复需求的社会人员满意度", "≥90%"),
]


def test_copied_block_between_unrelated_projects(tree, year, category):
    first = _saved_project(tree, year, category, "康复服务楼运转经费", SATISFACTION_BLOCK)
    _saved_project(tree, year, category, "残疾人公益募捐及救助", SATISFACTION_BLOCK)
    data = from_table(first)
    assert hits("copied_block", data, CheckContext.for_table(data)) == [
        "第 1–3 行（3 行，名称和描述都相同）与本单位项目“残疾人公益募捐及救助”的第 1–3 行完全"
        "一样：请确认是否复制后未按本项目修改。"
    ]


def test_copied_block_ignores_two_shared_rows_and_other_units(tree, year, category):
    first = _saved_project(tree, year, category, "康复服务楼运转经费", SATISFACTION_BLOCK)
    _saved_project(tree, year, category, "残疾人公益募捐及救助", SATISFACTION_BLOCK[:2])
    ProjectTable.objects.filter(name="残疾人公益募捐及救助").update(name="另一个项目")
    other_unit = _saved_project(tree, year, category, "别的单位的项目", SATISFACTION_BLOCK)
    other_unit.unit = tree["other"]
    other_unit.save()
    data = from_table(first)
    assert hits("copied_block", data, CheckContext.for_table(data)) == []


def test_below_last_year_reads_last_years_table_of_the_same_project(tree, year, category):
    row = [("满意度指标", "服务对象满意度指标", "服务对象满意度", "接受服务的残疾人", "≥95%")]
    _saved_project(tree, year, category, "残疾人康复经费", row, code="13030321X")
    new_year = BudgetYear.objects.create(year=2022, framework=year.framework)
    lower = [(*row[0][:4], "≥90%")]
    current = _saved_project(tree, new_year, category, "康复经费（改名）", lower, code="13030321X")
    data = from_table(current)
    assert hits("below_last_year", data, CheckContext.for_table(data)) == [
        "第 1 行“服务对象满意度”的目标“≥90%”低于上年的“≥95%”，请说明原因或调整目标。"
    ]
    same = _saved_project(tree, new_year, category, "新项目", lower)
    data = from_table(same)
    assert hits("below_last_year", data, CheckContext.for_table(data)) == []


def test_below_last_year_by_name_reads_only_that_tables_rows(tree, year, category):
    row = [("满意度指标", "服务对象满意度指标", "服务对象满意度", "接受服务的残疾人", "≥95%")]
    for other in ("甲项目", "乙项目", "丙项目"):
        _saved_project(tree, year, category, other, SATISFACTION_BLOCK)
    _saved_project(tree, year, category, "残疾人康复经费", row)
    new_year = BudgetYear.objects.create(year=2022, framework=year.framework)
    current = _saved_project(tree, new_year, category, "残疾人康复经费", [(*row[0][:4], "≥90%")])
    data = from_table(current)
    context = CheckContext.for_table(data)
    with CaptureQueriesContext(connection) as queries:
        assert hits("below_last_year", data, context) == [
            "第 1 行“服务对象满意度”的目标“≥90%”低于上年的“≥95%”，请说明原因或调整目标。"
        ]
    # The unit's tables of this year and last (one query), then the rows of the one found.
    assert len(queries) == 2
    assert [r.name for r in context.last_year_project("", "残疾人康复经费").rows] == [
        "服务对象满意度"
    ]


def test_projects_sum_against_the_department_converts_money_units(tree, year, category):
    _saved_project(tree, year, category, "甲项目", [], budget_total=Decimal("100000"))
    _saved_project(tree, year, category, "乙项目", [], money_unit="万元", budget_total=Decimal("5"))
    department = DepartmentTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, money_unit="万元"
    )
    department.expense_project = Decimal("20")
    data = from_table(department)
    assert hits("projects_sum", data, CheckContext.for_table(data)) == [
        "本单位 2 张项目表的预算数合计 15.00 万元，与“项目支出” 20.00 万元 不一致（相差 5.00 万元）。"
    ]
    department.expense_project = Decimal("15")
    data = from_table(department)
    assert hits("projects_sum", data, CheckContext.for_table(data)) == []


def test_a_saved_table_reports_rows_by_their_review_anchor(project):
    ProjectIndicator.objects.filter(table=project, order=2).update(target="是/否")
    finding = next(f for f in check_table(project).findings if f.rule == "rate_is_percent")
    row = project.indicators.get(order=2)
    assert (finding.row, finding.anchor, finding.input) == (
        2,
        f"indicator:{row.pk}",
        "indicators-1-target",
    )
    assert (
        finding.message
        == "第 2 行“单位工作人员满意度”是满意度，指标值应为百分比（如“≥90%”），不能是“是/否”。"
    )
