"""Changing the lights' thresholds: the administrator's default set and one round's copy.

A round is given a copy of the default set when it is opened (`services.open_round`), so the
lights a reviewer reads never change because an administrator later changed the defaults. The
round's opener (or an administrator) may change the round's copy while none of its sheets has
been submitted; the lights of every sheet are then computed again. After the first submission
the round's thresholds are fixed: a sheet under review keeps the light it was submitted with.

Every change is validated (`LightRules.problems`) and leaves a `rule_change` audit event with
the old and new values, who, when and from which IP.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.review.access import is_admin
from budgetapp.targets.models import Status

from .lights import RULE_FIELDS, LightRules
from .models import LightRuleDefaults, MonitoringRound, MonitoringRow, MonitoringSheet
from .services import refresh_lights

DEFAULTS_PK = 1


class RulesInvalid(TableError):
    """Thresholds refused, with a message per field (a form shows them beside the fields)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("；".join(problems.values()))
        self.problems = problems


def default_light_rules() -> LightRules:
    """The thresholds a new round is given: the administrator's, else the shipped ones."""
    return LightRuleDefaults.current()


def _changes(old: LightRules, new: LightRules) -> dict[str, dict[str, str]]:
    before, after = old.as_typed(), new.as_typed()
    return {
        label: {"old": f"{before[name]}{unit}", "new": f"{after[name]}{unit}"}
        for name, label, unit, _ in RULE_FIELDS
        if before[name] != after[name]
    }


def _validated(rules: LightRules) -> LightRules:
    problems = rules.problems()
    if problems:
        raise RulesInvalid(problems)
    return rules


@transaction.atomic
def change_default_rules(
    *, user: User, typed: dict[str, Decimal], ip: str | None = None
) -> LightRules:
    """Set the default thresholds (as typed: shares in %); only an administrator may."""
    if not is_admin(user):
        raise NotAllowed("只有管理员可以修改默认亮灯规则。")
    new = _validated(LightRules.from_typed(typed))
    row, _ = LightRuleDefaults.objects.select_for_update().get_or_create(pk=DEFAULTS_PK)
    old = LightRules.from_typed(row.typed())
    for name, value in new.as_typed().items():
        setattr(row, name, value)
    row.save()
    _audit(user, row, ip, scope="default", changes=_changes(old, new))
    return new


def may_change_round_rules(user: User, round_: MonitoringRound) -> bool:
    """The round's opener or an administrator."""
    return is_admin(user) or round_.opened_by_id == user.pk


def round_rules_fixed(round_: MonitoringRound) -> bool:
    """True once any sheet of the round has been submitted (or returned, approved...)."""
    return round_.sheets.exclude(status=Status.DRAFT).exists()


@transaction.atomic
def change_round_rules(
    *, user: User, round_: MonitoringRound, typed: dict[str, Decimal], ip: str | None = None
) -> int:
    """Set one round's thresholds and compute its sheets' lights again; returns how many
    sheets' lights changed."""
    if not may_change_round_rules(user, round_):
        raise NotAllowed("只有发起本批次的审核人或管理员可以修改本批次的亮灯规则。")
    new = _validated(LightRules.from_typed(typed))
    locked = MonitoringRound.objects.select_for_update().get(pk=round_.pk)
    # The sheets too: a submission under way finishes first and is seen below (it locks its sheet).
    list(MonitoringSheet.objects.select_for_update().filter(round=locked).values_list("pk"))
    if round_rules_fixed(locked):
        raise TableError("本批次已有监控表提交，亮灯规则不能再修改。")
    old = locked.light_rules
    locked.rules = new.to_data()
    locked.save(update_fields=["rules"])
    changed = _relight(locked)
    _audit(user, locked, ip, scope="round", changes=_changes(old, new), relit=changed)
    round_.rules = locked.rules
    return changed


def _relight(round_: MonitoringRound) -> int:
    sheets = list(
        MonitoringSheet.objects.filter(round=round_)
        .select_related("round", "table")
        .prefetch_related("rows")
    )
    changed_sheets: list[MonitoringSheet] = []
    changed_rows: list[MonitoringRow] = []
    for sheet in sheets:
        rows = list(sheet.rows.all())
        before = (sheet.light, [row.light for row in rows])
        refresh_lights(sheet, rows)
        if (sheet.light, [row.light for row in rows]) != before:
            changed_sheets.append(sheet)
            changed_rows += rows
    MonitoringSheet.objects.bulk_update(changed_sheets, ["light"])
    MonitoringRow.objects.bulk_update(changed_rows, ["light"])
    return len(changed_sheets)


def _audit(user: User, obj: Any, ip: str | None, **details: Any) -> None:
    record(
        kind=EventKind.RULE_CHANGE,
        user=user,
        obj=obj,
        ip=ip,
        details={"action": "light_rules", **details},
    )
