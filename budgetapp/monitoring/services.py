"""Writes of mid-year monitoring: opening a round, filling a sheet.

Each is one transaction; a sheet is row-locked and version-checked like a target table, and
every save leaves a `targets.Revision` (content, old/new values, who, when, IP) so the stage is on
the record the same way. The lights are recomputed on every save from the round's rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from budgetapp.checks.stages import error_messages
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.indicators.values import parse_target
from budgetapp.review import stage_editing, stage_workflow
from budgetapp.review.access import can_review, is_admin
from budgetapp.review.models import Submission, Transition
from budgetapp.targets.models import ProjectTable, Revision, RevisionAction, Status
from budgetapp.units.models import BudgetYear, Region, Unit

from .lights import (
    budget_light,
    execution_rate,
    indicator_light,
    planned_share,
    project_light,
)
from .models import (
    DeviationCause,
    LightRuleDefaults,
    MonitoringRound,
    MonitoringRow,
    MonitoringSheet,
)

# Target tables that are monitored: the approved ones (published or not).
MONITORED_STATES = (Status.APPROVED, Status.PUBLISHED)


def may_open_round(user: User, region: Region) -> bool:
    """A city's reviewer for its own region, or an administrator."""
    if is_admin(user):
        return True
    account = getattr(user, "account", None)
    unit = getattr(account, "unit", None)
    return (
        account is not None
        and unit is not None
        and can_review(user, unit)
        and region.path.startswith(unit.region.path)
    )


def _units_of(region: Region) -> QuerySet[Unit]:
    return Unit.objects.filter(region__path__startswith=region.path, is_active=True)


def monitored_tables(region: Region, year: BudgetYear) -> QuerySet[ProjectTable]:
    return (
        ProjectTable.objects.filter(
            unit__in=_units_of(region), year=year, status__in=MONITORED_STATES
        )
        .select_related("unit", "year")
        .with_indicator_rows()
    )


def _new_sheet(round_: MonitoringRound, table: ProjectTable) -> MonitoringSheet:
    sheet = MonitoringSheet.objects.create(
        round=round_,
        table=table,
        unit=table.unit,
        money_unit=table.money_unit,
        budget=table.budget_total,
    )
    MonitoringRow.objects.bulk_create(
        MonitoringRow(
            sheet=sheet,
            indicator=row,
            order=position,
            level1=row.level1.name,
            level2=row.level2.name if row.level2 else "",
            name=row.name,
            target=row.target,
        )
        for position, row in enumerate(table.indicator_rows(), 1)
    )
    return sheet


@transaction.atomic
def open_round(
    *,
    user: User,
    region: Region,
    year: BudgetYear,
    cutoff_month: int,
    due_date: date,
    ip: str | None = None,
) -> MonitoringRound:
    """Open the city's monitoring of a year and give every approved project table a sheet."""
    if not may_open_round(user, region):
        raise NotAllowed("只有本市的审核人或管理员可以发起运行监控。")
    if not 1 <= cutoff_month <= 11:
        raise TableError("截至月份应在 1–11 月之间。")
    if MonitoringRound.objects.filter(region=region, year=year).exists():
        raise TableError(f"{region.name}{year.year}年的运行监控已经发起。")
    round_ = MonitoringRound.objects.create(
        region=region,
        year=year,
        cutoff_month=cutoff_month,
        due_date=due_date,
        opened_by=user,
        # A copy: later changes of the defaults never change this round's lights.
        rules=LightRuleDefaults.current().to_data(),
    )
    for table in monitored_tables(region, year):
        _new_sheet(round_, table)
    _audit_round(round_, user=user, ip=ip, action="open")
    return round_


@transaction.atomic
def add_missing_sheets(*, user: User, round_: MonitoringRound, ip: str | None = None) -> int:
    """Sheets for tables approved after the round was opened; returns how many were added."""
    if not may_open_round(user, round_.region):
        raise NotAllowed("只有本市的审核人或管理员可以补充监控表。")
    have = set(round_.sheets.values_list("table_id", flat=True))
    added = 0
    for table in monitored_tables(round_.region, round_.year).exclude(pk__in=have):
        _new_sheet(round_, table)
        added += 1
    if added:
        _audit_round(round_, user=user, ip=ip, action="add", added=added)
    return added


def _audit_round(round_: MonitoringRound, *, user: User, ip: str | None, **details: Any) -> None:
    from budgetapp.audit.log import record
    from budgetapp.audit.models import EventKind

    record(kind=EventKind.ADMIN_CHANGE, user=user, obj=round_, ip=ip, details=details)


@dataclass(frozen=True)
class RowInput:
    """What the filer types on one indicator row."""

    to_date: str = ""
    projected: str = ""
    likelihood: str = ""
    causes: Sequence[str] = ()
    cause_note: str = ""
    measures: str = ""


@dataclass(frozen=True)
class SheetInput:
    spent: Decimal | None
    projected_spend: Decimal | None
    lag_reason: str
    rows: Mapping[int, RowInput]  # MonitoringRow pk → input


def number_of(text: str) -> Decimal | None:
    """The number in a typed value (`1250人次`, `96%`, `≥96%`), None for text."""
    return parse_target(text).number if text.strip() else None


def refresh_lights(sheet: MonitoringSheet, rows: Sequence[MonitoringRow]) -> None:
    """Set each row's light and the sheet's (the worst of spending and indicators)."""
    round_ = sheet.round
    rules = round_.light_rules
    for row in rows:
        row.light = indicator_light(
            row.target,
            to_date=number_of(row.to_date),
            projected=number_of(row.projected),
            likelihood=row.likelihood,
            month=round_.cutoff_month,
            rules=rules,
        )
    spending = budget_light(
        execution_rate(sheet.spent, sheet.budget),
        planned_share(sheet.table.spending_plan, round_.cutoff_month),
        rules,
    )
    sheet.light = project_light(spending, [row.light for row in rows])


def serialize_sheet(sheet: MonitoringSheet, rows: Sequence[MonitoringRow]) -> dict[str, Any]:
    """The sheet's content as a revision keeps it."""

    def money(value: Decimal | None) -> str:
        return "" if value is None else str(value)

    return {
        "fields": {
            "spent": money(sheet.spent),
            "projected_spend": money(sheet.projected_spend),
            "lag_reason": sheet.lag_reason,
            "light": sheet.light,
        },
        "rows": [
            {
                "id": row.pk,
                "name": row.name,
                "to_date": row.to_date,
                "projected": row.projected,
                "likelihood": row.likelihood,
                "causes": list(row.causes),
                "cause_note": row.cause_note,
                "measures": row.measures,
                "light": row.light,
            }
            for row in rows
        ],
    }


_FIELD_LABELS = {
    "spent": "执行数",
    "projected_spend": "全年预计执行数",
    "lag_reason": "执行偏差原因",
    "light": "亮灯",
    "to_date": "实际完成值",
    "projected": "全年预计完成值",
    "likelihood": "完成目标可能性",
    "causes": "偏差原因",
    "cause_note": "偏差原因说明",
    "measures": "完善措施",
}


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Old and new values of every changed field and row field (labels in Chinese)."""
    label = _FIELD_LABELS.__getitem__
    return stage_editing.changes_between(old, new, field_label=label, row_label=label)


def _check_input(sheet: MonitoringSheet, data: SheetInput, rows: Sequence[MonitoringRow]) -> None:
    unknown = set(data.rows) - {row.pk for row in rows}
    if unknown:
        raise TableError("提交的指标行不属于此监控表，请刷新页面后重试。")
    valid = set(DeviationCause.values)
    for row_input in data.rows.values():
        if set(row_input.causes) - valid:
            raise TableError("偏差原因只能从列出的选项中选择。")


@transaction.atomic
def save_sheet(
    *,
    user: User,
    sheet: MonitoringSheet,
    data: SheetInput,
    loaded_version: int | None,
    ip: str | None = None,
    action: str = RevisionAction.EDIT,
) -> MonitoringSheet:
    """Save what the filer typed; lights recomputed; a revision with old and new values."""
    locked = stage_editing.lock_for_edit(
        MonitoringSheet.objects.select_related("round__year", "table", "unit"),
        sheet.pk,
        user=user,
        loaded_version=loaded_version,
    )
    rows = list(locked.rows.all())
    _check_input(locked, data, rows)
    before = serialize_sheet(locked, rows)
    if not Revision.of(locked).exists():
        stage_editing.record_revision(
            locked,
            user=None,
            data=before,
            before=None,
            changes=changes_between,
            action=RevisionAction.BASELINE,
            ip=None,
        )
    locked.spent = data.spent
    locked.projected_spend = data.projected_spend
    locked.lag_reason = data.lag_reason.strip()
    for row in rows:
        typed = data.rows.get(row.pk)
        if typed is None:
            continue
        row.to_date = typed.to_date.strip()
        row.projected = typed.projected.strip()
        row.likelihood = typed.likelihood
        row.causes = list(dict.fromkeys(typed.causes))
        row.cause_note = typed.cause_note.strip()
        row.measures = typed.measures.strip()
    refresh_lights(locked, rows)
    MonitoringRow.objects.bulk_update(
        rows,
        ["to_date", "projected", "likelihood", "causes", "cause_note", "measures", "light"],
    )
    stage_editing.finish_save(
        locked,
        user=user,
        data=serialize_sheet(locked, rows),
        before=before,
        changes=changes_between,
        action=action,
        ip=ip,
    )
    return locked


# The workflow of a sheet: the target tables' steps and records (review.stage_workflow).


def _snapshot(sheet: MonitoringSheet) -> dict[str, Any]:
    return serialize_sheet(sheet, list(sheet.rows.all()))


def submit_sheet(*, sheet: MonitoringSheet, user: User, ip: str | None = None) -> Submission:
    """Submit for review: the errors of the stage's 智能审核 rules refuse it, warnings don't."""
    from .checks import check_sheet

    return stage_workflow.submit(
        sheet=sheet,
        user=user,
        snapshot=_snapshot,
        problems=lambda locked: error_messages(check_sheet(locked)),
        ip=ip,
    )


def withdraw_sheet(*, sheet: MonitoringSheet, user: User, ip: str | None = None) -> Transition:
    return stage_workflow.withdraw(sheet=sheet, user=user, ip=ip)


def return_sheet(
    *, sheet: MonitoringSheet, user: User, reason: str, ip: str | None = None
) -> Transition:
    return stage_workflow.return_(sheet=sheet, user=user, reason=reason, ip=ip)


def approve_sheet(
    *, sheet: MonitoringSheet, user: User, comment: str = "", ip: str | None = None
) -> Transition:
    return stage_workflow.approve(sheet=sheet, user=user, comment=comment, ip=ip)
