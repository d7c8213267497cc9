"""The workflow's transitions: one service function each.

草稿 → 已提交 → 已退回 (editable again) or 审核通过 → 已公开. Each function locks the table row,
checks the current state and the actor's rights, changes the state and writes a `Transition`
(who, when, from, to, comment, client IP). Views call these; nothing else changes `status`.
Publishing also renders and stores the published files (`exports.published`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from budgetapp.audit.log import record as audit_record
from budgetapp.audit.models import EventKind as AuditKind
from budgetapp.checks.engine import check_table
from budgetapp.checks.gate import ChecksFailed, attention_reason, gate
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.exports import frozen, public_state, published
from budgetapp.exports.models import Publication, PublishedFile
from budgetapp.targets.models import (
    DepartmentTable,
    Grade,
    ProjectTable,
    Revision,
    Status,
    TargetTable,
)
from budgetapp.targets.services import check_open_for_writing
from budgetapp.targets.snapshots import serialize_table
from budgetapp.units.access import can_file_for
from budgetapp.units.models import BudgetYear, Unit

from . import notices
from .access import can_review, is_admin
from .models import Action, Comment, Submission, Transition

T = TypeVar("T", bound=TargetTable)
M = TypeVar("M", Submission, Comment, Transition)


class WrongState(TableError):
    pass


class FourEyes(TableError):
    pass


def _lock(table: T) -> T:
    locked: T = (
        type(table)
        ._default_manager.select_for_update()
        .select_related("unit__region", "year")
        .get(pk=table.pk)
    )
    return locked


def _record(
    table: TargetTable,
    *,
    action: str,
    to_status: str,
    actor: User,
    comment: str = "",
    grade: str = "",
    ip: str | None,
) -> Transition:
    entry = Transition.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        unit=table.unit,
        action=action,
        from_status=table.status,
        to_status=to_status,
        actor=actor,
        comment=comment,
        grade=grade,
        client_ip=ip,
    )
    table.status = to_status
    return entry


def _require(table: TargetTable, *allowed: str, doing: str) -> None:
    if table.status not in allowed:
        raise WrongState(f"此表当前状态为“{table.get_status_display()}”，不能{doing}。")


def _records_of(model: type[M], table: TargetTable) -> QuerySet[M]:
    return model._default_manager.filter(
        content_type=ContentType.objects.get_for_model(table), object_id=table.pk
    )


def has_touched(user: User, table: TargetTable) -> bool:
    """Did the user file or edit this table? Then they may not approve it (four-eyes)."""
    if table.updated_by_id == user.pk:
        return True
    if Revision.of(table).filter(saved_by=user).exists():
        return True
    return _records_of(Submission, table).filter(submitted_by=user).exists()


@transaction.atomic
def submit_table(
    *,
    table: TargetTable,
    user: User,
    ip: str | None = None,
    explanations: Mapping[str, str] | None = None,
    acknowledge: str = "",
) -> Submission:
    """Submit for review. 智能审核 errors refuse it (`ChecksFailed`); every warning needs an
    explanation in `explanations` (finding key → text) or it is refused (`ExplanationsMissing`).
    `acknowledge` is for commands loading a published document as it is (see checks.gate)."""
    table = _lock(table)
    if not can_file_for(user, table.unit):
        raise NotAllowed("只有本单位的填报人可以提交此表。")
    _require(table, Status.DRAFT, Status.RETURNED, doing="提交")
    check_open_for_writing(unit=table.unit, year=table.year)
    records = gate(table, explanations=explanations, acknowledge=acknowledge)
    number = _records_of(Submission, table).count() + 1
    submission = Submission.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        unit=table.unit,
        number=number,
        version=table.version,
        data=serialize_table(table),
        submitted_by=user,
        explanations=records,
    )
    _record(table, action=Action.SUBMIT, to_status=Status.SUBMITTED, actor=user, ip=ip)
    table.submitted_at = timezone.now()
    table.save(update_fields=["status", "submitted_at"])
    notices.table_submitted(table, user)
    return submission


def ready_tables(unit: Unit, year: BudgetYear) -> list[TargetTable]:
    """The unit's tables of the year that can be submitted now (draft or returned)."""
    editable = Status.editable()
    tables: list[TargetTable] = list(
        DepartmentTable.objects.filter(unit=unit, year=year, status__in=editable)
    )
    tables += list(
        ProjectTable.objects.filter(unit=unit, year=year, status__in=editable).order_by("sequence")
    )
    return tables


class SubmittedTables(list[Submission]):
    """The submissions made by `submit_all`, plus the tables it left for the filer (`held`)."""

    def __init__(self, submissions: Iterable[Submission], held: list[tuple[TargetTable, str]]):
        super().__init__(submissions)
        self.held = held


@transaction.atomic
def submit_all(
    *, unit: Unit, year: BudgetYear, user: User, ip: str | None = None
) -> SubmittedTables:
    """Submit every ready table that is clean: no 智能审核 error and no warning to explain.

    Tables with findings are left in draft (`held`, with the reason) because a warning needs
    the filer's own words on the table page; if no table could go, nothing is submitted and
    the refusal lists what needs attention.
    """
    if not can_file_for(user, unit):
        raise NotAllowed("只有本单位的填报人可以提交本单位的表。")
    check_open_for_writing(unit=unit, year=year)
    tables = ready_tables(unit, year)
    if not tables:
        raise WrongState("没有可提交的表（草稿或已退回的表）。")
    clean, held = [], []
    for table in tables:
        report = check_table(table)
        if report.findings:
            held.append((table, attention_reason(report)))
        else:
            clean.append(table)
    if not clean:
        listing = "\n".join(f"{n}. {t.title}：{why}" for n, (t, why) in enumerate(held, 1))
        raise ChecksFailed(
            f"没有可以直接提交的表：以下 {len(held)} 张表需要先修改错误或在表格页面逐条说明"
            f"警告后单独提交：\n{listing}",
            [],
        )
    return SubmittedTables([submit_table(table=t, user=user, ip=ip) for t in clean], held)


@transaction.atomic
def withdraw_table(*, table: TargetTable, user: User, ip: str | None = None) -> Transition:
    table = _lock(table)
    if not can_file_for(user, table.unit):
        raise NotAllowed("只有本单位的填报人可以撤回此表。")
    _require(table, Status.SUBMITTED, doing="撤回")
    entry = _record(table, action=Action.WITHDRAW, to_status=Status.DRAFT, actor=user, ip=ip)
    table.save(update_fields=["status"])
    return entry


def _check_reviewer(user: User, table: TargetTable, doing: str) -> None:
    if not can_review(user, table.unit):
        raise NotAllowed(f"只有本市的审核人可以{doing}此表。")


@transaction.atomic
def return_table(
    *, table: TargetTable, user: User, reason: str, grade: str = "", ip: str | None = None
) -> Transition:
    """Send a submitted table back; the grade, if given, is 中 (revise) or 差 (rejected)."""
    table = _lock(table)
    _check_reviewer(user, table, "退回")
    _require(table, Status.SUBMITTED, doing="退回")
    reason = (reason or "").strip()
    if not reason:
        raise TableError("退回时必须填写退回理由。")
    if grade not in ("", Grade.FAIR, Grade.POOR):
        raise TableError("退回时的审核等级只能是“中”或“差”。")
    entry = _record(
        table,
        action=Action.RETURN,
        to_status=Status.RETURNED,
        actor=user,
        comment=reason,
        grade=grade,
        ip=ip,
    )
    table.grade = grade
    table.save(update_fields=["status", "grade"])
    notices.table_returned(table, user, reason)
    return entry


@transaction.atomic
def approve_table(
    *, table: TargetTable, user: User, grade: str = "", comment: str = "", ip: str | None = None
) -> Transition:
    table = _lock(table)
    _check_reviewer(user, table, "审核")
    _require(table, Status.SUBMITTED, doing="审核通过")
    if grade in (Grade.FAIR, Grade.POOR):
        raise TableError("等级为“中”（需修改后重新提交）或“差”（不予通过）时，请使用“退回”。")
    if grade not in ("", Grade.EXCELLENT, Grade.GOOD):
        raise TableError("审核等级只能是优、良、中、差。")
    if has_touched(user, table):
        raise FourEyes("您填报或修改过此表，不能由您审核通过（四眼原则）。")
    entry = _record(
        table,
        action=Action.APPROVE,
        to_status=Status.APPROVED,
        actor=user,
        comment=comment,
        grade=grade,
        ip=ip,
    )
    table.approved_at = timezone.now()
    table.grade = grade
    table.save(update_fields=["status", "approved_at", "grade"])
    notices.table_approved(table, user)
    return entry


def _publish(
    table: TargetTable, *, user: User, ip: str | None
) -> tuple[Transition, list[PublishedFile]]:
    table = _lock(table)
    _check_reviewer(user, table, "公开")
    _require(table, Status.APPROVED, doing="公开")
    entry = _record(table, action=Action.PUBLISH, to_status=Status.PUBLISHED, actor=user, ip=ip)
    table.published_at = timezone.now()
    table.save(update_fields=["status", "published_at"])
    version = frozen.freeze_table(table=table, user=user, correction_note=_correction_note(table))
    return entry, published.store_table_files(publication=version, user=user)


def _correction_note(table: TargetTable) -> str:
    """The 更正说明 of a new version: the reasons given for reopening the published table."""
    last = Publication.objects.of_table(table).order_by("-number").first()
    if last is None:
        return ""
    reasons = _records_of(Transition, table).filter(
        action=Action.REOPEN, from_status=Status.PUBLISHED, at__gte=last.published_at
    )
    return "\n".join(entry.comment for entry in reasons.order_by("at", "pk"))


def _lock_unit(unit: Unit) -> None:
    # Publications of one unit take turns, so each unit book rendered includes every table
    # published before it.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()


def publish_table(*, table: TargetTable, user: User, ip: str | None = None) -> Transition:
    """Publish one approved table; its files and the unit's book are rendered and stored.

    Rendering happens inside the transaction, after the state change: a failed render rolls
    the publication back, so no published table is ever without its files.
    """
    with published.publishing() as stored:
        _lock_unit(table.unit)
        entry, files = _publish(table, user=user, ip=ip)
        stored += files
        stored += published.store_unit_book(unit=table.unit, year=table.year, user=user)
    return entry


def publish_unit(
    *, unit: Unit, year: BudgetYear, user: User, ip: str | None = None
) -> list[Transition]:
    """Publish every approved table of the unit for the year, then store the unit's book."""
    if not can_review(user, unit):
        raise NotAllowed("只有本市的审核人可以公开此单位的表。")
    with published.publishing() as stored:
        _lock_unit(unit)
        # Projects first: the department table's 项目支出情况 lists the projects public when
        # it is frozen, which then includes the ones published with it.
        tables: Iterable[TargetTable] = [
            *ProjectTable.objects.filter(unit=unit, year=year, status=Status.APPROVED).order_by(
                "sequence", "pk"
            ),
            *DepartmentTable.objects.filter(unit=unit, year=year, status=Status.APPROVED),
        ]
        entries = []
        for table in tables:
            entry, files = _publish(table, user=user, ip=ip)
            entries.append(entry)
            stored += files
        if not entries:
            raise WrongState("此单位本年度没有已审核通过、待公开的表。")
        stored += published.store_unit_book(unit=unit, year=year, user=user)
    return entries


@transaction.atomic
def reopen_table(
    *, table: TargetTable, user: User, reason: str, ip: str | None = None
) -> Transition:
    """An administrator sends an approved or published table back to the filer (a mistake
    found late). A published table stays public as it was published until the corrected one
    is approved and published again; the reason becomes that version's 更正说明."""
    table = _lock(table)
    if not is_admin(user):
        raise NotAllowed("只有管理员可以重新打开已审核通过或已公开的表。")
    _require(table, Status.APPROVED, Status.PUBLISHED, doing="重新打开")
    reason = (reason or "").strip()
    if not reason:
        raise TableError("重新打开时必须填写理由。")
    entry = _record(
        table, action=Action.REOPEN, to_status=Status.RETURNED, actor=user, comment=reason, ip=ip
    )
    table.approved_at = None
    table.grade = ""
    table.save(update_fields=["status", "approved_at", "grade"])
    # The public keeps the published version until the corrected one is published; the
    # cached pages are dropped all the same, so a page that ever marks a table being
    # corrected is never served stale.
    public_state.public_changed()
    audit_record(kind=AuditKind.REOPEN, user=user, ip=ip, obj=table, details={"reason": reason})
    notices.table_returned(table, user, reason)
    return entry


@transaction.atomic
def add_comment(
    *, table: TargetTable, user: User, text: str, anchor: str = "", anchor_label: str = ""
) -> Comment:
    """A reviewer's remark on the table or one of its fields or rows."""
    if not (can_review(user, table.unit) or is_admin(user)):
        raise NotAllowed("只有本市的审核人可以发表审核意见。")
    text = (text or "").strip()
    if not text:
        raise TableError("请填写意见内容。")
    latest = _records_of(Submission, table).order_by("-number").first()
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        unit=table.unit,
        author=user,
        anchor=anchor,
        anchor_label=anchor_label,
        text=text,
        submission=latest,
    )
