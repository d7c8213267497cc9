"""The workflow of the later stages (运行监控 sheets, 绩效自评 tables): the same states, rules
and records as the target tables (`services.py`), for any sheet model that has `unit`, `status`,
`version`, `updated_by`, `submitted_at`, `approved_at`, `published_at`, a `title` and
`get_absolute_url()`.

草稿 → 已提交 → 已退回 (editable again) or 审核通过 → 已公开; an administrator may reopen an
approved or published sheet with a reason (→ 已退回), as for target tables. Each step locks the row, checks the
state and the actor, writes a `Transition` (who, when, from, to, reason, IP) and notifies. The
four-eyes rule holds: whoever saved or submitted a sheet may not approve it. Submitting runs the
stage's own checks (`problems`, a list of messages; any makes the submission fail). Publishing
calls the stage's `freeze`, which stores what the public will see; the live rows are never
shown to the public. A reopened published sheet stays public as it was frozen until it is
approved and published again, as a new version whose 更正说明 is the reopening's reason
(`correction_note`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from budgetapp.audit.log import record as audit_record
from budgetapp.audit.models import EventKind as AuditKind
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.exports import public_state
from budgetapp.targets.models import Revision, Status
from budgetapp.units.access import can_file_for

from . import notices
from .access import can_review, is_admin
from .models import Action, Submission, Transition


class StageProblems(TableError):
    """The stage's checks found errors; `problems` lists them for the page."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def _lock(sheet: models.Model) -> Any:
    return type(sheet).objects.select_for_update(of=("self",)).get(pk=sheet.pk)


def _move(
    sheet: Any, *, action: str, to: str, user: User, comment: str, ip: str | None
) -> Transition:
    entry = Transition.objects.create(
        content_type=ContentType.objects.get_for_model(sheet),
        object_id=sheet.pk,
        unit=sheet.unit,
        action=action,
        from_status=sheet.status,
        to_status=to,
        actor=user,
        comment=comment,
        client_ip=ip,
    )
    sheet.status = to
    return entry


def _require(sheet: Any, *allowed: str, doing: str) -> None:
    if sheet.status not in allowed:
        raise TableError(f"当前状态为“{sheet.get_status_display()}”，不能{doing}。")


def _check_reviewer(user: User, sheet: Any, doing: str) -> None:
    if not can_review(user, sheet.unit):
        raise NotAllowed(f"只有本市的审核人可以{doing}。")


def has_touched(user: User, sheet: Any) -> bool:
    """Saved or submitted the sheet: then the user may not approve it (four-eyes)."""
    kind = ContentType.objects.get_for_model(sheet)
    return (
        sheet.updated_by_id == user.pk
        or Revision.objects.filter(content_type=kind, object_id=sheet.pk, saved_by=user).exists()
        or Submission.objects.filter(
            content_type=kind, object_id=sheet.pk, submitted_by=user
        ).exists()
    )


@transaction.atomic
def submit(
    *,
    sheet: Any,
    user: User,
    snapshot: Callable[[Any], dict],
    problems: Callable[[Any], list[str]],
    ip: str | None = None,
) -> Submission:
    sheet = _lock(sheet)
    if not can_file_for(user, sheet.unit):
        raise NotAllowed("只有本单位的填报人可以提交。")
    _require(sheet, *Status.editable(), doing="提交")
    found = problems(sheet)
    if found:
        raise StageProblems(f"有 {len(found)} 处需要先修改，才能提交：", found)
    kind = ContentType.objects.get_for_model(sheet)
    number = Submission.objects.filter(content_type=kind, object_id=sheet.pk).count() + 1
    submission = Submission.objects.create(
        content_type=kind,
        object_id=sheet.pk,
        unit=sheet.unit,
        number=number,
        version=sheet.version,
        data=snapshot(sheet),
        submitted_by=user,
    )
    _move(sheet, action=Action.SUBMIT, to=Status.SUBMITTED, user=user, comment="", ip=ip)
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["status", "submitted_at"])
    notices.notify(
        notices.reviewers_of_unit(sheet.unit),
        f"{sheet.unit.name} 提交了“{sheet.title}”，请审核。",
        sheet.get_absolute_url(),
    )
    return submission


@transaction.atomic
def withdraw(*, sheet: Any, user: User, ip: str | None = None) -> Transition:
    sheet = _lock(sheet)
    if not can_file_for(user, sheet.unit):
        raise NotAllowed("只有本单位的填报人可以撤回。")
    _require(sheet, Status.SUBMITTED, doing="撤回")
    entry = _move(sheet, action=Action.WITHDRAW, to=Status.DRAFT, user=user, comment="", ip=ip)
    sheet.save(update_fields=["status"])
    return entry


@transaction.atomic
def return_(*, sheet: Any, user: User, reason: str, ip: str | None = None) -> Transition:
    sheet = _lock(sheet)
    _check_reviewer(user, sheet, "退回")
    _require(sheet, Status.SUBMITTED, doing="退回")
    reason = (reason or "").strip()
    if not reason:
        raise TableError("退回时必须填写退回理由。")
    entry = _move(sheet, action=Action.RETURN, to=Status.RETURNED, user=user, comment=reason, ip=ip)
    sheet.save(update_fields=["status"])
    notices.notify(
        notices.filers_of_unit(sheet.unit),
        f"“{sheet.title}”被退回：{reason[:100]}",
        sheet.get_absolute_url(),
    )
    return entry


@transaction.atomic
def approve(*, sheet: Any, user: User, comment: str = "", ip: str | None = None) -> Transition:
    sheet = _lock(sheet)
    _check_reviewer(user, sheet, "审核")
    _require(sheet, Status.SUBMITTED, doing="审核通过")
    if has_touched(user, sheet):
        raise TableError("您填写或修改过此表，不能由您审核通过（四眼原则）。")
    entry = _move(
        sheet, action=Action.APPROVE, to=Status.APPROVED, user=user, comment=comment, ip=ip
    )
    sheet.approved_at = timezone.now()
    sheet.save(update_fields=["status", "approved_at"])
    notices.notify(
        notices.filers_of_unit(sheet.unit),
        f"“{sheet.title}”已审核通过。",
        sheet.get_absolute_url(),
    )
    return entry


@transaction.atomic
def publish(
    *, sheet: Any, user: User, freeze: Callable[[Any, User], Any], ip: str | None = None
) -> Transition:
    """Publish an approved sheet; `freeze` stores what the public sees (in this transaction)."""
    sheet = _lock(sheet)
    _check_reviewer(user, sheet, "公开")
    _require(sheet, Status.APPROVED, doing="公开")
    entry = _move(sheet, action=Action.PUBLISH, to=Status.PUBLISHED, user=user, comment="", ip=ip)
    sheet.published_at = timezone.now()
    sheet.save(update_fields=["status", "published_at"])
    freeze(sheet, user)
    return entry


@transaction.atomic
def reopen(*, sheet: Any, user: User, reason: str, ip: str | None = None) -> Transition:
    """An administrator sends an approved or published sheet back to its filer (a mistake found
    late). A published sheet stays public as it was frozen until the corrected one is approved
    and published again; the reason becomes that version's 更正说明."""
    sheet = _lock(sheet)
    if not is_admin(user):
        raise NotAllowed("只有管理员可以重新打开已审核通过或已公开的表。")
    _require(sheet, Status.APPROVED, Status.PUBLISHED, doing="重新打开")
    reason = (reason or "").strip()
    if not reason:
        raise TableError("重新打开时必须填写理由（更正原因），理由将随更正后的版本公开。")
    entry = _move(sheet, action=Action.REOPEN, to=Status.RETURNED, user=user, comment=reason, ip=ip)
    sheet.approved_at = None
    sheet.save(update_fields=["status", "approved_at"])
    # As for target tables: the public keeps the frozen version, but the cached public pages
    # are dropped all the same (exports.public_state).
    public_state.public_changed()
    audit_record(kind=AuditKind.REOPEN, user=user, ip=ip, obj=sheet, details={"reason": reason})
    notices.notify(
        notices.filers_of_unit(sheet.unit),
        f"“{sheet.title}”已被重新打开，请更正后再提交：{reason[:100]}",
        sheet.get_absolute_url(),
    )
    return entry


def correction_note(sheet: Any, last_published_at: Any) -> str:
    """The 更正说明 of the next published version: the reasons given for reopening the sheet
    after it was last published (empty for a first publication: `last_published_at` None)."""
    if last_published_at is None:
        return ""
    reasons = Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(sheet),
        object_id=sheet.pk,
        action=Action.REOPEN,
        at__gte=last_published_at,
    )
    return "\n".join(entry.comment for entry in reasons.order_by("at", "pk"))


def resubmission_changes(
    sheet: Any, changes_between: Callable[[dict, dict], dict]
) -> tuple[str, dict] | None:
    """What a reviewer should see as changed: a resubmitted sheet against the previous
    submission (old and new values, by `changes_between` of the stage), else None."""
    kind = ContentType.objects.get_for_model(sheet)
    latest = list(
        Submission.objects.filter(content_type=kind, object_id=sheet.pk).order_by("-number")[:2]
    )
    if len(latest) < 2 or sheet.status != Status.SUBMITTED:
        return None
    new, old = latest
    return f"第{new.number}次提交与第{old.number}次提交相比", changes_between(old.data, new.data)
