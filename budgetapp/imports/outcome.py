"""What importing a workbook did, or would do (the preview): per table and for the workbook."""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetapp.targets.snapshots import TableDiff

from .parsed import ParsedTable, Problem


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {CREATE: "新建", UPDATE: "更新", UNCHANGED: "无变化", ERROR: "有错误，不导入此表"}


@dataclass
class TableOutcome:
    parsed: ParsedTable
    action: str = Action.ERROR
    existing_pk: int | None = None
    existing_version: int | None = None
    saved_pk: int | None = None
    diff: TableDiff | None = None
    after: dict | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.parsed.label

    @property
    def action_label(self) -> str:
        return Action.LABELS[self.action]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def key(self) -> str:
        return f"{self.parsed.sheet}#{self.parsed.first_row}"

    @property
    def row_counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.parsed.rows.items()}


@dataclass
class ImportResult:
    outcomes: list[TableOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + [p for o in self.outcomes for p in o.problems]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.all_problems)

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.all_problems if p.is_error)

    @property
    def warning_count(self) -> int:
        return sum(1 for p in self.all_problems if not p.is_error)

    @property
    def importable(self) -> list[TableOutcome]:
        """The tables that import (created, updated or unchanged); the others are refused."""
        return [o for o in self.outcomes if o.action != Action.ERROR]

    @property
    def refused(self) -> list[TableOutcome]:
        return [o for o in self.outcomes if o.action == Action.ERROR]

    def versions(self) -> dict[str, int | None]:
        """What each matched table's version was: a confirmation must find it unchanged."""
        return {o.key: o.existing_version for o in self.outcomes}

    def summary(self) -> str:
        parts = []
        for action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED):
            names = [o.label for o in self.outcomes if o.action == action]
            if names:
                parts.append(f"{Action.LABELS[action]} {len(names)} 张：" + "、".join(names))
        refused = [o.label for o in self.refused]
        if refused:
            parts.append(f"未导入 {len(refused)} 张（有错误）：" + "、".join(refused))
        return "；".join(parts) or "没有可导入的表。"
