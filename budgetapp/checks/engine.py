"""Run the enabled rules on a table and collect their findings.

A rule is a function `(table, params, context) -> Iterable[Hit]` registered by code in
`registry.RULES`; its severity, switch and params come from the `CheckRule` row of the same
code, so administrators tune them without a deploy. These are the target tables' rules; the
later stages' rules run through `stages.run_stage_checks` with the same rows and findings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from budgetapp.targets.models import DepartmentTable, ProjectTable

from .data import PLAN_FIELDS, TableData, from_table, row_texts_of_tables
from .models import CheckRule, Severity, Stage


class Place(Protocol):
    """A row a finding points at: a target table's `RowData` or a later stage's `StageRow`."""

    @property
    def number(self) -> int: ...

    @property
    def anchor(self) -> str: ...

    def input_name(self, field_name: str) -> str: ...


@dataclass(frozen=True)
class Hit:
    """What a rule found, before the engine adds the rule's code and severity."""

    message: str
    row: Place | None = None
    field: str = ""  # a table field (`budget_total`) or a row field (`target`)


@dataclass(frozen=True)
class Finding:
    rule: str
    rule_name: str
    severity: str
    message: str
    row: int | None = None  # 1-based indicator row number
    anchor: str = ""  # `field:<name>` or `indicator:<pk>`, as the review page marks cells
    input: str = ""  # the editor input to highlight: `budget_total`, `indicators-3-target`
    key: str = ""  # stable identity for the filer's explanation of a warning

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "rule_name": self.rule_name,
            "severity": self.severity,
            "severity_label": self.severity_label,
            "message": self.message,
            "row": self.row,
            "anchor": self.anchor,
            "input": self.input,
            "key": self.key,
        }


# What `data.from_table` reads of another project table of the unit (as one of its projects,
# or last year's): the 16 other projects of a unit are read on every editor and table page.
_OTHER_TABLE_FIELDS = (
    "unit_id",
    "year_id",
    "framework_id",
    "money_unit",
    "name",
    "code",
    "sequence",
    "budget_total",
    "budget_fiscal",
    "budget_other",
    *(name for name, _ in PLAN_FIELDS),
    "import_problems",
    "carried_from_id",
)


@dataclass
class CheckContext:
    """What cross-table rules need from the database: the unit's other tables."""

    unit_id: int | None
    year: int | None
    exclude_pk: int | None = None
    exclude_kind: str = ""
    # The checked project's code and name: its last year's project is read with the others.
    code: str = ""
    name: str = ""
    _cache: dict = field(default_factory=dict)

    @classmethod
    def for_table(cls, data: TableData) -> CheckContext:
        return cls(
            unit_id=data.unit_id,
            year=data.year,
            exclude_pk=data.pk,
            exclude_kind=data.kind,
            code=data.code,
            name=data.name,
        )

    def _tables(self, year: int | None) -> list[ProjectTable]:
        """The unit's project tables of `year`, without their rows. The rules compare with
        this year's and last year's: both are read by the first query asking for either."""
        if self.unit_id is None or year is None:
            return []
        key = ("tables", year)
        if key not in self._cache:
            years = {year, *([self.year, self.year - 1] if self.year is not None else [])}
            tables = ProjectTable.objects.filter(unit_id=self.unit_id, year__year__in=years)
            tables = tables.select_related("year").only(*_OTHER_TABLE_FIELDS, "year__year")
            for each in years:
                self._cache[("tables", each)] = []
            for table in tables.order_by("sequence", "pk"):
                self._cache[("tables", table.year.year)].append(table)
        return self._cache[key]

    def _as_other(self, tables: list[ProjectTable]) -> list[TableData]:
        """Other tables as the cross-table rules see them: their fields and their rows' texts
        (data.OTHER_ROW_TEXT), no categories and no framework tree."""
        rows = row_texts_of_tables(ProjectTable, [t.pk for t in tables])
        return [from_table(t, rows=rows[t.pk], with_tree=False) for t in tables]

    def _projects(self, year: int | None) -> list[TableData]:
        """The unit's project tables of `year` with their rows; with this year's, the rows of
        the checked project's last year's project, which `last_year_project` asks for next
        (one query for both instead of two)."""
        if year not in self._cache:
            tables = self._tables(year)
            also = None
            if year == self.year and self.exclude_kind == "project":
                also = self._last_year_table(self.code, self.name)
            if also is not None and ("last_year", also.pk) not in self._cache:
                *others, self._cache[("last_year", also.pk)] = self._as_other([*tables, also])
                self._cache[year] = others
            else:
                self._cache[year] = self._as_other(tables)
        return self._cache[year]

    def other_projects(self) -> list[TableData]:
        """The unit's other project tables of the same year, as saved."""
        return [
            t
            for t in self._projects(self.year)
            if not (self.exclude_kind == "project" and t.pk == self.exclude_pk)
        ]

    def all_projects(self) -> list[TableData]:
        return self._projects(self.year)

    def _last_year_table(self, code: str, name: str) -> ProjectTable | None:
        if self.year is None:
            return None
        previous = self._tables(self.year - 1)
        return next((t for t in previous if code and t.code == code), None) or next(
            (t for t in previous if name and t.name == name), None
        )

    def last_year_project(self, code: str, name: str) -> TableData | None:
        """Last year's project of this code, else of this name; only its rows are read."""
        found = self._last_year_table(code, name)
        if found is None:
            return None
        key = ("last_year", found.pk)
        if key not in self._cache:
            self._cache[key] = self._as_other([found])[0]
        return self._cache[key]

    def carried_source(self, table: TableData) -> TableData | None:
        """Last year's table `table` was carried forward from, as saved (None if not carried)."""
        if table.carried_from is None:
            return None
        key = ("carried_from", table.kind, table.carried_from)
        if key not in self._cache:
            model = ProjectTable if table.kind == "project" else DepartmentTable
            source = (
                model.objects.filter(pk=table.carried_from)
                .select_related("unit", "year")
                .with_indicator_rows()
                .first()
            )
            trees = self._cache.setdefault("trees", {})
            self._cache[key] = from_table(source, trees) if source is not None else None
        return self._cache[key]


Rule = Callable[[TableData, dict, CheckContext], Iterable[Hit]]


def _finding(rule: CheckRule, hit: Hit) -> Finding:
    row = hit.row
    if row is not None:
        anchor = row.anchor
        input_name = row.input_name(hit.field or "name")
    else:
        anchor = f"field:{hit.field}" if hit.field else ""
        input_name = hit.field
    location = anchor or (f"row:{row.number}" if row else "table")
    return Finding(
        rule=rule.code,
        rule_name=rule.name,
        severity=rule.severity,
        message=hit.message,
        row=row.number if row else None,
        anchor=anchor,
        input=input_name,
        key=f"{rule.code}@{location}",
    )


def run_checks(
    table: TableData, *, context: CheckContext | None = None, rules: list[CheckRule] | None = None
) -> list[Finding]:
    """Every finding of the enabled rules, errors first, then by row."""
    from .registry import RULES

    context = context or CheckContext.for_table(table)
    if rules is None:
        rules = list(CheckRule.objects.filter(stage=Stage.TARGET, enabled=True))
    findings: list[Finding] = []
    for rule in rules:
        function = RULES.get(rule.code)
        if function is None or not rule.enabled:
            continue
        for hit in function(table, rule.params or {}, context):
            findings.append(_finding(rule, hit))
    # Two findings of one rule at one place (a block copied into two projects) get keys told
    # apart by their message, so an explanation stays with its finding when others change.
    seen: set[str] = set()
    unique = []
    for finding in findings:
        if finding.key in seen:
            digest = hashlib.sha1(finding.message.encode()).hexdigest()[:8]
            finding = Finding(**{**finding.__dict__, "key": f"{finding.key}#{digest}"})
        seen.add(finding.key)
        unique.append(finding)
    unique.sort(key=lambda f: (not f.is_error, f.row or 0))
    return unique


@dataclass
class Report:
    findings: list[Finding]

    @cached_property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @cached_property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]


def check_table(table) -> Report:
    """The findings for a saved table (project or department)."""
    return Report(run_checks(from_table(table)))
