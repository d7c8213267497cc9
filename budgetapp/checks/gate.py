"""What the 智能审核 findings mean for submission: errors block it, warnings need a reason."""

from __future__ import annotations

from collections.abc import Mapping

from budgetapp.core.errors import TableError
from budgetapp.targets.models import TargetTable

from .engine import Finding, Report, check_table


class ChecksFailed(TableError):
    """The table has errors; it cannot be submitted until they are fixed."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


class ExplanationsMissing(TableError):
    """Some warnings have no explanation from the filer."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


def _listing(findings: list[Finding], limit: int = 10) -> str:
    lines = [f"{n}. {f.message}" for n, f in enumerate(findings[:limit], 1)]
    if len(findings) > limit:
        lines.append(f"……另有 {len(findings) - limit} 条，请在表格页面查看。")
    return "\n".join(lines)


def _record(finding: Finding, explanation: str) -> dict:
    return {
        "key": finding.key,
        "rule": finding.rule,
        "rule_name": finding.rule_name,
        "severity": finding.severity,
        "message": finding.message,
        "anchor": finding.anchor,
        "explanation": explanation,
    }


def gate(
    table: TargetTable,
    *,
    explanations: Mapping[str, str] | None = None,
    acknowledge: str = "",
    report: Report | None = None,
) -> list[dict]:
    """The explanation records to store with the submission, or a refusal in Chinese.

    `acknowledge` is for commands that load an already published document as it is (the demo):
    every finding, errors included, is recorded with that text instead of being refused. No
    view passes it.
    """
    report = report or check_table(table)
    acknowledge = (acknowledge or "").strip()
    if acknowledge:
        return [_record(f, acknowledge) for f in report.findings]
    if report.errors:
        raise ChecksFailed(
            f"此表有 {len(report.errors)} 处错误，修改后才能提交：\n{_listing(report.errors)}",
            report.errors,
        )
    explanations = explanations or {}
    given = {f.key: (explanations.get(f.key) or "").strip() for f in report.warnings}
    missing = [f for f in report.warnings if not given[f.key]]
    if missing:
        raise ExplanationsMissing(
            f"此表有 {len(missing)} 条警告尚未填写说明，请逐条说明原因后再提交：\n"
            f"{_listing(missing)}",
            missing,
        )
    return [_record(f, given[f.key]) for f in report.warnings]


def attention_reason(report: Report) -> str:
    """Why a table cannot go with "submit all": the counts a filer acts on."""
    parts = []
    if report.errors:
        parts.append(f"{len(report.errors)} 处错误")
    if report.warnings:
        parts.append(f"{len(report.warnings)} 条警告需要说明")
    return "、".join(parts)
