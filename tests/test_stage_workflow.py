"""The workflow of both later stages across roles: submit (with the stage's checks), return
with a reason, resubmit, four-eyes, approve; records and notices as for the target tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.evaluation import services as evaluation_services
from budgetapp.monitoring import services as monitoring
from budgetapp.monitoring.lights import Likelihood
from budgetapp.review import services as review
from budgetapp.review.models import Action, Notice, Transition
from budgetapp.review.stage_workflow import StageProblems
from budgetapp.targets.models import Status


def _fill_sheet(sheet, users, *, version=1, **overrides):
    rows = {row.name: row for row in sheet.rows.all()}
    inputs = {
        rows["保障正常办公人数"].pk: monitoring.RowInput(
            to_date="17人", projected="17人", likelihood=Likelihood.CERTAIN
        ),
        rows["单位工作人员满意度"].pk: monitoring.RowInput(
            to_date="96%", likelihood=Likelihood.CERTAIN
        ),
    }
    inputs.update({rows[name].pk: value for name, value in overrides.items()})
    return monitoring.save_sheet(
        user=users["owner"],
        sheet=sheet,
        data=monitoring.SheetInput(Decimal("55000"), Decimal("110000"), "", inputs),
        loaded_version=version,
    )


def test_an_empty_sheet_cannot_be_submitted(sheet, users):
    with pytest.raises(StageProblems) as refused:
        monitoring.submit_sheet(sheet=sheet, user=users["owner"])
    problems = refused.value.problems
    assert "请填写1–6月执行数。" in problems
    assert "第1行 保障正常办公人数：请选择完成目标可能性。" in problems
    sheet.refresh_from_db()
    assert sheet.status == Status.DRAFT


def test_a_shortfall_needs_causes_and_measures(sheet, users):
    _fill_sheet(
        sheet,
        users,
        单位工作人员满意度=monitoring.RowInput(to_date="80%", likelihood=Likelihood.POSSIBLE),
    )
    with pytest.raises(StageProblems) as refused:
        monitoring.submit_sheet(sheet=sheet, user=users["owner"])
    assert refused.value.problems == [
        "第2行 单位工作人员满意度：预计不能完全达成目标，请选择偏差原因。",
        "第2行 单位工作人员满意度：预计不能完全达成目标，请填写完善措施。",
    ]


def test_units_typed_unlike_the_target_are_refused(sheet, users):
    _fill_sheet(
        sheet,
        users,
        保障正常办公人数=monitoring.RowInput(to_date="17次", likelihood=Likelihood.CERTAIN),
    )
    with pytest.raises(StageProblems) as refused:
        monitoring.submit_sheet(sheet=sheet, user=users["owner"])
    assert any("计量单位" in p for p in refused.value.problems)


def test_monitoring_round_trip_across_roles(sheet, users):
    _fill_sheet(sheet, users)
    with pytest.raises(NotAllowed):
        monitoring.submit_sheet(sheet=sheet, user=users["colleague"])
    monitoring.submit_sheet(sheet=sheet, user=users["owner"], ip="10.9.9.9")
    assert Notice.objects.filter(recipient=users["reviewer"], text__contains="监控表").exists()
    with pytest.raises(NotAllowed):
        monitoring.approve_sheet(sheet=sheet, user=users["other_reviewer"])
    with pytest.raises(NotAllowed):
        monitoring.approve_sheet(sheet=sheet, user=users["owner"])
    with pytest.raises(TableError, match="退回理由"):
        monitoring.return_sheet(sheet=sheet, user=users["reviewer"], reason=" ")
    monitoring.return_sheet(sheet=sheet, user=users["reviewer"], reason="满意度请附调查依据")
    sheet.refresh_from_db()
    assert sheet.status == Status.RETURNED and sheet.is_editable
    assert Notice.objects.filter(recipient=users["owner"], text__contains="满意度请附调查依据")
    _fill_sheet(sheet, users, version=sheet.version)
    monitoring.submit_sheet(sheet=sheet, user=users["owner"])
    monitoring.approve_sheet(sheet=sheet, user=users["reviewer"])
    sheet.refresh_from_db()
    assert sheet.status == Status.APPROVED and sheet.approved_at
    steps = Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(sheet), object_id=sheet.pk
    ).order_by("pk")
    actions = [t.action for t in steps]
    assert actions == [Action.SUBMIT, Action.RETURN, Action.SUBMIT, Action.APPROVE]
    assert steps.first().client_ip == "10.9.9.9"


def test_four_eyes_on_a_stage(sheet, users):
    """A reviewer who once filed for the unit (an account moved between roles) cannot approve
    what they saved: the same rule as the target tables."""
    _fill_sheet(sheet, users)
    monitoring.submit_sheet(sheet=sheet, user=users["owner"])
    sheet.refresh_from_db()
    sheet.updated_by = users["reviewer"]
    sheet.save(update_fields=["updated_by"])
    with pytest.raises(TableError, match="四眼原则"):
        monitoring.approve_sheet(sheet=sheet, user=users["reviewer"])


def test_evaluation_round_trip(approved, users):
    evaluation = evaluation_services.start_evaluation(user=users["owner"], table=approved)
    with pytest.raises(StageProblems) as refused:
        evaluation_services.submit_evaluation(evaluation=evaluation, user=users["owner"])
    assert "请填写年度总体目标的实际完成情况。" in refused.value.problems
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
    rows_input = dict(data.rows)
    rows_input[rows["单位工作人员满意度"]] = evaluation_services.RowInput(
        actual="93%", analysis="问卷覆盖面不足，明年扩大调查范围"
    )
    evaluation_services.save_evaluation(
        user=users["owner"],
        evaluation=evaluation,
        data=evaluation_services.EvaluationInput(data.money, data.goal_actual, "", rows_input),
        loaded_version=2,
    )
    evaluation_services.submit_evaluation(evaluation=evaluation, user=users["owner"])
    evaluation_services.approve_evaluation(evaluation=evaluation, user=users["reviewer"])
    evaluation.refresh_from_db()
    assert evaluation.status == Status.APPROVED
    assert evaluation.grade == "优"


def test_a_table_with_a_monitoring_sheet_cannot_be_deleted_after_reopening(sheet, users):
    """Reopened for a correction, the table is editable again, but deleting it would orphan its
    monitoring sheet: refused in words, nothing deleted."""
    from budgetapp.targets.models import ProjectTable
    from budgetapp.targets.services import delete_project_table

    table = sheet.table
    review.reopen_table(table=table, user=users["admin"], reason="预算数录错")
    table.refresh_from_db()
    with pytest.raises(TableError, match="此表已有项目支出绩效目标执行监控表，不能删除"):
        delete_project_table(user=users["owner"], table=table)
    assert ProjectTable.objects.filter(pk=table.pk).exists()
