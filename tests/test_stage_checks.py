"""智能审核 of the later stages: each 运行监控 and 绩效自评 rule trips on a case made for it and
stays quiet on a correct sheet; the rules are `CheckRule` rows an administrator configures
(switch, severity, params), and the submit gate follows them (errors block, warnings don't)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.checks.catalog_stages import STAGE_RULES as SPECS
from budgetapp.checks.models import CheckRule, Severity, Stage
from budgetapp.checks.registry import RULES as TARGET_RULES
from budgetapp.checks.registry import stage_rules
from budgetapp.evaluation import checks as evaluation_checks
from budgetapp.evaluation import services as evaluation_services
from budgetapp.evaluation.models import EvaluationRow, SelfEvaluation
from budgetapp.evaluation.scoring import QualitativeResult, budget_score, grade, indicator_score
from budgetapp.monitoring import checks as monitoring_checks
from budgetapp.monitoring import services as monitoring
from budgetapp.monitoring.lights import Light, Likelihood
from budgetapp.monitoring.models import MonitoringRound, MonitoringRow, MonitoringSheet
from budgetapp.review.stage_workflow import StageProblems
from budgetapp.targets.models import MoneyUnit, ProjectTable, Status
from tests.conftest import login

PARAMS = {spec["code"]: spec["params"] for spec in SPECS}


# --- a correct monitoring sheet and a correct self-evaluation, unsaved --------------------------


def monitoring_data(sheet_changes=None, row_changes=None) -> monitoring_checks.SheetData:
    """1–6月 of a 100,000 元 project planned at 50 % by June, spent 55 %, every row on track."""
    table = ProjectTable(
        plan_march=Decimal(20),
        plan_june=Decimal(50),
        plan_october=Decimal(80),
        plan_december=Decimal(100),
    )
    sheet = MonitoringSheet(
        round=MonitoringRound(cutoff_month=6),
        table=table,
        money_unit=MoneyUnit.YUAN,
        budget=Decimal("100000"),
        spent=Decimal("55000"),
        projected_spend=Decimal("100000"),
    )
    rows = [
        MonitoringRow(
            name="培训人次",
            target="≥1200人次",
            to_date="700人次",
            projected="1250人次",
            likelihood=Likelihood.CERTAIN,
            light=Light.GREEN,
        ),
        MonitoringRow(
            name="服务对象满意度",
            target="≥90%",
            to_date="95%",
            likelihood=Likelihood.CERTAIN,
            light=Light.GREEN,
        ),
        MonitoringRow(
            name="服务质量", target="有所提高", likelihood=Likelihood.POSSIBLE, light=Light.AMBER
        ),
    ]
    rows[2].causes, rows[2].measures = ["staff"], "增派专职人员"
    for name, value in (sheet_changes or {}).items():
        setattr(sheet, name, value)
    for name, value in (row_changes or {}).items():
        setattr(rows[0], name, value)
    return monitoring_checks.SheetData(sheet, rows)


def evaluation_data(
    changes=None, row_changes=None, rescore=True
) -> evaluation_checks.EvaluationData:
    """A 100,000 元 project, 95,000 spent, every indicator achieved and scored by the rule."""
    evaluation = SelfEvaluation(
        money_unit=MoneyUnit.YUAN,
        fiscal_full_year=Decimal("100000"),
        fiscal_executed=Decimal("95000"),
        goal_actual="全年完成培训任务",
    )
    rows = [
        EvaluationRow(name="培训人次", target="≥1200人次", actual="1250人次", weight=Decimal(50)),
        EvaluationRow(name="就业率", target="≥60%", actual="65%", weight=Decimal(30)),
        EvaluationRow(
            name="服务质量",
            target="有所提高",
            qualitative=QualitativeResult.FULL,
            weight=Decimal(10),
        ),
    ]
    for name, value in (changes or {}).items():
        setattr(evaluation, name, value)
    for name, value in (row_changes or {}).items():
        setattr(rows[0], name, value)
    if rescore:  # as save_evaluation stores them
        for row in rows:
            row.score = indicator_score(
                row.target,
                weight=row.weight,
                actual=monitoring.number_of(row.actual),
                qualitative=row.qualitative,
            )
        evaluation.budget_score = budget_score(
            evaluation.total_executed, evaluation.total_full_year
        )
        evaluation.total_score = evaluation.budget_score + sum(r.score for r in rows)
        evaluation.grade = grade(evaluation.total_score)
    return evaluation_checks.EvaluationData(evaluation, rows)


def monitoring_hits(code, data, params=None):
    rule = monitoring_checks.RULES[code]
    return [hit.message for hit in rule(data, PARAMS[code] if params is None else params)]


def evaluation_hits(code, data, params=None):
    rule = evaluation_checks.RULES[code]
    return [hit.message for hit in rule(data, PARAMS[code] if params is None else params)]


@pytest.mark.parametrize("code", sorted(monitoring_checks.RULES))
def test_a_correct_monitoring_sheet_passes_every_rule(code):
    assert monitoring_hits(code, monitoring_data()) == []


@pytest.mark.parametrize("code", sorted(evaluation_checks.RULES))
def test_a_correct_self_evaluation_passes_every_rule(code):
    assert evaluation_hits(code, evaluation_data()) == []


# --- monitoring: each rule trips ----------------------------------------------------------------


def test_spending_blank():
    data = monitoring_data({"spent": None, "projected_spend": None})
    assert monitoring_hits("monitoring_spending_blank", data) == [
        "请填写1–6月执行数。",
        "请填写全年预计执行数。",
    ]


def test_lag_reason_and_its_points_param():
    lagging = monitoring_data({"spent": Decimal("30000")})  # 30 % against a plan of 50 %
    assert monitoring_hits("monitoring_lag_reason", lagging) == [
        "执行率 30.00% 低于支出计划进度 50.00%，请填写执行偏差原因。"
    ]
    assert monitoring_hits("monitoring_lag_reason", lagging, {"points": "25"}) == []
    explained = monitoring_data({"spent": Decimal("30000"), "lag_reason": "招标延后到7月"})
    assert monitoring_hits("monitoring_lag_reason", explained) == []


def test_spent_over_budget_and_its_tolerance():
    data = monitoring_data({"spent": Decimal("100500")})
    assert monitoring_hits("monitoring_spent_over_budget", data) == [
        "1–6月执行数 100,500.00 超过年初预算数 100,000.00（元），请核对。"
    ]
    assert monitoring_hits("monitoring_spent_over_budget", data, {"tolerance": "1000"}) == []
    at_budget = monitoring_data({"spent": Decimal("100000")})
    assert monitoring_hits("monitoring_spent_over_budget", at_budget) == []


def test_projected_over_budget():
    data = monitoring_data({"projected_spend": Decimal("120000")})
    [message] = monitoring_hits("monitoring_projected_over_budget", data)
    assert message.startswith("全年预计执行数 120,000.00 超过年初预算数 100,000.00（元）")


def test_value_blank_only_for_a_quantitative_target():
    data = monitoring_data(row_changes={"to_date": "", "projected": ""})
    assert monitoring_hits("monitoring_value_blank", data) == [
        "第1行 培训人次：请填写1–6月实际完成值或全年预计完成值。"
    ]
    qualitative = monitoring_data(row_changes={"to_date": "", "projected": "", "target": "是"})
    assert monitoring_hits("monitoring_value_blank", qualitative) == []


def test_likelihood_blank():
    data = monitoring_data(row_changes={"likelihood": ""})
    assert monitoring_hits("monitoring_likelihood_blank", data) == [
        "第1行 培训人次：请选择完成目标可能性。"
    ]


def test_value_unit_names_the_value_typed():
    data = monitoring_data(row_changes={"projected": "1250次"})
    assert monitoring_hits("monitoring_value_unit", data) == [
        "第1行 培训人次：“1250次”的计量单位与指标值“≥1200人次”不一致。"
    ]


def test_shortfall_needs_causes_and_measures_for_the_lights_configured():
    data = monitoring_data(row_changes={"light": Light.RED, "likelihood": Likelihood.IMPOSSIBLE})
    assert monitoring_hits("monitoring_shortfall_explained", data) == [
        "第1行 培训人次：预计不能完全达成目标，请选择偏差原因。",
        "第1行 培训人次：预计不能完全达成目标，请填写完善措施。",
    ]
    # Row 3 is 黄 with causes and measures: quiet. Asking for 红 only leaves 黄 rows alone.
    amber = monitoring_data(row_changes={"light": Light.AMBER})
    assert len(monitoring_hits("monitoring_shortfall_explained", amber)) == 2
    assert monitoring_hits("monitoring_shortfall_explained", amber, {"lights": ["red"]}) == []


def test_other_cause_needs_a_note():
    data = monitoring_data(row_changes={"causes": ["other"], "light": Light.AMBER})
    assert monitoring_hits("monitoring_other_cause_note", data) == [
        "第1行 培训人次：偏差原因选了“其他”，请说明具体原因。"
    ]
    noted = monitoring_data(row_changes={"causes": ["other"], "cause_note": "场地维修"})
    assert monitoring_hits("monitoring_other_cause_note", noted) == []


def test_likelihood_consistent_with_the_numbers():
    data = monitoring_data(row_changes={"light": Light.AMBER, "projected": "1100人次"})
    [message] = monitoring_hits("monitoring_likelihood_consistent", data)
    assert "黄灯" in message and "确定能" in message


# --- self-evaluation: each rule trips ----------------------------------------------------------


def test_goal_actual():
    data = evaluation_data({"goal_actual": " "})
    assert evaluation_hits("evaluation_goal_actual", data) == ["请填写年度总体目标的实际完成情况。"]


def test_executed_over_budget_in_total_and_by_source():
    data = evaluation_data({"fiscal_executed": Decimal("100001")})
    assert evaluation_hits("evaluation_executed_over_budget", data) == [
        "全年执行数超过全年预算数，请核对项目资金。",
        "当年财政拨款的全年执行数超过全年预算数。",
    ]


def test_budget_rate_consistent_with_the_amounts():
    data = evaluation_data()
    data.evaluation.fiscal_executed = Decimal("50000")  # typed after the score was stored
    [message] = evaluation_hits("evaluation_budget_rate", data)
    assert "预算执行率得分 9.50 与执行数计算的 5.00 不一致" in message


def test_weights_sum():
    data = evaluation_data(row_changes={"weight": Decimal(40)})
    assert evaluation_hits("evaluation_weights_sum", data) == [
        "各项指标分值合计应为 90 分，现为 80.00 分。"
    ]


def test_actual_blank_number_and_unit():
    blank = evaluation_data(row_changes={"actual": ""})
    assert evaluation_hits("evaluation_actual_blank", blank) == [
        "第1行 培训人次：请填写实际完成值。"
    ]
    words = evaluation_data(row_changes={"actual": "较多"})
    assert evaluation_hits("evaluation_actual_number", words) == [
        "第1行 培训人次：实际完成值“较多”不是数值，无法与指标值比较。"
    ]
    other_unit = evaluation_data(row_changes={"actual": "1250次"})
    assert evaluation_hits("evaluation_actual_unit", other_unit) == [
        "第1行 培训人次：“1250次”的计量单位与指标值“≥1200人次”不一致。"
    ]


def test_qualitative_choice():
    data = evaluation_data()
    data.rows[2].qualitative = ""
    assert evaluation_hits("evaluation_qualitative_choice", data) == [
        "第3行 服务质量：定性指标请选择完成情况（完全达成、部分达成或未达成）。"
    ]


def test_scores_consistent_with_the_rule():
    data = evaluation_data()
    data.rows[0].score = Decimal(45)
    messages = evaluation_hits("evaluation_score_rule", data)
    assert messages[0] == "第1行 培训人次：得分 45 与评分规则计算的 50.00 不一致，请重新保存。"
    assert messages[1].startswith("总分 99.50 与各项得分之和 94.50 不一致")
    wrong_grade = evaluation_data()
    wrong_grade.evaluation.grade = "中"
    assert evaluation_hits("evaluation_score_rule", wrong_grade) == [
        "自评等级“中”与总分 99.50 不相符，请重新保存。"
    ]


def test_every_shortfall_explained():
    short = evaluation_data(row_changes={"actual": "1000人次"})
    assert short.rows[0].score < short.rows[0].weight
    assert evaluation_hits("evaluation_shortfall_explained", short) == [
        "第1行 培训人次：未得满分，请填写偏差原因分析及改进措施。"
    ]
    explained = evaluation_data(row_changes={"actual": "1000人次", "analysis": "报名人数不足"})
    assert evaluation_hits("evaluation_shortfall_explained", explained) == []


# --- the catalogue: one row per rule, per stage -------------------------------------------------


def test_every_stage_rule_has_a_row_of_its_stage_and_a_spec(db):
    for stage in (Stage.MONITORING, Stage.EVALUATION):
        rows = CheckRule.objects.filter(stage=stage)
        assert set(rows.values_list("code", flat=True)) == set(stage_rules(stage))
        assert {s["code"] for s in SPECS if s["stage"] == stage} == set(stage_rules(stage))
    assert set(stage_rules(Stage.MONITORING)) == set(monitoring_checks.RULES)
    assert not set(TARGET_RULES) & {s["code"] for s in SPECS}
    shipped = {s["code"]: s["severity"] for s in SPECS}
    assert dict(CheckRule.objects.exclude(stage=Stage.TARGET).values_list("code", "severity")) == (
        shipped
    )


# --- configuration and the submit gate, through the services and pages --------------------------


def _fill(sheet, users, *, projected_spend=Decimal("110000"), satisfaction=None):
    """Fill the fixture sheet (two rows; 110,000 元 budget) as a filer would."""
    rows = {row.name: row for row in sheet.rows.all()}
    inputs = {
        rows["保障正常办公人数"].pk: monitoring.RowInput(
            to_date="17人", projected="17人", likelihood=Likelihood.CERTAIN
        ),
        rows["单位工作人员满意度"].pk: satisfaction
        or monitoring.RowInput(to_date="96%", likelihood=Likelihood.CERTAIN),
    }
    return monitoring.save_sheet(
        user=users["owner"],
        sheet=sheet,
        data=monitoring.SheetInput(Decimal("55000"), projected_spend, "", inputs),
        loaded_version=sheet.version,
    )


# 黄: on target by the numbers, but the filer only says 有可能; causes chosen, no 完善措施.
SHORT = monitoring.RowInput(to_date="90%", likelihood=Likelihood.POSSIBLE, causes=["staff"])


def test_an_error_blocks_and_the_same_rule_as_a_warning_does_not(sheet, users):
    sheet = _fill(sheet, users, satisfaction=SHORT)  # 黄: causes chosen, no 完善措施
    with pytest.raises(StageProblems) as refused:
        monitoring.submit_sheet(sheet=sheet, user=users["owner"])
    assert refused.value.problems == [
        "第2行 单位工作人员满意度：预计不能完全达成目标，请填写完善措施。"
    ]
    CheckRule.objects.filter(code="monitoring_shortfall_explained").update(
        severity=Severity.WARNING
    )
    report = monitoring_checks.check_sheet(sheet)
    assert not report.errors and [f.rule for f in report.warnings] == [
        "monitoring_shortfall_explained"
    ]
    monitoring.submit_sheet(sheet=sheet, user=users["owner"])
    sheet.refresh_from_db()
    assert sheet.status == Status.SUBMITTED


def test_a_rule_switched_off_is_silent_on_the_page_and_at_submission(client, sheet, users):
    sheet = _fill(sheet, users, satisfaction=SHORT)
    login(client, users["owner"])
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert 'data-rule="monitoring_shortfall_explained"' in page
    CheckRule.objects.filter(code="monitoring_shortfall_explained").update(enabled=False)
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert 'data-rule="monitoring_shortfall_explained"' not in page
    monitoring.submit_sheet(sheet=sheet, user=users["owner"])


def test_a_warning_is_shown_with_a_link_to_its_input_and_does_not_block(client, sheet, users):
    sheet = _fill(sheet, users, projected_spend=Decimal("120000"))  # above the 110,000 budget
    login(client, users["owner"])
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert 'data-severity="warning" data-rule="monitoring_projected_over_budget"' in page
    assert "1 条警告，请核对（不妨碍提交）" in page
    assert 'href="#id_projected_spend"' in page and 'id="id_projected_spend"' in page
    response = client.post(reverse("monitoring:sheet_action", args=[sheet.pk, "submit"]))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == Status.SUBMITTED
    # The reviewer reads the warning the filer submitted with; no links into a form they lack.
    login(client, users["reviewer"])
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert 'data-rule="monitoring_projected_over_budget"' in page and "（供审核参考）" in page
    assert 'href="#id_projected_spend"' not in page
    monitoring.approve_sheet(sheet=sheet, user=users["reviewer"])
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert 'data-role="stage-findings"' not in page


def test_a_row_finding_links_to_the_rows_input(client, sheet, users):
    sheet = _fill(sheet, users, satisfaction=SHORT)
    row = sheet.rows.get(name="单位工作人员满意度")
    login(client, users["owner"])
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert f'href="#id_row-{row.pk}-measures"' in page
    assert f'id="id_row-{row.pk}-measures"' in page


def test_params_configured_in_the_rule_row_are_used(sheet, users):
    sheet = _fill(sheet, users, satisfaction=SHORT)
    CheckRule.objects.filter(code="monitoring_shortfall_explained").update(
        params={"lights": ["red"]}  # only 红 rows need causes and measures
    )
    assert monitoring_checks.check_sheet(sheet).findings == []


def test_self_evaluation_gate_follows_the_rule_rows(approved, users):
    evaluation = evaluation_services.start_evaluation(user=users["owner"], table=approved)
    rows = {row.name: row.pk for row in evaluation.rows.all()}
    data = evaluation_services.EvaluationInput(
        money={"fiscal_executed": Decimal("104500")},
        goal_actual="保障了单位全年正常运转",
        weights_reason="",
        rows={
            rows["保障正常办公人数"]: evaluation_services.RowInput(actual="17人"),
            rows["单位工作人员满意度"]: evaluation_services.RowInput(actual="93%"),
        },
    )
    evaluation_services.save_evaluation(
        user=users["owner"], evaluation=evaluation, data=data, loaded_version=1
    )
    with pytest.raises(StageProblems) as refused:
        evaluation_services.submit_evaluation(evaluation=evaluation, user=users["owner"])
    assert refused.value.problems == [
        "第2行 单位工作人员满意度：未得满分，请填写偏差原因分析及改进措施。"
    ]
    rule = CheckRule.objects.get(code="evaluation_shortfall_explained")
    rule.severity = Severity.WARNING
    rule.save()
    [warning] = evaluation_checks.check_evaluation(evaluation).warnings
    assert warning.rule == "evaluation_shortfall_explained" and warning.row == 2
    evaluation_services.submit_evaluation(evaluation=evaluation, user=users["owner"])
    evaluation.refresh_from_db()
    assert evaluation.status == Status.SUBMITTED


def test_the_admin_lists_stage_rules_and_changes_their_severity(client, users):
    rule = CheckRule.objects.get(code="evaluation_actual_unit")
    login(client, users["admin"])
    listing = client.get(reverse("admin:checks_checkrule_changelist"), {"stage": "evaluation"})
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "evaluation_actual_unit" in page and "monitoring_value_unit" not in page
    url = reverse("admin:checks_checkrule_change", args=[rule.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(params=form["params"].value(), enabled="", severity=Severity.WARNING)
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert (rule.severity, rule.enabled, rule.stage) == (Severity.WARNING, False, Stage.EVALUATION)


def test_a_stage_registers_its_rules_once_and_never_over_another_stages_codes():
    from budgetapp.checks.registry import register_stage

    with pytest.raises(ValueError, match="not a later stage"):
        register_stage(Stage.TARGET, {})
    with pytest.raises(ValueError, match="used twice"):
        register_stage(Stage.EVALUATION, {"monitoring_value_unit": monitoring_checks.value_unit})
    with pytest.raises(ValueError, match="used twice"):
        register_stage(Stage.MONITORING, {"budget_sum": monitoring_checks.value_unit})
    assert set(stage_rules(Stage.EVALUATION)) == set(evaluation_checks.RULES)  # unchanged
