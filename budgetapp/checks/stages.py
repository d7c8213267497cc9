"""智能审核 of the later stages: the rules of 运行监控 sheets and 绩效自评 tables.

A stage rule is a function `(data, params) -> Iterable[Hit]`, where `data` is whatever its stage
hands over (the monitoring app passes a sheet with its rows, the evaluation app a
self-evaluation with its rows). The stage apps sit above checks, so they register their rules
in `AppConfig.ready()` (`registry.register_stage`); their `CheckRule` rows (stage, severity,
switch, params) are installed by a migration like the target rules'. Errors block submission,
warnings are shown and do not (a stage has no warning explanations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .engine import Finding, Hit, Report
from .models import CheckRule

StageRule = Callable[[Any, dict], Iterable[Hit]]


@dataclass(frozen=True)
class StageRow:
    """Where a stage finding points: the row's position as the filer sees it and its input."""

    number: int
    pk: int | None = None

    @property
    def anchor(self) -> str:
        return f"row-{self.pk}" if self.pk else ""

    def input_name(self, field_name: str) -> str:
        # The stage forms prefix each row's inputs with `row-<pk>`.
        return f"row-{self.pk}-{field_name}" if self.pk else ""


def _finding(rule: CheckRule, hit: Hit) -> Finding:
    row = hit.row
    if row is not None:
        anchor, input_name = row.anchor, row.input_name(hit.field) if hit.field else ""
        location = anchor or f"row:{row.number}"
    else:
        anchor, input_name, location = "", hit.field, hit.field or "sheet"
    return Finding(
        rule=rule.code,
        rule_name=rule.name,
        severity=rule.severity,
        message=hit.message,
        row=row.number if row is not None else None,
        anchor=anchor,
        input=input_name,
        key=f"{rule.code}@{location}",
    )


def run_stage_checks(stage: str, data: Any, *, rules: list[CheckRule] | None = None) -> Report:
    """The findings of the stage's enabled rules on `data`, errors first, then by row, each
    rule's in the order it reported them."""
    from .registry import stage_rules

    functions = stage_rules(stage)
    if rules is None:
        rules = list(CheckRule.objects.filter(stage=stage, enabled=True))
    findings = [
        _finding(rule, hit)
        for rule in rules
        if rule.enabled and rule.code in functions
        for hit in functions[rule.code](data, rule.params or {})
    ]
    findings.sort(key=lambda f: (not f.is_error, f.row or 0))
    return Report(findings)


def error_messages(report: Report) -> list[str]:
    """What refuses a submission: the errors' messages (warnings never do)."""
    return [finding.message for finding in report.errors]
