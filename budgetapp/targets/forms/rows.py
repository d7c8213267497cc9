"""Inline formsets for the rows that repeat: goals, indicators, tasks, paragraphs.

Rows are added, removed and reordered in the page (static/js/formset.js); the `order` field is
a hidden input the script renumbers, and deletion is the formset's DELETE flag.
"""

from __future__ import annotations

import copy
from functools import cached_property
from typing import ClassVar

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from budgetapp.indicators.models import Category, Framework

from ..models import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
)
from ..models.base import INDICATOR_RELATED
from ..saved_rows import as_read
from .choices import CategoryChoices, ListedObjectField
from .copying import copy_fields_fast
from .fields import MoneyField, WholeNumberField, guard_text_fields
from .row_ids import RowIdFields
from .uniqueness import RowsUniqueById, unique_only_by_id
from .widgets import speed_up

_TEXTAREA_SMALL = forms.Textarea(attrs={"rows": 2})


class RowForm(forms.ModelForm):
    """A formset row; `order` travels as a hidden input maintained by the page script."""

    # True on a class whose own `base_fields` `prepare_class` prepared.
    fields_prepared: ClassVar[bool] = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not type(self).__dict__.get("fields_prepared", False):
            self.prepare_fields(self.fields)

    @classmethod
    def prepare_fields(cls, fields: dict[str, forms.Field]) -> None:
        """What every row form of this class changes in its fields: the same for each row, so a
        formset's form class does it once to its `base_fields` (`prepare_class`), which each
        form copies (issue 17); a form of a class not prepared so does it to its own fields."""
        fields["order"].widget = forms.HiddenInput(attrs={"data-role": "order"})
        fields["order"].required = False
        guard_text_fields(fields)
        for field in fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    @classmethod
    def prepare_class(cls) -> None:
        """Prepare this class's own `base_fields` (copies: the declared fields are shared with
        its bases and the other classes made from them), once for all its forms."""
        prepared = {name: copy.deepcopy(field) for name, field in cls.base_fields.items()}
        cls.prepare_fields(prepared)
        cls.base_fields = prepared
        cls.fields_prepared = True

    def full_clean(self) -> None:
        super().full_clean()
        # Mark the inputs with errors so Bootstrap draws them red next to their message.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    # Set by the formset when it moved this row to keep the rows grouped: the row must then be
    # saved even if nothing typed in it changed.
    regrouped = False

    def has_changed(self) -> bool:
        # The page script numbers every row, so a row added and left blank still carries an
        # order; it is empty all the same and must be skipped, not reported as incomplete.
        # A saved row whose order changed was moved (↑/↓): that must be saved.
        changed = self.changed_data
        if self.instance.pk is not None and "order" in changed:
            return True
        return self.regrouped or any(name != "order" for name in changed)

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0

    def validate_unique(self) -> None:
        # Nothing to ask the database for a row unique by its id alone (uniqueness.py); the
        # formset's checks across its rows are its own and stay.
        instance = self.instance
        if unique_only_by_id(type(instance)) and (
            not instance._state.adding or instance.pk is None
        ):
            return
        super().validate_unique()


class IndicatorRowForm(RowForm):
    """An indicator row; 一级/二级 are limited to the table's indicator framework.

    They are declared here rather than generated from the model, so the model does not check
    each of them again with a query (choices.py); `clean` puts them on the row."""

    level1 = ListedObjectField(widget=forms.Select, label="一级指标")
    level2 = ListedObjectField(widget=forms.Select, label="二级指标", required=False)

    def __init__(
        self,
        *args,
        framework: Framework | None = None,
        categories: CategoryChoices | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories or CategoryChoices.read(framework)
        level1 = self.fields["level1"]
        level2 = self.fields["level2"]
        level1.offer(self.categories.level1_by_key, self.categories.level1_choices)
        level2.offer(self.categories.level2_by_key, self.categories.level2_choices)
        for name in ("level1", "level2"):
            if name not in self.initial and self.instance.pk:
                self.initial[name] = getattr(self.instance, f"{name}_id")

    @classmethod
    def prepare_fields(cls, fields: dict[str, forms.Field]) -> None:
        super().prepare_fields(fields)
        level1 = fields["level1"]
        level2 = fields["level2"]
        level1.error_messages["required"] = "请选择一级指标。"
        level1.error_messages["invalid_choice"] = "所选一级指标不属于本表的指标体系。"
        level2.error_messages["invalid_choice"] = "所选二级指标不属于本表的指标体系。"
        # The page script filters 二级 options by the chosen 一级 using this attribute.
        level2.widget.attrs["data-role"] = "level2"
        level1.widget.attrs["data-role"] = "level1"
        fields["name"].error_messages["required"] = "请填写三级指标名称。"
        if "goal_no" in fields:
            # 年度目标 N (Hubei): a row left blank belongs to the first goal, as the model says.
            fields["goal_no"].required = False

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("level1", "level2"):
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        return cleaned

    def clean_goal_no(self) -> int:
        goal_no = self.cleaned_data.get("goal_no")
        if goal_no is None:
            return 1
        if goal_no < 1:
            raise forms.ValidationError("年度目标的序号从 1 开始。")
        return goal_no

    def level2_parents(self) -> dict[int, int]:
        return self.categories.level2_parents()


def _goal_no(form: forms.Form) -> int:
    if "goal_no" in form.cleaned_data:
        return form.cleaned_data["goal_no"]
    return getattr(form.instance, "goal_no", 0) or 0


_LAST = (1 << 31,)


def _category_key(form: forms.Form) -> tuple:
    """Where a row's 一级/二级 come in the framework: 一级 by its order; under it the rows
    without 二级, then its own 二级 by their order, then a 二级 of another 一级 (published
    tables have them, e.g. 满意度指标 / 质量指标 in seed 004)."""
    level1: Category | None = form.cleaned_data.get("level1")
    level2: Category | None = form.cleaned_data.get("level2")
    first = (level1.order, level1.pk) if level1 is not None else _LAST
    if level2 is None:
        second: tuple = (0,)
    else:
        native = level1 is not None and level2.parent_id == level1.pk
        second = (1 if native else 2, level2.order, level2.pk)
    return first, second


class BaseRowFormSet(BaseInlineFormSet, RowsUniqueById, RowIdFields):
    """Passes the table's framework to each indicator form and orders saved rows."""

    default_error_messages = {
        "missing_management_form": (
            "页面数据不完整（缺少行数信息 %(field_names)s），可能是页面未加载完整。"
            "请复制您填写的内容，刷新页面后重新保存。"
        ),
        "too_many_forms": "行数过多：最多 %(num)d 行。",
        "too_few_forms": "至少需要 %(num)d 行。",
    }

    def __init__(
        self, *args, framework: Framework | None = None, regroup: bool = False, **kwargs
    ) -> None:
        """`regroup`: put indicator rows back in 一级/二级 groups on validation (the editor
        asks for it; an import keeps a published table's rows as published)."""
        self.framework = framework
        self.regroup = regroup
        # Its queryset is every row of the table (`saved_rows`).
        self.reads_every_row = kwargs.get("queryset") is None and not kwargs.get("save_as_new")
        super().__init__(*args, **kwargs)

    # True after validation when the indicator rows were put back in 一级/二级 groups.
    regrouped = False

    def clean(self) -> None:
        super().clean()
        if self.regroup and issubclass(self.form, IndicatorRowForm):
            self.regrouped = self._group_indicator_rows()

    def _group_indicator_rows(self) -> bool:
        """Keep indicator rows grouped by 一级, then 二级, in the framework's category order.

        The official tables merge the 一级/二级 cells of consecutive rows; a row added at the
        end under an 一级 that already appears above would print as a second 产出指标 block
        (issue 12). A stable sort keeps the filer's order inside each group; the Hubei rows stay
        under their 年度目标 first. Rows are renumbered only when something moved.
        """
        if any(form.errors for form in self.forms):
            return False
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]
        shown = sorted(
            kept,
            key=lambda item: (_goal_no(item[1]), item[1].cleaned_data.get("order") or 0, item[0]),
        )
        grouped = sorted(shown, key=lambda item: (_goal_no(item[1]), *_category_key(item[1])))
        if grouped == shown:
            return False
        for position, (_, form) in enumerate(grouped, 1):
            if form.cleaned_data.get("order") != position:
                form.cleaned_data["order"] = position
                form.instance.order = position
                form.regrouped = True
        return True

    def saved_rows_with_categories(self) -> list | None:
        """The saved indicator rows this formset read, with their 一级/二级 (and the 二级's 一级)
        taken from the categories it read: what `TargetTable.indicator_rows` would read again
        (the editor's 智能审核 reads them so). None for other rows, or when a row's category is
        not among its framework's."""
        if not issubclass(self.form, IndicatorRowForm):
            return None
        if not hasattr(self, "_categories"):
            self._categories = CategoryChoices.read(self.framework)
        rows = list(self.get_queryset())
        found = []
        for row in rows:
            level1 = self._categories.level1_by_key.get(str(row.level1_id))
            level2 = self._categories.level2_by_key.get(str(row.level2_id))
            if level1 is None or (row.level2_id is not None and level2 is None):
                return None
            found.append((row, level1, level2))
        for row, level1, level2 in found:
            row.level1, row.level2 = level1, level2
        return rows

    def saved_rows(self) -> list | None:
        """After `save()`: the table's rows as a read would now give them, from the rows this
        formset read and wrote (saved_rows.py); None where that is not certain."""
        if not (self.is_bound and self.reads_every_row and hasattr(self, "new_objects")):
            return None
        deleted = {id(row) for row in self.deleted_objects}
        kept = [row for row in self.get_queryset() if id(row) not in deleted]
        related = INDICATOR_RELATED if issubclass(self.form, IndicatorRowForm) else ()
        return as_read(self.model, [*kept, *self.new_objects], related=related)

    @cached_property
    def management_form(self) -> forms.Form:
        """Django's, its hidden inputs rendered in Python as the rows' are (widgets.py)."""
        form = super().management_form
        speed_up(form)
        return form

    @cached_property
    def empty_form(self) -> forms.ModelForm:
        """The blank row, built once per formset: the editor's check of its columns, its
        二级 map and the page's row template each read it (Django builds it at every read)."""
        return super().empty_form

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if issubclass(self.form, IndicatorRowForm):
            # Every row offers the same 一级/二级: read once for the formset, not per row.
            if not hasattr(self, "_categories"):
                self._categories = CategoryChoices.read(self.framework)
            kwargs["categories"] = self._categories
        return kwargs

    def add_fields(self, form, index) -> None:
        # The hidden row id is looked up among the rows this formset read, not once per row;
        # the deletion box and the key to the table are copies of one per formset (row_ids.py).
        self.add_row_fields(form, index)
        speed_up(form)


def _formset(parent, model, form, fields, widgets=None, field_classes=None):
    formset = inlineformset_factory(
        parent,
        model,
        form=form,
        formset=BaseRowFormSet,
        fields=fields,
        widgets=widgets or {},
        field_classes=field_classes or {},
        extra=0,
        can_delete=True,
    )
    formset.form.prepare_class()  # what each row changes in its fields, done once
    copy_fields_fast(formset.form)  # one form per row: copy its fields the quick way
    return formset


ProjectGoalFormSet = _formset(
    ProjectTable, ProjectGoal, RowForm, ["order", "text"], widgets={"text": _TEXTAREA_SMALL}
)
_INDICATOR_WIDGETS = {"description": forms.Textarea(attrs={"rows": 1})}

# The indicator columns each editor shows, as (field, heading) in page order. A row form carries
# exactly these fields (plus the hidden order): a field the page does not render must never be
# part of the form, or the form would refuse what the page posts (issue 12: the Guangdong rows
# once required the Hubei-only 年度目标).
INDICATOR_COLUMNS: list[tuple[str, str]] = [
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("name", "三级指标"),
    ("description", "绩效指标描述"),
    ("target", "指标值"),
    ("basis", "指标值确定依据"),
]
DEPARTMENT_INDICATOR_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "guangdong": INDICATOR_COLUMNS,
    "hubei": [
        ("goal_no", "年度目标"),
        *INDICATOR_COLUMNS[:4],
        ("value_prev2", "前年"),
        ("value_prev1", "上年"),
        ("target", "预期当年实现值"),
        ("basis", "指标值确定依据"),
    ],
}


def _indicator_fields(columns: list[tuple[str, str]]) -> list[str]:
    # 一级/二级 are the form's own fields (IndicatorRowForm), not generated from the model.
    return ["order", *(name for name, _ in columns if name not in ("level1", "level2"))]


ProjectIndicatorFormSet = _formset(
    ProjectTable,
    ProjectIndicator,
    IndicatorRowForm,
    _indicator_fields(INDICATOR_COLUMNS),
    widgets=_INDICATOR_WIDGETS,
)
_DEPARTMENT_INDICATOR_FORMSETS = {
    layout: _formset(
        DepartmentTable,
        DepartmentIndicator,
        IndicatorRowForm,
        _indicator_fields(columns),
        widgets=_INDICATOR_WIDGETS,
        field_classes={"goal_no": WholeNumberField} if layout == "hubei" else None,
    )
    for layout, columns in DEPARTMENT_INDICATOR_COLUMNS.items()
}
# Every column of every layout (the Hubei set), for callers that are not an editor page.
DepartmentIndicatorFormSet = _DEPARTMENT_INDICATOR_FORMSETS["hubei"]


def department_indicator_formset(layout: str) -> type[BaseRowFormSet]:
    """The indicator rows of a department table in `layout`, with that layout's columns."""
    return _DEPARTMENT_INDICATOR_FORMSETS[layout]


DepartmentSubGoalFormSet = _formset(
    DepartmentTable,
    DepartmentSubGoal,
    RowForm,
    ["order", "title", "text"],
    widgets={"text": _TEXTAREA_SMALL},
)
DepartmentMeasureFormSet = _formset(
    DepartmentTable,
    DepartmentMeasure,
    RowForm,
    ["order", "title", "text"],
    widgets={"text": _TEXTAREA_SMALL},
)
DepartmentTaskFormSet = _formset(
    DepartmentTable,
    DepartmentTask,
    RowForm,
    ["order", "kind", "name", "content", "amount", "outcome"],
    widgets={"content": _TEXTAREA_SMALL, "outcome": _TEXTAREA_SMALL},
    field_classes={"amount": MoneyField},
)
