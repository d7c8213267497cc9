"""Writes of the year-end self-evaluation: starting one from a target table, filling it.

Like the target tables and the monitoring sheets: one transaction each, row-locked,
version-checked, and every save leaves a `targets.Revision` with old and new values. Scores
are computed by rule (`scoring.py`) on every save; a weight differing from the default needs
`weights_reason`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction

from budgetapp.checks.stages import error_messages
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.monitoring.models import MonitoringSheet
from budgetapp.monitoring.services import number_of
from budgetapp.review import stage_editing, stage_workflow
from budgetapp.review.models import Submission, Transition
from budgetapp.targets.models import ProjectTable, RevisionAction, Status
from budgetapp.units.access import can_file_for

from .models import EvaluationRow, SelfEvaluation
from .scoring import (
    budget_score,
    check_weights,
    default_weights,
    grade,
    indicator_score,
)

EVALUATED_STATES = (Status.APPROVED, Status.PUBLISHED)
_MONEY_FIELDS = tuple(
    f"{source}_{column}"
    for source in ("fiscal", "carried", "other")
    for column in ("initial", "full_year", "executed")
)


@transaction.atomic
def start_evaluation(*, user: User, table: ProjectTable, ip: str | None = None) -> SelfEvaluation:
    """The self-evaluation of an approved table, pre-filled from it and its latest monitoring
    sheet (执行数 and 全年预计完成值 as the starting figures)."""
    table = (
        ProjectTable.objects.select_for_update(of=("self",))
        .select_related("unit", "year")
        .get(pk=table.pk)
    )
    if not can_file_for(user, table.unit):
        raise NotAllowed("只有本单位的填报人可以开始绩效自评。")
    if table.status not in EVALUATED_STATES:
        raise TableError("绩效目标表审核通过后才能开始绩效自评。")
    if SelfEvaluation.objects.filter(table=table).exists():
        raise TableError("此项目已经开始绩效自评。")
    sheet = MonitoringSheet.objects.filter(table=table).order_by("-round__cutoff_month").first()
    projected = {r.indicator_id: r.projected for r in sheet.rows.all()} if sheet else {}
    evaluation = SelfEvaluation.objects.create(
        table=table,
        unit=table.unit,
        year=table.year,
        money_unit=table.money_unit,
        department=table.unit.name,
        fiscal_initial=table.budget_fiscal,
        fiscal_full_year=table.budget_fiscal,
        other_initial=table.budget_other,
        other_full_year=table.budget_other,
        goal_expected="\n".join(goal.text for goal in table.goals.all()),
    )
    indicators = table.indicator_rows()
    weights = default_weights([row.level1.name for row in indicators])
    rows = [
        EvaluationRow(
            evaluation=evaluation,
            indicator=row,
            order=position,
            level1=row.level1.name,
            level2=row.level2.name if row.level2 else "",
            name=row.name,
            target=row.target,
            actual=projected.get(row.pk, ""),
            weight=weight,
        )
        for position, (row, weight) in enumerate(zip(indicators, weights, strict=True), 1)
    ]
    refresh_scores(evaluation, rows)
    EvaluationRow.objects.bulk_create(rows)
    evaluation.save()
    stage_editing.record_revision(
        evaluation,
        user=user,
        data=serialize_evaluation(evaluation, rows),
        before=None,
        changes=changes_between,
        action=RevisionAction.CREATE,
        ip=ip,
    )
    return evaluation


def refresh_scores(evaluation: SelfEvaluation, rows: Sequence[EvaluationRow]) -> None:
    for row in rows:
        row.score = indicator_score(
            row.target, weight=row.weight, actual=number_of(row.actual), qualitative=row.qualitative
        )
    evaluation.budget_score = budget_score(evaluation.total_executed, evaluation.total_full_year)
    evaluation.total_score = evaluation.budget_score + sum((row.score for row in rows), Decimal(0))
    evaluation.grade = grade(evaluation.total_score)


@dataclass(frozen=True)
class RowInput:
    actual: str = ""
    qualitative: str = ""
    weight: Decimal | None = None  # None keeps the current weight
    analysis: str = ""


@dataclass(frozen=True)
class EvaluationInput:
    money: Mapping[str, Decimal]  # a subset of the nine 项目资金 fields
    goal_actual: str
    weights_reason: str
    rows: Mapping[int, RowInput]


def serialize_evaluation(
    evaluation: SelfEvaluation, rows: Sequence[EvaluationRow]
) -> dict[str, Any]:
    fields: dict[str, Any] = {name: str(getattr(evaluation, name)) for name in _MONEY_FIELDS}
    fields.update(
        goal_actual=evaluation.goal_actual,
        weights_reason=evaluation.weights_reason,
        budget_score=str(evaluation.budget_score),
        total_score=str(evaluation.total_score),
        grade=evaluation.grade,
    )
    return {
        "fields": fields,
        "rows": [
            {
                "id": row.pk,
                "name": row.name,
                "actual": row.actual,
                "qualitative": row.qualitative,
                "weight": str(row.weight),
                "score": str(row.score),
                "analysis": row.analysis,
            }
            for row in rows
        ],
    }


def _label(model: type[models.Model]) -> Callable[[str], str]:
    return lambda name: str(getattr(model._meta.get_field(name), "verbose_name", name))


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Old and new values of every changed field and row field (labels in Chinese)."""
    return stage_editing.changes_between(
        old, new, field_label=_label(SelfEvaluation), row_label=_label(EvaluationRow)
    )


@transaction.atomic
def save_evaluation(
    *,
    user: User,
    evaluation: SelfEvaluation,
    data: EvaluationInput,
    loaded_version: int | None,
    ip: str | None = None,
    action: str = RevisionAction.EDIT,
) -> SelfEvaluation:
    """Save what the filer typed; scores by rule; a revision with old and new values."""
    locked = stage_editing.lock_for_edit(
        SelfEvaluation.objects.select_related("unit", "year", "table"),
        evaluation.pk,
        user=user,
        loaded_version=loaded_version,
    )
    rows = list(locked.rows.all())
    if set(data.rows) - {row.pk for row in rows}:
        raise TableError("提交的指标行不属于此自评表，请刷新页面后重试。")
    if set(data.money) - set(_MONEY_FIELDS):
        raise TableError("未知的项目资金栏目。")
    before = serialize_evaluation(locked, rows)
    for name, value in data.money.items():
        if value < 0:
            raise TableError("金额不能为负数。")
        setattr(locked, name, value)
    locked.goal_actual = data.goal_actual.strip()
    locked.weights_reason = data.weights_reason.strip()
    for row in rows:
        typed = data.rows.get(row.pk)
        if typed is None:
            continue
        row.actual = typed.actual.strip()
        row.qualitative = typed.qualitative
        row.analysis = typed.analysis.strip()
        if typed.weight is not None:
            row.weight = typed.weight
    problem = check_weights([row.weight for row in rows])
    if problem:
        raise TableError(problem)
    defaults = default_weights([row.level1 for row in rows])
    if [row.weight for row in rows] != defaults and not locked.weights_reason:
        raise TableError("改动了默认分值，请填写分值调整理由。")
    refresh_scores(locked, rows)
    EvaluationRow.objects.bulk_update(
        rows, ["actual", "qualitative", "analysis", "weight", "score"]
    )
    stage_editing.finish_save(
        locked,
        user=user,
        data=serialize_evaluation(locked, rows),
        before=before,
        changes=changes_between,
        action=action,
        ip=ip,
    )
    return locked


# The workflow of a self-evaluation: the target tables' steps and records.


def _snapshot(evaluation: SelfEvaluation) -> dict[str, Any]:
    return serialize_evaluation(evaluation, list(evaluation.rows.all()))


def submit_evaluation(
    *, evaluation: SelfEvaluation, user: User, ip: str | None = None
) -> Submission:
    """Submit for review: the errors of the stage's 智能审核 rules refuse it, warnings don't."""
    from .checks import check_evaluation

    return stage_workflow.submit(
        sheet=evaluation,
        user=user,
        snapshot=_snapshot,
        problems=lambda locked: error_messages(check_evaluation(locked)),
        ip=ip,
    )


def withdraw_evaluation(
    *, evaluation: SelfEvaluation, user: User, ip: str | None = None
) -> Transition:
    return stage_workflow.withdraw(sheet=evaluation, user=user, ip=ip)


def return_evaluation(
    *, evaluation: SelfEvaluation, user: User, reason: str, ip: str | None = None
) -> Transition:
    return stage_workflow.return_(sheet=evaluation, user=user, reason=reason, ip=ip)


def approve_evaluation(
    *, evaluation: SelfEvaluation, user: User, comment: str = "", ip: str | None = None
) -> Transition:
    return stage_workflow.approve(sheet=evaluation, user=user, comment=comment, ip=ip)
