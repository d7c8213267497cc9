"""A plain-data view of a table, so the same rules run on a saved table and on unsaved input.

`from_table` reads a saved table; `from_forms` reads the bound editor form and formsets (what
the filer typed, before saving). Values that do not validate yet are read as missing, so a
half-typed page still gets its findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.forms import BaseFormSet, ModelForm

from budgetapp.indicators.models import Category
from budgetapp.indicators.values import ParsedTarget, parse_target
from budgetapp.targets import import_problems
from budgetapp.targets.models import TargetTable

PLAN_FIELDS = [
    ("plan_march", "3月底"),
    ("plan_june", "6月底"),
    ("plan_october", "10月底"),
    ("plan_december", "12月底"),
]
_ROW_TEXT = ["name", "description", "target", "basis", "value_prev1", "value_prev2"]
# The department's current income/expense amounts (its "budget" as far as carrying goes).
MIX_FIELDS = [
    ("expense_basic", "基本支出"),
    ("expense_project", "项目支出"),
    ("income_fiscal", "财政拨款"),
    ("income_other", "其他资金"),
]


@dataclass
class RowData:
    number: int  # 1-based position in the indicator table, as the filer sees it
    name: str = ""
    description: str = ""
    target: str = ""
    basis: str = ""
    value_prev1: str = ""
    value_prev2: str = ""
    level1: str = ""
    level2: str = ""
    level2_parent: str = ""
    pk: int | None = None
    prefix: str = ""  # the editor's form prefix, e.g. "indicators-3"

    @property
    def parsed(self) -> ParsedTarget:
        return parse_target(self.target)

    @property
    def anchor(self) -> str:
        return f"indicator:{self.pk}" if self.pk else ""

    def input_name(self, field_name: str) -> str:
        return f"{self.prefix}-{field_name}" if self.prefix else ""

    @property
    def label(self) -> str:
        return f"第 {self.number} 行“{self.name}”" if self.name else f"第 {self.number} 行"


@dataclass
class TableData:
    kind: str  # "project" or "department"
    pk: int | None
    unit_id: int | None
    year: int | None
    money_unit: str
    framework_id: int | None
    name: str = ""
    code: str = ""
    layout: str = ""
    budget_total: Decimal | None = None
    budget_fiscal: Decimal | None = None
    budget_other: Decimal | None = None
    plan: dict[str, Decimal | None] = field(default_factory=dict)
    expense_project: Decimal | None = None
    rows: list[RowData] = field(default_factory=list)
    # 一级 name → its 二级 names, for the table's framework, in framework order.
    tree: dict[str, list[str]] = field(default_factory=dict)
    # The department's current income/expense amounts (MIX_FIELDS).
    mix: dict[str, Decimal | None] = field(default_factory=dict)
    # Last year's table this one was carried forward from (结转上年), if any.
    carried_from: int | None = None
    # Values an import could not store (targets.import_problems), still unfixed.
    import_problems: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.kind == "department":
            return "部门整体绩效目标"
        return self.name or "（未命名项目）"


def framework_tree(framework_id: int | None, trees: dict | None = None) -> dict[str, list[str]]:
    """一级 name -> its 二级 names, in order (one query; `trees` keeps them by framework)."""
    if trees is not None and framework_id in trees:
        return trees[framework_id]
    tree: dict[str, list[str]] = {}
    if framework_id is not None:
        # Plain values (every editor and table page reads a framework's ~30 categories).
        tree = tree_of(
            Category.objects.filter(framework_id=framework_id).values_list(
                "pk", "order", "name", "parent_id", "parent__name"
            )
        )
    if trees is not None:
        trees[framework_id] = tree
    return tree


def tree_of(categories: Iterable[tuple[int, int, str, int | None, str | None]]) -> dict:
    """The tree of `framework_tree` from a framework's categories as (pk, order, name,
    parent_id, parent's name): the 一级 in (order, pk), then each 二级 under its 一级."""
    ordered = sorted(categories, key=lambda c: (c[1], c[0]))
    tree: dict[str, list[str]] = {}
    for _, _, name, parent_id, _ in ordered:
        if parent_id is None:
            tree.setdefault(name, [])
    for _, _, name, parent_id, parent_name in ordered:
        if parent_id is not None:
            tree.setdefault(parent_name or "", []).append(name)
    return tree


def _names(level1: Category | None, level2: Category | None) -> dict[str, str]:
    return {
        "level1": level1.name if level1 else "",
        "level2": level2.name if level2 else "",
        "level2_parent": level2.parent.name if level2 and level2.parent_id else "",
    }


def _base(
    table: TargetTable, trees: dict | None = None, *, with_tree: bool = True, **values
) -> TableData:
    return TableData(
        kind=table.kind,
        pk=table.pk,
        unit_id=table.unit_id,
        year=table.year.year if table.year_id else None,
        money_unit=values.pop("money_unit", table.money_unit),
        framework_id=table.framework_id,
        layout=table.unit.layout if table.kind == "department" and table.unit_id else "",
        tree=framework_tree(table.framework_id, trees) if with_tree else {},
        carried_from=table.carried_from_id,
        **values,
    )


# What the cross-table rules read of another table's rows (rules/rows.py: a block copied from
# another project compares names and descriptions; last year's target is found by name).
OTHER_ROW_TEXT = ("name", "description", "target")


def row_texts_of_tables(model, table_ids: list[int]) -> dict[int, list[RowData]]:
    """The rows of the unit's other tables as the cross-table rules read them: `OTHER_ROW_TEXT`
    only, no categories (one query). The 智能审核 reads all of a unit's projects on every editor
    and table page: 16 tables of some 250 rows."""
    rows_model = model._meta.get_field("indicators").related_model
    values = (
        rows_model.objects.filter(table_id__in=table_ids)
        .order_by("table_id", *rows_model._meta.ordering)
        .values_list("table_id", "pk", *OTHER_ROW_TEXT)
    )
    found: dict[int, list[RowData]] = {pk: [] for pk in table_ids}
    for table_id, pk, name, description, target in values:
        rows = found[table_id]
        rows.append(
            RowData(
                number=len(rows) + 1,
                pk=pk,
                name=name,
                description=description,
                target=target,
                prefix=f"indicators-{len(rows)}",
            )
        )
    return found


def from_table(
    table: TargetTable,
    trees: dict | None = None,
    rows: list[RowData] | None = None,
    *,
    with_tree: bool = True,
) -> TableData:
    """The saved table as the rules see it (its rows prefetched with it are used as they are;
    `trees` shares the frameworks' category trees between tables; `rows`: read already by
    `row_texts_of_tables`; `with_tree=False`: without its framework's tree, as another table of
    the unit, which the rules compare with, needs none)."""
    values: dict = {}
    if table.kind == "project":
        values = {
            "name": table.name,
            "code": table.code,
            "budget_total": table.budget_total,
            "budget_fiscal": table.budget_fiscal,
            "budget_other": table.budget_other,
            "plan": {name: getattr(table, name) for name, _ in PLAN_FIELDS},
        }
    else:
        values = {
            "expense_project": table.expense_project,
            "mix": {name: getattr(table, name) for name, _ in MIX_FIELDS},
        }
    data = _base(table, trees, with_tree=with_tree, **values)
    data.import_problems = list(table.import_problems or [])
    if rows is not None:
        data.rows = rows
        return data
    for index, row in enumerate(table.indicator_rows()):
        data.rows.append(
            RowData(
                number=index + 1,
                pk=row.pk,
                prefix=f"indicators-{index}",
                **{name: getattr(row, name) for name in _ROW_TEXT},
                **_names(row.level1, row.level2),
            )
        )
    return data


def _value(form: ModelForm, name: str):
    """The cleaned value if the field validated; the raw text for text fields; else None."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    if name in cleaned:
        return cleaned[name]
    if name in _ROW_TEXT and form.is_bound:
        raw = form.data.get(form.add_prefix(name))
        return raw if isinstance(raw, str) else None
    return None


def from_forms(form: ModelForm, formsets: list[BaseFormSet], table: TargetTable) -> TableData:
    """What the filer typed in the editor (bound form and formsets), saved or not."""
    form.is_valid()
    values: dict = {}
    if table.kind == "project":
        values = {
            "name": _value(form, "name") or "",
            "code": _value(form, "code") or "",
            "budget_total": _value(form, "budget_total"),
            "budget_fiscal": _value(form, "budget_fiscal") or Decimal("0"),
            "budget_other": _value(form, "budget_other") or Decimal("0"),
            "plan": {name: _value(form, name) for name, _ in PLAN_FIELDS},
        }
    else:
        mix = {
            name: _value(form, name) if name in form.fields else getattr(table, name)
            for name, _ in MIX_FIELDS
        }
        values = {"expense_project": mix["expense_project"], "mix": mix}
    money_unit = _value(form, "money_unit") or table.money_unit
    data = _base(table, money_unit=money_unit, **values)
    data.import_problems = import_problems.remaining(table.import_problems, form, formsets)
    for formset in formsets:
        if formset.prefix == "indicators":
            data.rows = _rows_from_formset(formset)
    return data


def _rows_from_formset(formset: BaseFormSet) -> list[RowData]:
    formset.is_valid()
    kept = []
    for index, row_form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(row_form):
            continue
        if not row_form.has_changed() and row_form.instance.pk is None:
            continue
        order = _value(row_form, "order")
        goal_no = _value(row_form, "goal_no") if "goal_no" in row_form.fields else 0
        kept.append((goal_no or 0, order or 0, index, row_form))
    kept.sort(key=lambda item: item[:3])
    rows = []
    for number, (_, _, _, row_form) in enumerate(kept, 1):
        level1, level2 = _value(row_form, "level1"), _value(row_form, "level2")
        rows.append(
            RowData(
                number=number,
                pk=row_form.instance.pk,
                prefix=row_form.prefix,
                **{
                    name: (_value(row_form, name) or "")
                    if name in row_form.fields
                    else getattr(row_form.instance, name, "")
                    for name in _ROW_TEXT
                },
                **_names(
                    level1 if isinstance(level1, Category) else None,
                    level2 if isinstance(level2, Category) else None,
                ),
            )
        )
    return rows
