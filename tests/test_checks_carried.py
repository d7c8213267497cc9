"""智能审核 `carried_unchanged`: a table carried from last year (结转上年) and submitted with
last year's budget, spending plan or 指标值 needs the filer's explanation (issue 12, bug 5)."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.checks.catalog import RULES as SPECS
from budgetapp.checks.engine import check_table
from budgetapp.checks.gate import ExplanationsMissing
from budgetapp.checks.models import CheckRule, Severity
from budgetapp.review import services
from budgetapp.targets import carry
from budgetapp.targets.models import DepartmentIndicator, DepartmentTable, ProjectTable, Status
from budgetapp.units.models import BudgetYear

from .conftest import login
from .forms_data import existing_rows, project_post
from .test_checks_workflow import make_clean, submission_of

pytestmark = pytest.mark.usefixtures("checks_on")
RULE = "carried_unchanged"


@pytest.fixture
def year2022(framework) -> BudgetYear:
    return BudgetYear.objects.create(year=2022, framework=framework)


@pytest.fixture
def carried(users, project, category, year2022) -> ProjectTable:
    """Last year's clean table carried into 2022 and not touched since."""
    make_clean(project, category)
    assert check_table(project).findings == []
    carry.carry_forward(user=users["owner"], unit=project.unit, from_year=2021, to_year=2022)
    return ProjectTable.objects.get(year=year2022)


def _carried_findings(table) -> dict[str, str]:
    return {f.key: f.message for f in check_table(table).findings if f.rule == RULE}


def test_an_untouched_carried_table_has_one_warning_per_part_and_nothing_else(carried):
    findings = check_table(carried).findings
    assert {(f.rule, f.severity) for f in findings} == {(RULE, Severity.WARNING)}
    assert _carried_findings(carried) == {
        f"{RULE}@field:budget_total": "本表由2021年结转，预算数 110,000.00 元（财政资金、其他资金）"
        "仍与2021年相同：请按2022年的预算核对更新；确实不变的，请说明原因。",
        f"{RULE}@field:plan_march": "本表由2021年结转，资金支出计划（3月底 25%、6月底 50%、"
        "10月底 75%、12月底 100%）仍与2021年相同：请按2022年的用款进度核对；确实不变的，"
        "请说明原因。",
        f"{RULE}@table": "本表由2021年结转，全部 3 行指标值仍是2021年的指标值，结转后未作修改："
        "请逐项核对2022年的目标（数量、质量、时效、成本、效益、满意度）；"
        "确实沿用上年目标的，请说明原因。",
    }


def test_submission_is_refused_until_each_warning_is_explained(users, carried):
    with pytest.raises(ExplanationsMissing, match="3 条警告尚未填写说明"):
        services.submit_table(table=carried, user=users["owner"])
    carried.refresh_from_db()
    assert carried.status == Status.DRAFT and submission_of(carried) is None

    reasons = {key: "2022年预算批复与上年相同，已逐项核对。" for key in _carried_findings(carried)}
    services.submit_table(table=carried, user=users["owner"], explanations=reasons)
    carried.refresh_from_db()
    assert carried.status == Status.SUBMITTED
    stored = {e["key"]: e["explanation"] for e in submission_of(carried).explanations}
    assert stored == reasons


def test_the_submit_page_asks_for_the_explanations(client, users, carried):
    login(client, users["owner"])
    page = client.get(carried.get_absolute_url()).content.decode()
    assert 'data-role="submit-checks"' in page and "仍与2021年相同" in page
    refused = client.post(reverse("review:action", args=["project", carried.pk, "submit"]))
    assert refused.status_code == 200 and "3 条警告尚未填写说明" in refused.content.decode()
    carried.refresh_from_db()
    assert carried.status == Status.DRAFT


def test_submit_all_holds_an_untouched_carried_table(client, users, carried, tree):
    response = login(client, users["owner"]).post(
        reverse("review:submit_unit", args=[tree["own"].pk, 2022]), follow=True
    )
    text = response.content.decode()
    assert "没有可以直接提交的表" in text and "3 条警告需要说明" in text
    carried.refresh_from_db()
    assert carried.status == Status.DRAFT and submission_of(carried) is None


def test_a_table_updated_for_the_new_year_has_no_warning(client, users, carried, category):
    """Touched through the editor: new budget, new plan, one new target."""
    rows = existing_rows(carried, category)
    rows[0]["target"] = "≥18人"
    data = project_post(
        table=carried,
        indicators=rows,
        name=carried.name,
        code=carried.code,
        budget_total="120000",
        budget_fiscal="120000",
        plan_march="20",
    )
    data["goals-0-text"] = "保障业务正常开展，单位正常运转"
    response = login(client, users["owner"]).post(
        reverse("targets:project_edit", args=[carried.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    carried.refresh_from_db()
    assert carried.budget_total == Decimal("120000") and carried.version > 1
    assert check_table(carried).findings == []
    services.submit_table(table=carried, user=users["owner"])
    carried.refresh_from_db()
    assert carried.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("change", "left"),
    [
        ({"budget_total": Decimal("90000"), "budget_fiscal": Decimal("90000")}, {"plan", "table"}),
        ({"plan_march": Decimal("30")}, {"budget", "table"}),
    ],
)
def test_each_part_is_judged_on_its_own(carried, change, left):
    ProjectTable.objects.filter(pk=carried.pk).update(**change)
    carried.refresh_from_db()
    places = {
        key.split("@")[1].replace("field:", "").split("_")[0] for key in _carried_findings(carried)
    }
    assert places == left


def test_one_target_changed_counts_as_the_targets_reviewed(carried):
    row = carried.indicators.order_by("order").first()
    row.target = "≥20人"
    row.save()
    assert f"{RULE}@table" not in _carried_findings(carried)


def test_the_live_checks_see_what_was_typed_before_saving(client, users, carried, category):
    rows = existing_rows(carried, category)
    unchanged = project_post(
        table=carried, indicators=rows, name=carried.name, code=carried.code,
        budget_total="110000", budget_fiscal="110000",
    )  # fmt: skip
    url = reverse("checks:live", args=["project", carried.pk])
    login(client, users["owner"])
    found = json.loads(client.post(url, unchanged).content)["findings"]
    assert {f["key"] for f in found if f["rule"] == RULE} >= {
        f"{RULE}@field:budget_total",
        f"{RULE}@table",
    }
    typed = dict(unchanged, budget_total="130000", budget_fiscal="130000")
    typed["indicators-0-target"] = "≥19人"
    found = json.loads(client.post(url, typed).content)["findings"]
    assert {f["key"] for f in found if f["rule"] == RULE} <= {f"{RULE}@field:plan_march"}


def test_a_table_not_carried_or_whose_source_is_gone_has_no_such_warning(carried, project):
    assert _carried_findings(project) == {}
    project.delete()  # carried_from is SET_NULL
    carried.refresh_from_db()
    assert carried.carried_from_id is None and _carried_findings(carried) == {}


def test_a_carried_department_keeps_last_years_amounts_and_targets(
    users, tree, year, year2022, category
):
    department = DepartmentTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, overall_goal="保障残疾人基本权益",
        expense_basic=Decimal("100.00"), income_fiscal=Decimal("100.00"),
    )  # fmt: skip
    DepartmentIndicator.objects.create(
        table=department, goal_no=1, level1=category("产出指标"),
        level2=category("产出指标", "数量指标"), name="培训人数", target="≥200人",
    )  # fmt: skip
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    copy = DepartmentTable.objects.get(year=year2022)
    assert set(_carried_findings(copy)) == {f"{RULE}@field:expense_basic", f"{RULE}@table"}
    DepartmentTable.objects.filter(pk=copy.pk).update(expense_basic=Decimal("110.00"))
    copy.indicators.update(target="≥220人")
    copy.refresh_from_db()
    assert _carried_findings(copy) == {}


def test_administrators_can_switch_a_part_off(carried):
    CheckRule.objects.filter(code=RULE).update(params={"parts": ["targets"]})
    assert set(_carried_findings(carried)) == {f"{RULE}@table"}


def test_the_migration_installs_the_rule_as_frozen_and_as_shipped(db):
    migration = importlib.import_module("budgetapp.checks.migrations.0003_carried_unchanged")
    spec = next(s for s in SPECS if s["code"] == RULE)
    frozen = migration.RULE
    assert {k: frozen[k] for k in spec} == spec
    row = CheckRule.objects.get(code=RULE)
    assert (row.name, row.severity, row.params) == (spec["name"], "warning", spec["params"])
    source = importlib.util.find_spec(migration.__name__).loader.get_source(migration.__name__)
    assert "budgetapp" not in source  # no live application code
