"""From parsed tables to form data: which stored table each one is, and the POST it makes.

A parsed table is matched to the unit's tables of the year (a project by code, else by name;
the department table by unit and year). Its content becomes the POST body the editing page
would send, so the existing forms, formsets and services validate and save it. Rows are matched
to stored rows (by name, title or text, then by position) so a re-import changes rows in place
and the diff reads as field changes; fields the sheet does not print keep their stored value.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.forms import BaseFormSet, ModelForm

from budgetapp.core.text import clean_text, invalid_characters
from budgetapp.indicators.lookup import CategoryIndex
from budgetapp.indicators.models import Framework
from budgetapp.targets.forms import (
    DEPARTMENT_FORMSETS,
    DepartmentIndicatorFormSet,
    DepartmentMeasureFormSet,
    DepartmentSubGoalFormSet,
    DepartmentTaskFormSet,
    ProjectGoalFormSet,
    ProjectIndicatorFormSet,
    ProjectTableForm,
    department_form_class,
)
from budgetapp.targets.models import DepartmentTable, ProjectTable, TargetTable

from .parsed import ParsedRow, ParsedTable, Problem, Severity, Source

PROJECT_FORMSETS: dict[str, type[BaseFormSet]] = {
    "goals": ProjectGoalFormSet,
    "indicators": ProjectIndicatorFormSet,
}
DEPARTMENT_FORMSET_CLASSES: dict[str, type[BaseFormSet]] = {
    "sub_goals": DepartmentSubGoalFormSet,
    "measures": DepartmentMeasureFormSet,
    "tasks": DepartmentTaskFormSet,
    "indicators": DepartmentIndicatorFormSet,
}
# How a parsed row finds its stored row before falling back to position.
ROW_KEYS = {
    "goals": "text",
    "indicators": "name",
    "sub_goals": "title",
    "measures": "title",
    "tasks": "name",
}
LAYOUT_LABELS = {"hebei": "河北（文字）", "guangdong": "广东（表格）", "hubei": "湖北（表格）"}


def find_existing(parsed: ParsedTable, unit, year) -> TargetTable | None:
    if parsed.kind == "department":
        return DepartmentTable.objects.filter(unit=unit, year=year).first()
    tables = ProjectTable.objects.filter(unit=unit, year=year)
    code = parsed.fields.get("code", "").strip()
    if code:
        found = tables.filter(code=code).first()
        if found is not None:
            return found
    name = parsed.fields.get("name", "").strip()
    found = tables.filter(name=name).first() if name else None
    if found is not None and code and found.code and found.code != code:
        return None  # same name, another project code: not the same project
    return found


class CategoryResolver:
    """一级/二级 names as printed → the framework's categories (indicators.lookup)."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.index = CategoryIndex(framework.pk)


def _post_value(instance: models.Model | None, name: str) -> str:
    if instance is None:
        return ""
    try:
        field = instance._meta.get_field(name)
    except Exception:  # noqa: BLE001 — a form-only field (loaded_version)
        return ""
    if isinstance(field, models.ForeignKey):
        value = getattr(instance, field.attname)
    else:
        value = getattr(instance, name)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def match_rows(stored: list[models.Model], parsed: list[ParsedRow], key: str) -> list:
    """For each parsed row, the stored row it updates (or None); by key, then by position."""
    free = list(stored)
    matched: list[models.Model | None] = [None] * len(parsed)
    for i, row in enumerate(parsed):
        value = row.values.get(key, "")
        for candidate in free:
            if value and str(getattr(candidate, key)) == value:
                matched[i] = candidate
                free.remove(candidate)
                break
    for i in range(len(parsed)):
        if matched[i] is None and free:
            matched[i] = free.pop(0)
    return matched


class FormData:
    """The POST body for one table and, per bound field, the cell it came from."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.sources: dict[str, Source] = {}
        # What the cell showed, where it differs from the bound value (ParsedTable.typed).
        self.typed: dict[str, str] = {}
        self.problems: list[Problem] = []
        # Per formset prefix: the parsed row behind each form index (None for deletions).
        self.row_index: dict[str, list[ParsedRow | None]] = {}


def table_form_class(parsed: ParsedTable, unit) -> type[ModelForm]:
    return ProjectTableForm if parsed.kind == "project" else department_form_class(unit.layout)


def formset_classes(parsed: ParsedTable, unit) -> dict[str, type[BaseFormSet]]:
    if parsed.kind == "project":
        return PROJECT_FORMSETS
    return {key: DEPARTMENT_FORMSET_CLASSES[key] for key in DEPARTMENT_FORMSETS[unit.layout]}


def build_form_data(
    parsed: ParsedTable,
    *,
    existing: TargetTable | None,
    instance: TargetTable,
    unit,
    framework: Framework,
    overrides: dict[str, str] | None = None,
) -> FormData:
    out = FormData()
    form_class = table_form_class(parsed, unit)
    values = {**parsed.fields, **(overrides or {})}
    for name in form_class.base_fields:
        if name == "loaded_version":
            out.data[name] = str(existing.version) if existing else ""
        elif name in values:
            out.data[name] = _cleaned(out, values[name], parsed.sources.get(name))
            if name in parsed.sources:
                out.sources[name] = parsed.sources[name]
            if name in parsed.typed and name not in (overrides or {}):
                out.typed[name] = parsed.typed[name]
        else:
            out.data[name] = _post_value(existing or instance, name)
    resolver = CategoryResolver(framework)
    for prefix, formset_class in formset_classes(parsed, unit).items():
        _formset_data(out, parsed, prefix, formset_class, existing, resolver)
    return out


def _formset_data(
    out: FormData,
    parsed: ParsedTable,
    prefix: str,
    formset_class: type[BaseFormSet],
    existing: TargetTable | None,
    resolver: CategoryResolver,
) -> None:
    rows = parsed.rows.get(prefix, [])
    printed = set(parsed.printed_row_fields.get(prefix, []))
    stored = list(getattr(existing, prefix).all()) if existing is not None else []
    matched = match_rows(stored, rows, ROW_KEYS[prefix])
    leftovers = [row for row in stored if row not in matched]
    names = [
        n for n in formset_class.form.base_fields if n not in {"id", "DELETE", "table", "order"}
    ]
    forms: list[tuple[ParsedRow | None, models.Model | None, int]] = []
    forms += [(row, m, i) for i, (row, m) in enumerate(zip(rows, matched, strict=True)) if m]
    forms += [(None, m, 0) for m in leftovers]
    forms += [(row, None, i) for i, (row, m) in enumerate(zip(rows, matched, strict=True)) if not m]
    initial = sum(1 for _, m, _ in forms if m is not None)
    data = out.data
    data[f"{prefix}-TOTAL_FORMS"] = str(len(forms))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    out.row_index[prefix] = []
    for index, (row, stored_row, position) in enumerate(forms):
        key = f"{prefix}-{index}"
        out.row_index[prefix].append(row)
        if stored_row is not None:
            data[f"{key}-id"] = str(stored_row.pk)
            data[f"{key}-table"] = str(existing.pk)
        if row is None:
            data[f"{key}-DELETE"] = "on"
            data[f"{key}-order"] = str(stored_row.order)
            for name in names:
                data[f"{key}-{name}"] = _post_value(stored_row, name)
            continue
        data[f"{key}-order"] = str(position + 1)
        for name in names:
            if name in printed and name in row.values or (name == "goal_no" and name in row.values):
                value = row.values[name]
                value = _cleaned(out, value, row.sources.get(name) or row.row_source)
                if name in ("level1", "level2"):
                    value = _category_pk(out, row, name, value, resolver)
                data[f"{key}-{name}"] = value
            else:
                data[f"{key}-{name}"] = _post_value(stored_row, name)


def _cleaned(out: FormData, value: str, source: Source | None) -> str:
    """The value without characters XML cannot hold (core/text.py), with a warning at its cell:
    the forms would refuse them, and no export could print them."""
    found = invalid_characters(value)
    if not found:
        return value
    out.problems.append(
        Problem(
            f"已删除不可见的控制字符（{'、'.join(found[:5])}），其余内容照常导入。",
            source,
            Severity.WARNING,
        )
    )
    return clean_text(value)


def _category_pk(out: FormData, row: ParsedRow, name: str, value: str, resolver) -> str:
    if not value:
        return ""
    if name == "level1":
        category = resolver.index.level1(value)
        row.values["_level1_pk"] = str(category.pk) if category else ""
    else:
        level1_pk = row.values.get("_level1_pk")
        level1 = resolver.index.by_pk.get(int(level1_pk)) if level1_pk else None
        category = resolver.index.level2(value, under=level1)
    if category is None:
        level = "一级" if name == "level1" else "二级"
        out.problems.append(
            Problem(
                f"{level}指标“{value}”不在本表的指标体系（{resolver.framework.name}）中。",
                row.sources.get(name) or row.row_source,
            )
        )
        return ""
    return str(category.pk)


def sort_key(parsed: ParsedTable) -> int:
    """Department first, as the book prints it."""
    return 0 if parsed.kind == "department" else 1
