"""Carry forward (结转上年): start a unit's new budget year from last year's tables.

`plan_carry_forward` says what would be copied and what is skipped (a table that already exists
in the new year is never overwritten or duplicated: projects match by code, else by name).
`carry_forward` copies the chosen tables as new drafts of the new year and records where each
came from (`carried_from`), so the editor can remind the filer what still holds last year's
figures. Nothing is copied silently: the plan and the result are shown to the filer.

Decisions (docs/carry-forward.md):
- every indicator row gets 上年 = last year's target and 前年 = last year's 上年; the new target
  starts as last year's target so the filer edits instead of retyping (the editor shows 上年
  and 前年 beside it and a banner asks to review every figure);
- budget figures, the spending plan and task amounts are copied as they were last year (上年数,
  to be updated); the department's income/expense mix shifts one year (current → 上年,
  上年 → 前年); its current amounts stay blank in the Hubei layout, which prints 上年 beside
  them, and hold last year's figures elsewhere;
- when the new year uses another indicator framework, categories are mapped by name; rows
  that cannot be placed are left out and listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.indicators.lookup import CategoryIndex
from budgetapp.indicators.models import Category, Framework
from budgetapp.units.access import can_file_for
from budgetapp.units.models import BudgetYear, LayoutFamily, Unit

from .models import DepartmentTable, ProjectTable, RevisionAction, TargetTable
from .models.base import IndicatorRow
from .revisions import record_revision
from .services import check_open_for_writing
from .snapshots import (
    DEPARTMENT_FIELDS,
    PROJECT_FIELDS,
    ROW_FIELDS,
    ROW_SECTIONS,
    SECTION_LABELS,
)

DEPARTMENT_KEY = "department"
# The department's income/expense mix: the current amount and its two previous years.
MIX_FIELDS = ["expense_basic", "expense_project", "income_fiscal", "income_other"]
_MIX_ALL = {f"{name}{suffix}" for name in MIX_FIELDS for suffix in ("", "_prev1", "_prev2")}


def project_key(table: ProjectTable) -> str:
    return f"project:{table.pk}"


class CategoryMap:
    """Places last year's 一级/二级 in the new year's framework, by category name."""

    def __init__(self, source: Framework, target: Framework) -> None:
        self.same = source.pk == target.pk
        self.index = CategoryIndex(target.pk)

    def place(
        self, level1: Category, level2: Category | None
    ) -> tuple[Category, Category | None, str] | None:
        """(一级, 二级, note for the filer or ""); None when the row has no place at all."""
        if self.same:
            return level1, level2, ""
        new1 = self.index.level1(level1.name)
        if level2 is None:
            return (new1, None, "") if new1 else None
        if new1 is not None:
            # A 二级 published under another 一级 stays as published; the checks flag it.
            same_name = self.index.level2(level2.name, under=new1)
            if same_name is not None:
                return new1, same_name, ""
            moved = self.index.level1(level2.name)
            if moved is not None:
                return moved, None, f"“{level2.name}”在新指标体系中是一级指标，请选择二级指标"
            return new1, None, f"新指标体系没有二级指标“{level2.name}”，请重新选择"
        as_level2 = self.index.level2(level1.name)
        if as_level2 is not None:
            parent = as_level2.parent
            return parent, as_level2, f"“{level1.name}”在新指标体系中归入“{parent.name}”"
        return None


@dataclass
class TableCarry:
    """One of last year's tables: what carrying it forward copies, or why it is skipped."""

    key: str
    kind: str  # "project" or "department"
    source: TargetTable
    title: str
    # (section label, rows copied), sections without rows left out
    counts: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows whose category was re-placed
    dropped: list[str] = field(default_factory=list)  # rows that cannot be copied
    reason: str = ""  # why it is skipped
    existing: TargetTable | None = None


@dataclass
class CarryPlan:
    unit: Unit
    from_year: int
    to_year: int
    budget_year: BudgetYear | None
    tables: list[TableCarry] = field(default_factory=list)
    skipped: list[TableCarry] = field(default_factory=list)
    problem: str = ""  # why nothing can be carried at all

    @property
    def has_work(self) -> bool:
        return not self.problem and bool(self.tables)


@dataclass
class CarryResult:
    created: list[tuple[TableCarry, TargetTable]] = field(default_factory=list)
    skipped: list[TableCarry] = field(default_factory=list)


def _row_label(section: str, position: int, row) -> str:
    return f"{SECTION_LABELS[section]}第{position}行“{row.name}”"


def _describe(item: TableCarry, mapper: CategoryMap) -> None:
    """Fill in the rows to copy per section and the rows whose category must change."""
    source = item.source
    if isinstance(source, ProjectTable) and f"{source.year.year}年" in source.name:
        item.notes.append(f"项目名称含“{source.year.year}年”，结转后请按新年度改名")
    for section in ROW_SECTIONS[type(item.source)]:
        manager = getattr(item.source, section)
        rows = list(
            manager.select_related("level1", "level2") if section == "indicators" else manager.all()
        )
        dropped = 0
        if section == "indicators":
            for position, row in enumerate(rows, 1):
                placed = mapper.place(row.level1, row.level2)
                if placed is None:
                    dropped += 1
                    item.dropped.append(
                        f"{_row_label(section, position, row)}：新指标体系中没有"
                        f"“{row.level1.name}”，未结转"
                    )
                elif placed[2]:
                    item.notes.append(f"{_row_label(section, position, row)}：{placed[2]}")
        if len(rows) > dropped:
            item.counts.append((SECTION_LABELS[section], len(rows) - dropped))


def _table_carry(source: TargetTable) -> TableCarry:
    if isinstance(source, ProjectTable):
        return TableCarry(project_key(source), "project", source, source.title)
    return TableCarry(DEPARTMENT_KEY, "department", source, "部门整体绩效目标")


def carried_summary(table: TargetTable) -> TableCarry | None:
    """For a table started by carry-forward: its source, the rows it holds now and the rows
    whose category had to be re-placed or left out (shown on the result page)."""
    source = table.carried_from
    if source is None:
        return None
    item = _table_carry(source)
    _describe(item, CategoryMap(source.framework, table.framework))
    counts = [(SECTION_LABELS[s], getattr(table, s).count()) for s in ROW_SECTIONS[type(table)]]
    item.counts = [(label, count) for label, count in counts if count]
    item.existing = table
    return item


def _year_problem(from_year: int, to_year: int, target: BudgetYear | None) -> str:
    if from_year >= to_year:
        return "只能把较早年度的表结转到较晚的年度。"
    if target is None:
        return f"{to_year}年预算年度尚未设置，请联系管理员添加后再结转。"
    if not target.is_open:
        return f"{to_year}年预算年度未开放填报，不能结转。"
    return ""


def plan_carry_forward(
    *, unit: Unit, from_year: int, to_year: int, describe: bool = True
) -> CarryPlan:
    """What carrying `unit`'s tables of `from_year` into `to_year` would copy and skip
    (`describe=False` leaves out the row counts and category notes: a cheap "anything to do?")."""
    target = BudgetYear.objects.filter(year=to_year).select_related("framework").first()
    plan = CarryPlan(unit, from_year, to_year, target)
    plan.problem = _year_problem(from_year, to_year, target)
    department = (
        DepartmentTable.objects.filter(unit=unit, year__year=from_year)
        .select_related("framework", "year", "unit")
        .first()
    )
    projects = list(
        ProjectTable.objects.filter(unit=unit, year__year=from_year)
        .select_related("framework", "year", "unit")
        .order_by("sequence", "pk")
    )
    if department is None and not projects:
        plan.problem = plan.problem or f"{from_year}年本单位没有可结转的表。"
        return plan
    if target is None:
        return plan
    existing_department = DepartmentTable.objects.filter(unit=unit, year=target).first()
    existing = list(ProjectTable.objects.filter(unit=unit, year=target))
    by_code = {t.code: t for t in existing if t.code}
    by_name = {t.name: t for t in existing}
    mappers: dict[int, CategoryMap] = {}

    def add(item: TableCarry) -> None:
        if item.existing is not None:
            plan.skipped.append(item)
            return
        plan.tables.append(item)
        if not describe:
            return
        source_framework = item.source.framework
        if source_framework.pk not in mappers:
            mappers[source_framework.pk] = CategoryMap(source_framework, target.framework)
        _describe(item, mappers[source_framework.pk])

    if department is not None:
        item = _table_carry(department)
        if existing_department is not None:
            item.existing = existing_department
            item.reason = f"{to_year}年已有部门整体绩效目标，不覆盖"
        add(item)
    for project in projects:
        item = _table_carry(project)
        if project.code and project.code in by_code:
            item.existing = by_code[project.code]
            item.reason = f"{to_year}年已有项目编码相同的表“{item.existing.name}”，不重复结转"
        elif project.name in by_name:
            item.existing = by_name[project.name]
            item.reason = f"{to_year}年已有同名项目的表，不重复结转"
        add(item)
    return plan


def _carried_row(model, row: IndicatorRow, mapper: CategoryMap, **links) -> IndicatorRow | None:
    placed = mapper.place(row.level1, row.level2)
    if placed is None:
        return None
    level1, level2, _ = placed
    extra = {"goal_no": row.goal_no} if hasattr(row, "goal_no") else {}
    new = model(
        **links,
        **extra,
        order=row.order,
        level1=level1,
        level2=level2,
        name=row.name,
        description=row.description,
        basis=row.basis,
        # Last year's target is this year's 上年 and the starting point of the new target.
        target=row.target,
        value_prev1=row.target,
        value_prev2=row.value_prev1,
    )
    new.refresh_parsed_target()
    return new


def _copy_rows(source: TargetTable, table: TargetTable, mapper: CategoryMap) -> None:
    for section in ROW_SECTIONS[type(source)]:
        manager = getattr(source, section)
        model = manager.model
        if section == "indicators":
            rows = manager.select_related("level1", "level2")
            new_rows = [_carried_row(model, row, mapper, table=table) for row in rows]
            model.objects.bulk_create(row for row in new_rows if row is not None)
            continue
        model.objects.bulk_create(
            model(table=table, order=row.order, **{n: getattr(row, n) for n in ROW_FIELDS[section]})
            for row in manager.all()
        )


def _new_table(source: TargetTable, year: BudgetYear, user: User, values: dict) -> TargetTable:
    table = type(source)(
        unit=source.unit,
        year=year,
        framework=year.framework,
        updated_by=user,
        carried_from=source,
        **values,
    )
    table.save()
    return table


def _project_values(source: ProjectTable, sequence: int) -> dict:
    values = {name: getattr(source, name) for name in PROJECT_FIELDS if name != "sequence"}
    return values | {"sequence": sequence}


def _department_values(source: DepartmentTable) -> dict:
    values = {name: getattr(source, name) for name in DEPARTMENT_FIELDS if name not in _MIX_ALL}
    for name in MIX_FIELDS:
        values[f"{name}_prev2"] = getattr(source, f"{name}_prev1")
        values[f"{name}_prev1"] = getattr(source, name)
        # Hubei prints 上年 beside the current amount, so it starts blank there.
        hubei = source.unit.layout == LayoutFamily.HUBEI
        values[name] = None if hubei else getattr(source, name)
    return values


@transaction.atomic
def carry_forward(
    *,
    user: User,
    unit: Unit,
    from_year: int,
    to_year: int,
    selection: set[str] | list[str] | None = None,
    ip: str | None = None,
) -> CarryResult:
    """Copy the chosen tables (all by default) of `from_year` into `to_year` as new drafts."""
    if not can_file_for(user, unit):
        raise NotAllowed("只有本单位的填报人可以结转本单位的表。")
    # One carry at a time per unit, so a double click cannot copy a table twice.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    plan = plan_carry_forward(unit=unit, from_year=from_year, to_year=to_year)
    if plan.problem:
        raise TableError(plan.problem)
    check_open_for_writing(unit=unit, year=plan.budget_year)
    chosen = set(selection) if selection is not None else None
    if chosen is not None and not chosen:
        raise TableError("请至少选择一张要结转的表。")
    year = plan.budget_year
    result = CarryResult(skipped=[s for s in plan.skipped if chosen is None or s.key in chosen])
    chosen_items = [t for t in plan.tables if chosen is None or t.key in chosen]
    try:
        with transaction.atomic():
            result.created = _copy_tables(chosen_items, unit=unit, year=year, user=user, ip=ip)
    except IntegrityError:
        # Someone saved a table of the same project in the new year at this very moment.
        raise TableError("结转时本单位有表被同时新建，请刷新页面后重新结转。") from None
    return result


def _copy_tables(
    items: list[TableCarry], *, unit: Unit, year: BudgetYear, user: User, ip: str | None
) -> list[tuple[TableCarry, TargetTable]]:
    created = []
    used = set(ProjectTable.objects.filter(unit=unit, year=year).values_list("sequence", flat=True))
    for item in items:
        mapper = CategoryMap(item.source.framework, year.framework)
        if isinstance(item.source, ProjectTable):
            sequence = item.source.sequence
            if sequence in used:
                sequence = max(used) + 1
            used.add(sequence)
            table = _new_table(item.source, year, user, _project_values(item.source, sequence))
        else:
            table = _new_table(item.source, year, user, _department_values(item.source))
        _copy_rows(item.source, table, mapper)
        # The table's first version on the record, as if saved from the editor.
        record_revision(table, user=user, action=RevisionAction.CARRY, ip=ip)
        created.append((item, table))
    return created


def carry_offer(
    *, unit: Unit, year: int, budget_years: Iterable[BudgetYear] | None = None
) -> tuple[int, int] | None:
    """The carry-forward worth offering on the home page while `year` is shown: last year into
    `year`, else `year` into the next one; only while something is left to copy. The same
    answer as `plan_carry_forward(...).has_work` (an open new year, and a table of the old one
    without its counterpart: a department table, a project of the same code or name), read in
    one query instead of the plans' eight; `budget_years`, the years the page has read
    already, saves the query for which are open."""
    pairs = [(year - 1, year), (year, year + 1)]
    if budget_years is None:
        budget_years = BudgetYear.objects.filter(year__in=[to_year for _, to_year in pairs])
    open_years = {budget_year.year for budget_year in budget_years if budget_year.is_open}
    pairs = [(from_year, to_year) for from_year, to_year in pairs if to_year in open_years]
    if not pairs:
        return None
    years = {y for pair in pairs for y in pair}
    # The unit's tables of those years in one query: a department table as a row without code
    # and name (a project always has a name).
    none = Value(None, output_field=CharField())
    rows = (
        ProjectTable.objects.filter(unit=unit, year__year__in=years)
        .order_by()
        .values_list("year__year", "code", "name")
        .union(
            DepartmentTable.objects.filter(unit=unit, year__year__in=years)
            .order_by()
            .values_list("year__year", none, none),
            all=True,
        )
    )
    departments: set[int] = set()
    projects: dict[int, list[tuple[str, str]]] = {y: [] for y in years}
    for table_year, code, name in rows:
        if name is None:
            departments.add(table_year)
        else:
            projects[table_year].append((code, name))
    for from_year, to_year in pairs:
        codes = {code for code, _ in projects[to_year] if code}
        names = {name for _, name in projects[to_year]}
        if (from_year in departments and to_year not in departments) or any(
            code not in codes and name not in names for code, name in projects[from_year]
        ):
            return from_year, to_year
    return None
