"""Importing a filled 执行监控表 or 绩效自评表 back into its sheet.

The filer downloads the sheet as Excel, fills it offline, and uploads it on the sheet's page.
The file gets the same defences as a target import (`safety.check_workbook_bytes`, then the
reader in the limited child process, `isolation.read_isolated`). Rows are matched by 三级指标
(and 年度指标值 when a name repeats); what the file says replaces what the sheet holds, row by
row. The preview runs the real save service in a transaction that is rolled back, so it shows
exactly the old and new values a confirmed import will record; the confirmation carries the
parsed file signed, and is planned and saved again against the sheet as it is then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction

from budgetapp.core.errors import TableError
from budgetapp.core.text import clean_text
from budgetapp.evaluation import services as evaluation_services
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.evaluation.scoring import QualitativeResult
from budgetapp.monitoring import services as monitoring_services
from budgetapp.monitoring.lights import Likelihood
from budgetapp.monitoring.models import DeviationCause, MonitoringSheet
from budgetapp.targets.models import Revision, RevisionAction

from .isolation import read_isolated
from .read_stage import read_stage_workbook
from .safety import check_workbook_bytes

SIGNING_SALT = "budgetapp.imports.stages"
_LIKELIHOOD = {label: key for key, label in Likelihood.CHOICES}
_CAUSES = {label: key for key, label in DeviationCause.choices}
_QUALITATIVE = {label: key for key, label in QualitativeResult.CHOICES}


@dataclass
class StagePlan:
    """What an upload would do: the service input, or the problems that stop it."""

    data: Any = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: dict = field(default_factory=dict)


def read_upload(data: bytes) -> dict:
    """The parsed stage workbook; UnsafeFile / UnreadableWorkbook with a Chinese message."""
    check_workbook_bytes(data)
    return read_isolated(data, reader=read_stage_workbook)


def sign(parsed: dict) -> str:
    return signing.dumps(parsed, salt=SIGNING_SALT, compress=True)


def unsign(token: str) -> dict:
    """The parsed file carried by the confirmation (valid for an hour)."""
    try:
        return signing.loads(token, salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        raise TableError("导入确认已过期或无效，请重新上传文件。") from None


def _where(row: dict) -> str:
    sheet, number = row.get("source", ["", 0])
    return f"工作表“{sheet}”第{number}行"


def _money(text: str, label: str, problems: list[str]) -> Decimal | None:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        problems.append(f"{label}“{text}”不是金额数字。")
        return None
    if value < 0:
        problems.append(f"{label}不能为负数。")
        return None
    return value


def _match(stored: list, parsed: list[dict], warnings: list[str]) -> dict[int, dict]:
    """Each stored row's parsed row: by 三级指标 and 年度指标值, else by name alone."""
    unused = list(parsed)
    matched: dict[int, dict] = {}
    for exact in (True, False):
        for row in stored:
            if row.pk in matched:
                continue
            for candidate in unused:
                same = clean_text(candidate.get("name", "")) == row.name
                if same and (not exact or candidate.get("target", "") == row.target):
                    matched[row.pk] = candidate
                    unused.remove(candidate)
                    break
    for candidate in unused:
        warnings.append(f"{_where(candidate)}“{candidate.get('name')}”不在此表中，未导入。")
    for row in stored:
        if row.pk not in matched:
            warnings.append(f"“{row.name}”在文件中没有找到，保持原值。")
    return matched


def _check_file(parsed: dict, kind: str, project: str, plan: StagePlan) -> None:
    names = {"monitoring": "执行监控表", "evaluation": "绩效自评表"}
    if parsed.get("kind") != kind:
        plan.problems.append(
            f"上传的文件是{names.get(parsed.get('kind'), '其他表格')}，不是{names[kind]}。"
        )
    elif parsed.get("project") and parsed["project"] != project:
        plan.problems.append(
            f"文件中的项目名称“{parsed['project']}”与本表“{project}”不一致，请确认是否选错了文件。"
        )


def plan_monitoring(sheet: MonitoringSheet, parsed: dict) -> StagePlan:
    plan = StagePlan()
    _check_file(parsed, "monitoring", sheet.table.name, plan)
    if plan.problems:
        return plan
    money = parsed.get("money", {})
    spent = _money(money.get("spent", ""), "执行数", plan.problems)
    projected = _money(money.get("projected_spend", ""), "全年预计执行数", plan.problems)
    rows = {}
    stored = list(sheet.rows.all())
    matched = _match(stored, parsed.get("rows", []), plan.warnings)
    for row in stored:
        typed = matched.get(row.pk)
        if typed is None:
            continue
        likelihood = typed.get("likelihood", "")
        if likelihood and likelihood not in _LIKELIHOOD:
            plan.problems.append(
                f"{_where(typed)}完成目标可能性“{likelihood}”应为确定能、有可能或完全不可能。"
            )
        causes, notes = [], []
        for part in re.split(r"[；;、,，\n]", typed.get("causes", "")):
            part = part.strip()
            if part in _CAUSES:
                causes.append(_CAUSES[part])
            elif part:
                notes.append(part)
        if notes and DeviationCause.OTHER not in causes:
            causes.append(DeviationCause.OTHER)
        rows[row.pk] = monitoring_services.RowInput(
            to_date=clean_text(typed.get("to_date", "")),
            projected=clean_text(typed.get("projected", "")),
            likelihood=_LIKELIHOOD.get(likelihood, ""),
            causes=causes,
            cause_note="；".join(notes),
            measures=clean_text(typed.get("measures", "")),
        )
    plan.data = monitoring_services.SheetInput(
        spent=spent,
        projected_spend=projected,
        lag_reason=clean_text(money.get("lag_reason", "")),
        rows=rows,
    )
    return plan


def plan_evaluation(evaluation: SelfEvaluation, parsed: dict) -> StagePlan:
    plan = StagePlan()
    _check_file(parsed, "evaluation", evaluation.table.name, plan)
    if plan.problems:
        return plan
    money = {}
    for name, text in parsed.get("money", {}).items():
        value = _money(text, SelfEvaluation._meta.get_field(name).verbose_name, plan.problems)
        if value is not None:
            money[name] = value
    stored = list(evaluation.rows.all())
    matched = _match(stored, parsed.get("rows", []), plan.warnings)
    rows = {}
    for row in stored:
        typed = matched.get(row.pk)
        if typed is None:
            continue
        weight = _money(typed.get("weight", ""), f"{_where(typed)}分值", plan.problems)
        rows[row.pk] = evaluation_services.RowInput(
            actual=clean_text(typed.get("actual", "")),
            qualitative=row.qualitative,
            weight=weight if weight is not None else row.weight,
            analysis=clean_text(typed.get("analysis", "")),
        )
    plan.data = evaluation_services.EvaluationInput(
        money=money,
        goal_actual=clean_text(parsed.get("goal_actual", "")) or evaluation.goal_actual,
        weights_reason=evaluation.weights_reason,
        rows=rows,
    )
    return plan


class _Rollback(Exception):
    pass


def _save(sheet, data, *, user: User, ip: str | None):
    if isinstance(sheet, MonitoringSheet):
        return monitoring_services.save_sheet(
            user=user,
            sheet=sheet,
            data=data,
            loaded_version=sheet.version,
            ip=ip,
            action=RevisionAction.IMPORT,
        )
    return evaluation_services.save_evaluation(
        user=user,
        evaluation=sheet,
        data=data,
        loaded_version=sheet.version,
        ip=ip,
        action=RevisionAction.IMPORT,
    )


def plan_for(sheet, parsed: dict) -> StagePlan:
    if isinstance(sheet, MonitoringSheet):
        return plan_monitoring(sheet, parsed)
    return plan_evaluation(sheet, parsed)


def preview(sheet, parsed: dict, *, user: User) -> StagePlan:
    """The plan, with the old and new values the save would record (nothing is kept)."""
    plan = plan_for(sheet, parsed)
    if plan.problems:
        return plan
    try:
        with transaction.atomic():
            saved = _save(sheet, plan.data, user=user, ip=None)
            plan.changes = Revision.of(saved).order_by("-version").first().changes
            raise _Rollback
    except _Rollback:
        pass
    except TableError as error:
        plan.problems.append(str(error))
    sheet.refresh_from_db()
    return plan


def apply(sheet, parsed: dict, *, user: User, ip: str | None):
    """Import for real; TableError (in Chinese) when the file cannot be applied now."""
    from budgetapp.audit.log import record
    from budgetapp.audit.models import EventKind

    plan = plan_for(sheet, parsed)
    if plan.problems:
        raise TableError("；".join(plan.problems))
    saved = _save(sheet, plan.data, user=user, ip=ip)
    record(
        kind=EventKind.IMPORT, user=user, ip=ip, obj=saved, details={"stage": parsed.get("kind")}
    )
    return saved
