"""Import a parsed workbook into a unit's year: preview (dry run) or apply, in one transaction.

The preview runs exactly what the confirmation runs — forms, formsets, the services of
`targets.services` with their locking, version checks and revisions — inside a transaction
that is then rolled back; so the preview shows every validation error, mapped back to its
sheet, row and column, and the real diff of each table. Nothing is written unless the whole
workbook goes through without an error.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.db import DatabaseError, transaction

from budgetapp.core.errors import TableError
from budgetapp.targets import services
from budgetapp.targets.models import DepartmentTable, ProjectTable, RevisionAction, TargetTable
from budgetapp.targets.snapshots import diff_snapshots, serialize_table
from budgetapp.units.access import can_file_for
from budgetapp.units.models import BudgetYear, Unit

from .outcome import Action, ImportResult, TableOutcome
from .parsed import ParsedTable, ParsedWorkbook, Problem, Severity, Source
from .plan import (
    LAYOUT_LABELS,
    FormData,
    build_form_data,
    find_existing,
    formset_classes,
    sort_key,
    table_form_class,
)
from .set_aside import entries_after_save, set_aside_values


class _Rollback(Exception):
    pass


def import_workbook(
    *,
    user: User,
    unit: Unit,
    year: int,
    parsed: ParsedWorkbook,
    dry_run: bool,
    expected_versions: dict[str, int | None] | None = None,
    ip: str | None = None,
) -> ImportResult:
    """Preview (`dry_run`) or apply the import. Each table stands on its own: a table with
    errors is refused (nothing of it written), the others are written, each by the services of
    `targets.services` (revision, old/new, `ip`). A value a draft cannot hold does not refuse
    its table (`set_aside.py`)."""
    result = ImportResult(problems=list(parsed.problems))
    budget_year = BudgetYear.objects.filter(year=year).select_related("framework").first()
    if budget_year is None:
        result.problems.append(Problem(f"预算年度 {year} 年尚未设置，请联系管理员。"))
        return result
    if not can_file_for(user, unit):
        result.problems.append(Problem("只有本单位的填报人可以导入本单位的表。"))
        return result
    try:
        services.check_open_for_writing(unit=unit, year=budget_year)
    except TableError as error:
        result.problems.append(Problem(str(error)))
        return result
    try:
        with transaction.atomic():
            _run(result, user, unit, budget_year, parsed, expected_versions, ip)
            if dry_run or not result.importable:
                raise _Rollback
    except _Rollback:
        result.applied = False
    else:
        result.applied = True
    return result


def _run(result, user, unit, budget_year, parsed, expected_versions, ip) -> None:
    lifetimes = {
        p["name"]: p["total"]
        for t in parsed.tables
        if t.kind == "department"
        for p in t.facts.get("projects", [])
        if p.get("total")
    }
    seen: dict[tuple, str] = {}
    next_sequence = ProjectTable.objects.filter(unit=unit, year=budget_year).count() + 1
    for table in sorted(parsed.tables, key=sort_key):
        outcome = TableOutcome(parsed=table, problems=list(table.problems))
        result.outcomes.append(outcome)
        _check_facts(outcome, unit, budget_year)
        duplicate = _duplicate(table, seen)
        if duplicate:
            outcome.problems.append(Problem(duplicate, Source(table.sheet, table.first_row)))
        if table.kind == "department" and table.layout != unit.layout:
            outcome.problems.append(
                Problem(
                    f"此工作表是{LAYOUT_LABELS.get(table.layout, table.layout)}版式的部门整体绩效目标，"
                    f"而本单位使用{LAYOUT_LABELS.get(unit.layout, unit.layout)}版式，不能导入。",
                    Source(table.sheet, table.first_row),
                )
            )
        if outcome.errors and table.kind == "department" and table.layout != unit.layout:
            continue
        existing = find_existing(table, unit, budget_year)
        if existing is not None:
            outcome.existing_pk, outcome.existing_version = existing.pk, existing.version
            if not existing.is_editable:
                outcome.problems.append(
                    Problem(
                        f"此表当前状态为“{existing.get_status_display()}”，不能通过导入修改。"
                        "如需修改，请先由审核人退回。",
                        Source(table.sheet, table.first_row),
                    )
                )
                continue
        if expected_versions is not None and expected_versions.get(outcome.key) != (
            existing.version if existing else None
        ):
            outcome.problems.append(
                Problem(
                    "预览之后，此表已被修改（或新建）。请重新上传文件，核对新的预览后再确认。",
                    Source(table.sheet, table.first_row),
                )
            )
            continue
        overrides = _overrides(table, existing, lifetimes, outcome)
        if table.kind == "project" and existing is None and "sequence" not in table.fields:
            overrides["sequence"] = str(next_sequence)
        if table.kind == "project" and existing is None:
            next_sequence += 1
        # A table with errors from reading is still validated, so every problem shows at once.
        _save(outcome, table, existing, user, unit, budget_year, overrides, ip)


def _duplicate(table: ParsedTable, seen: dict[tuple, str]) -> str:
    keys = []
    if table.kind == "department":
        keys.append(("department",))
    else:
        if table.fields.get("code"):
            keys.append(("code", table.fields["code"]))
        if table.fields.get("name"):
            keys.append(("name", table.fields["name"]))
    for key in keys:
        if key in seen:
            return (
                f"与工作表“{seen[key]}”是同一张表（项目编码或名称重复），同一文件中只能出现一次。"
            )
    for key in keys:
        seen[key] = table.sheet
    return ""


def _check_facts(outcome: TableOutcome, unit: Unit, budget_year: BudgetYear) -> None:
    table = outcome.parsed
    where = Source(table.sheet, table.first_row)
    stated_year = table.facts.get("year")
    if stated_year and stated_year != budget_year.year:
        outcome.problems.append(
            Problem(
                f"表头写的是 {stated_year} 年，而导入的是 {budget_year.year} 年，请确认年度。",
                where,
                Severity.WARNING,
            )
        )
    stated_unit = table.facts.get("unit_name") or table.facts.get("unit_caption") or ""
    if stated_unit and unit.name not in stated_unit and stated_unit not in unit.name:
        outcome.problems.append(
            Problem(
                f"表中的单位为“{stated_unit}”，与导入的单位“{unit.name}”不一致，请确认。",
                where,
                Severity.WARNING,
            )
        )


def _overrides(
    table: ParsedTable, existing: TargetTable | None, lifetimes: dict[str, str], outcome
) -> dict[str, str]:
    overrides: dict[str, str] = {}
    if not table.fields.get("money_unit"):
        if existing is None:
            overrides["money_unit"] = "万元"
            outcome.problems.append(
                Problem(
                    "未找到金额单位（如“单位：万元”），按万元导入。",
                    Source(table.sheet, table.first_row),
                    Severity.WARNING,
                )
            )
        else:
            overrides["money_unit"] = existing.money_unit
    if table.kind == "project" and table.fields.get("name") in lifetimes:
        # 项目总预算 from the Hubei 项目支出情况 list; equal to 预算数 it is what a blank prints.
        total = _decimal(lifetimes[table.fields["name"]])
        budget = _decimal(table.fields.get("budget_total", ""))
        stored = existing.lifetime_budget if isinstance(existing, ProjectTable) else None
        if total is not None and (total != budget or stored is not None):
            overrides["lifetime_budget"] = format(total, "f")
    return overrides


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def _bind(table, existing, unit, budget_year, overrides):
    if existing is not None:
        instance = existing
    elif table.kind == "project":
        instance = ProjectTable(unit=unit, year=budget_year, framework=budget_year.framework)
    else:
        instance = DepartmentTable(unit=unit, year=budget_year, framework=budget_year.framework)
    built = build_form_data(
        table,
        existing=existing,
        instance=instance,
        unit=unit,
        framework=instance.framework,
        overrides=overrides,
    )
    form = table_form_class(table, unit)(built.data, instance=instance)
    formsets = {
        prefix: cls(built.data, instance=instance, prefix=prefix, framework=instance.framework)
        for prefix, cls in formset_classes(table, unit).items()
    }
    return built, form, formsets


def _save(outcome, table, existing, user, unit, budget_year, overrides, ip) -> None:
    # Before binding: a bound ModelForm writes the cleaned values onto its instance.
    before = serialize_table(existing) if existing is not None else None
    stored_problems = list(existing.import_problems or []) if existing is not None else []
    built, form, formsets = _bind(table, existing, unit, budget_year, overrides)
    outcome.problems += built.problems
    valid = form.is_valid() & all([fs.is_valid() for fs in formsets.values()])
    aside = []
    if not valid:
        aside = set_aside_values(built, form, formsets)
        if aside:
            outcome.problems += [item.problem() for item in aside]
            form, formsets = _rebind(table, built, existing, unit, budget_year)
            valid = form.is_valid() & all([fs.is_valid() for fs in formsets.values()])
    if not valid or any(p.is_error for p in built.problems):
        _map_errors(outcome, table, built, form, formsets)
        if not outcome.errors:
            outcome.problems.append(Problem("此表未通过校验。", Source(table.sheet)))
        return
    if outcome.errors:
        return  # errors found while reading: validated, never saved
    try:
        with transaction.atomic():
            saved = _call_service(table, existing, user, unit, budget_year, form, formsets, ip)
            after = serialize_table(saved)
            diff = diff_snapshots(before, after) if before is not None else None
            entries = entries_after_save(aside, formsets)
            if before is not None and not diff:
                raise _Rollback  # nothing changed: no new version, no revision
            _record_set_aside(saved, entries)
    except _Rollback:
        outcome.action = Action.UNCHANGED
        outcome.saved_pk = existing.pk
        if entries != stored_problems:
            # Same content (the placeholder is what was stored) but the file's value is still
            # not stored: it stays on the record, never silently dropped.
            _record_set_aside(existing, entries)
        return
    except TableError as error:
        outcome.problems.append(Problem(str(error), Source(table.sheet, table.first_row)))
        return
    except DatabaseError:
        outcome.problems.append(
            Problem("保存此表时数据库出错，请稍后再试。", Source(table.sheet, table.first_row))
        )
        return
    outcome.action = Action.UPDATE if existing is not None else Action.CREATE
    outcome.saved_pk, outcome.diff, outcome.after = saved.pk, diff, after


def _record_set_aside(table: TargetTable, entries: list[dict]) -> None:
    """Keep the values the import could not store on the table, for the `import_value` check."""
    type(table).objects.filter(pk=table.pk).update(import_problems=entries)
    table.import_problems = entries


def _rebind(table, built: FormData, existing, unit, budget_year):
    """The forms bound again to `built.data` once values have been set aside."""
    instance = existing or (ProjectTable if table.kind == "project" else DepartmentTable)(
        unit=unit, year=budget_year, framework=budget_year.framework
    )
    form = table_form_class(table, unit)(built.data, instance=instance)
    formsets = {
        prefix: cls(built.data, instance=instance, prefix=prefix, framework=instance.framework)
        for prefix, cls in formset_classes(table, unit).items()
    }
    return form, formsets


def _call_service(table, existing, user, unit, budget_year, form, formsets, ip) -> TargetTable:
    rows = list(formsets.values())
    on_record = {
        "user": user,
        "form": form,
        "formsets": rows,
        "ip": ip,
        "action": RevisionAction.IMPORT,
    }
    if table.kind == "project":
        if existing is None:
            return services.create_project_table(unit=unit, year=budget_year, **on_record)
        return services.update_project_table(table=existing, **on_record)
    if existing is None:
        return services.create_department_table(unit=unit, year=budget_year, **on_record)
    return services.update_department_table(table=existing, **on_record)


def _map_errors(outcome: TableOutcome, table: ParsedTable, built: FormData, form, formsets) -> None:
    """Form errors → problems at the cell each field came from."""
    fallback = Source(table.sheet, table.first_row)
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None and field.label else ""
        for message in messages:
            outcome.problems.append(Problem(f"{label}{message}", built.sources.get(name, fallback)))
    for prefix, formset in formsets.items():
        rows = built.row_index.get(prefix, [])
        for message in formset.non_form_errors():
            outcome.problems.append(Problem(message, fallback))
        for index, form_errors in enumerate(formset.errors):
            row = rows[index] if index < len(rows) else None
            for name, messages in form_errors.items():
                field = formset.forms[index].fields.get(name)
                label = f"{field.label}：" if field is not None and field.label else ""
                where = (row.sources.get(name) or row.row_source) if row else None
                if name in ("level1", "level2") and any(
                    p.source == where and p.is_error for p in built.problems
                ):
                    continue  # already said: the category is not in the framework
                for message in messages:
                    outcome.problems.append(Problem(f"{label}{message}", where or fallback))
