"""Self-evaluation services: pre-fill from the target table and monitoring, scoring on save."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.evaluation.services import (
    EvaluationInput,
    RowInput,
    save_evaluation,
    start_evaluation,
)
from budgetapp.monitoring import services as monitoring
from budgetapp.review.stage_editing import StaleStage
from budgetapp.targets.models import Revision, RevisionAction


def test_start_prefills_from_the_table(approved, users):
    evaluation = start_evaluation(user=users["owner"], table=approved)
    assert evaluation.fiscal_initial == evaluation.fiscal_full_year == Decimal("110000.00")
    assert evaluation.goal_expected == "保障业务正常开展，单位正常运转"
    rows = list(evaluation.rows.all())
    # one 产出 row takes the 产出 50, one 满意度 row its 10, and 效益's 30 is spread over both
    assert [(r.name, r.target, r.weight) for r in rows] == [
        ("保障正常办公人数", "17人", Decimal("75.00")),
        ("单位工作人员满意度", "≥95%", Decimal("15.00")),
    ]
    assert [r.action for r in Revision.of(evaluation)] == [RevisionAction.CREATE]


def test_start_takes_the_monitoring_projection(approved, users, tree, year):
    round_ = monitoring.open_round(
        user=users["reviewer"],
        region=tree["city"].region,
        year=year,
        cutoff_month=7,
        due_date=date(2021, 8, 10),
    )
    sheet = round_.sheets.get()
    row = sheet.rows.get(name="保障正常办公人数")
    monitoring.save_sheet(
        user=users["owner"],
        sheet=sheet,
        data=monitoring.SheetInput(None, None, "", {row.pk: monitoring.RowInput(projected="16人")}),
        loaded_version=1,
    )
    evaluation = start_evaluation(user=users["owner"], table=approved)
    assert evaluation.rows.get(name="保障正常办公人数").actual == "16人"


def test_only_approved_tables_and_own_filers(project, users):
    with pytest.raises(TableError, match="审核通过后"):
        start_evaluation(user=users["owner"], table=project)
    with pytest.raises(NotAllowed):
        start_evaluation(user=users["colleague"], table=project)


def _save(evaluation, users, *, version=1, reason="", **rows):
    by_name = {row.name: row.pk for row in evaluation.rows.all()}
    return save_evaluation(
        user=users["owner"],
        evaluation=evaluation,
        data=EvaluationInput(
            money={"fiscal_executed": Decimal("99000")},
            goal_actual="全年保障单位正常运转",
            weights_reason=reason,
            rows={by_name[name]: value for name, value in rows.items()},
        ),
        loaded_version=version,
        ip="10.0.0.9",
    )


def test_scores_by_rule_and_grade(approved, users):
    evaluation = start_evaluation(user=users["owner"], table=approved)
    saved = _save(
        evaluation,
        users,
        保障正常办公人数=RowInput(actual="17人"),
        单位工作人员满意度=RowInput(actual="76%", analysis="部分人员对办公条件不满意，改善中"),
    )
    scores = {row.name: row.score for row in saved.rows.all()}
    assert scores == {"保障正常办公人数": Decimal("75.00"), "单位工作人员满意度": Decimal("12.00")}
    assert saved.budget_score == Decimal("9.00")  # 99000 / 110000 × 10
    assert saved.total_score == Decimal("96.00")
    assert saved.grade == "优"
    edit = Revision.of(saved).last()
    assert edit.action == RevisionAction.EDIT and edit.client_ip == "10.0.0.9"
    labels = {c["label"] for c in edit.changes["fields"]}
    assert {"当年财政拨款 全年执行数", "总分", "自评等级"} <= labels


def test_weights_must_add_up_and_need_a_reason(approved, users):
    evaluation = start_evaluation(user=users["owner"], table=approved)
    with pytest.raises(TableError, match="合计应为 90 分"):
        _save(evaluation, users, 保障正常办公人数=RowInput(weight=Decimal(50)), reason="x")
    with pytest.raises(TableError, match="分值调整理由"):
        _save(
            evaluation,
            users,
            保障正常办公人数=RowInput(weight=Decimal(60)),
            单位工作人员满意度=RowInput(weight=Decimal(30)),
        )
    saved = _save(
        evaluation,
        users,
        reason="满意度为本项目核心目标",
        保障正常办公人数=RowInput(weight=Decimal(60), actual="17"),
        单位工作人员满意度=RowInput(weight=Decimal(30), actual="95%"),
    )
    assert saved.total_score == Decimal("99.00")


def test_stale_save_refused_and_nothing_changes(approved, users):
    evaluation = start_evaluation(user=users["owner"], table=approved)
    _save(evaluation, users)
    with pytest.raises(StaleStage):
        _save(evaluation, users, version=1, 保障正常办公人数=RowInput(actual="1"))
    assert evaluation.rows.get(name="保障正常办公人数").actual == ""
