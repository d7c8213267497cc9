"""Writes of the year-end self-evaluation: starting one from a target table, filling it.

Like the target tables and the monitoring sheets: one transaction each, row-locked,
version-checked, and every save leaves a `targets.Revision` with old and new values. Scores
are computed by rule (`scoring.py`) on every save; a weight differing from the default needs
`weights_reason`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.monitoring.models import MonitoringSheet
from budgetapp.review import stage_workflow
from budgetapp.review.models import Submission, Transition
from budgetapp.targets.models import ProjectTable, Revision, RevisionAction, Status
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


class EvaluationLocked(TableError):
    pass


class StaleEvaluation(TableError):
    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


def _number(text: str) -> Decimal | None:
    from budgetapp.monitoring.services import number_of

    return number_of(text)


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
    _revision(
        evaluation,
        user=user,
        data=serialize_evaluation(evaluation, rows),
        before=None,
        action=RevisionAction.CREATE,
        ip=ip,
    )
    return evaluation


def refresh_scores(evaluation: SelfEvaluation, rows: Sequence[EvaluationRow]) -> None:
    for row in rows:
        row.score = indicator_score(
            row.target, weight=row.weight, actual=_number(row.actual), qualitative=row.qualitative
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


def _label(name: str) -> str:
    return str(getattr(SelfEvaluation._meta.get_field(name), "verbose_name", name))


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    fields = [
        {"label": _label(key), "old": old["fields"].get(key), "new": value}
        for key, value in new["fields"].items()
        if old["fields"].get(key) != value
    ]
    before_rows = {row["id"]: row for row in old["rows"]}
    rows = []
    for row in new["rows"]:
        before = before_rows.get(row["id"], {})
        changes = [
            {
                "label": str(getattr(EvaluationRow._meta.get_field(key), "verbose_name", key)),
                "old": before.get(key),
                "new": value,
            }
            for key, value in row.items()
            if key not in ("id", "name") and before.get(key) != value
        ]
        if changes:
            rows.append({"title": row["name"], "changes": changes})
    return {"fields": fields, "rows": rows}


def _revision(
    evaluation: SelfEvaluation,
    *,
    user: User | None,
    data: dict[str, Any],
    before: dict[str, Any] | None,
    action: str,
    ip: str | None,
) -> Revision:
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(evaluation),
        object_id=evaluation.pk,
        version=evaluation.version,
        data=data,
        saved_by=user,
        action=action,
        client_ip=ip or None,
        changes=changes_between(before, data) if before is not None else {},
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
    locked = (
        SelfEvaluation.objects.select_for_update(of=("self",))
        .select_related("unit", "year", "table")
        .get(pk=evaluation.pk)
    )
    if not can_file_for(user, locked.unit):
        raise NotAllowed("只有本单位的填报人可以填写此自评表。")
    if not locked.is_editable:
        raise EvaluationLocked(f"此自评表当前状态为“{locked.get_status_display()}”，不能修改。")
    if loaded_version != locked.version:
        raise StaleEvaluation(
            "在您编辑期间，其他人已保存了此自评表。您填写的内容仍保留在页面上，请核对后再保存。",
            current_version=locked.version,
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
    locked.version += 1
    locked.updated_by = user
    locked.save()
    _revision(
        locked,
        user=user,
        data=serialize_evaluation(locked, rows),
        before=before,
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
    from .checks import evaluation_problems

    return stage_workflow.submit(
        sheet=evaluation, user=user, snapshot=_snapshot, problems=evaluation_problems, ip=ip
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
