"""The row forms' quick copy of their fields (targets/forms/copying.py) makes what Django's
`copy.deepcopy` makes: equal fields, widgets, attrs, choices, messages and validators, none of
the mutable parts shared with the class's fields."""

from __future__ import annotations

import copy

import pytest
from django import forms

from budgetapp.targets.forms import rows, tables
from budgetapp.targets.forms.choices import ListedObjectField
from budgetapp.targets.forms.copying import FastCopiedFields, fast_copy
from budgetapp.targets.forms.widgets import Select

FORMSETS = [
    rows.ProjectGoalFormSet,
    rows.ProjectIndicatorFormSet,
    rows.DepartmentSubGoalFormSet,
    rows.DepartmentMeasureFormSet,
    rows.DepartmentTaskFormSet,
    *(rows.department_indicator_formset(layout) for layout in rows.DEPARTMENT_INDICATOR_COLUMNS),
]

MUTABLE = ("error_messages", "validators")


def _same_copy(field: forms.Field, fast: forms.Field, deep: forms.Field) -> None:
    assert type(fast) is type(deep) is type(field)
    assert fast is not field
    assert fast.__dict__.keys() == deep.__dict__.keys()
    for name, value in deep.__dict__.items():
        if name == "widget":
            continue
        assert getattr(fast, name) == value, name
    for name in MUTABLE:
        assert getattr(fast, name) is not getattr(field, name)
    if hasattr(field, "_choices"):
        assert fast._choices is not field._choices
        assert fast._choices == deep._choices
    widget, fast_widget, deep_widget = field.widget, fast.widget, deep.widget
    assert type(fast_widget) is type(deep_widget)
    assert fast_widget is not widget and fast_widget.attrs is not widget.attrs
    assert fast_widget.__dict__ == deep_widget.__dict__
    if hasattr(widget, "choices"):
        assert fast_widget.choices is not widget.choices


@pytest.mark.parametrize("formset", FORMSETS)
def test_row_fields_copied_as_deepcopy_copies_them(formset) -> None:
    base_fields = formset.form.base_fields
    assert isinstance(base_fields, FastCopiedFields)
    copied = copy.deepcopy(base_fields)
    assert type(copied) is dict and copied.keys() == base_fields.keys()
    for name, field in base_fields.items():
        _same_copy(field, copied[name], copy.deepcopy(field))


def test_choice_field_with_choices_and_groups() -> None:
    field = ListedObjectField(widget=Select(attrs={"class": "x"}), label="一级指标")
    field.choices = [("", "请选择"), (1, "产出指标"), ("组", [(2, "数量指标")])]
    fast = fast_copy(field)
    _same_copy(field, fast, copy.deepcopy(field))
    assert fast._choices[2][1] is not field._choices[2][1]  # a group's list is copied too
    fast.widget.attrs["class"] = "changed"
    fast.error_messages["required"] = "changed"
    assert field.widget.attrs["class"] == "x" and field.error_messages["required"] != "changed"


def test_other_kinds_deep_copied_as_django_does() -> None:
    field = forms.MultipleChoiceField(widget=forms.SplitDateTimeWidget())
    fast = fast_copy(field)
    assert fast.widget.widgets[0] is not field.widget.widgets[0]


TABLE_FORMS = [
    tables.ProjectTableForm,
    *(tables.department_form_class(layout) for layout in tables.DEPARTMENT_SECTIONS),
]


@pytest.mark.parametrize("form_class", TABLE_FORMS)
def test_table_form_fields_copied_as_deepcopy_copies_them(form_class) -> None:
    base_fields = form_class.base_fields
    assert isinstance(base_fields, FastCopiedFields)
    copied = copy.deepcopy(base_fields)
    assert type(copied) is dict and copied.keys() == base_fields.keys()
    for name, field in base_fields.items():
        _same_copy(field, copied[name], copy.deepcopy(field))


def test_select_choices_copied_without_normalising_them_again() -> None:
    """A select's normalised choices of plain pairs (strings, numbers, None, lazy texts) are
    copied as a new list of the same pairs, equal to what Django's setter normalises; groups,
    and a widget with a `choices` property of its own, go through the setter as in Django."""
    from django.utils.translation import gettext_lazy

    plain = [("", "请选择"), (1, "产出指标"), (None, gettext_lazy("空")), ("2", 3)]
    grouped = [("", "（无）"), ("组", [(2, "数量指标")])]
    for choices in (plain, grouped, []):
        field = ListedObjectField(widget=Select(choices=choices), label="二级指标")
        fast, deep = fast_copy(field), copy.deepcopy(field)
        _same_copy(field, fast, deep)
        assert fast.widget.choices == deep.widget.choices
        assert fast.widget.choices is not field.widget.choices

    class Recorded(Select):
        set_to: list = []

        @property
        def choices(self):
            return self._choices

        @choices.setter
        def choices(self, value):
            Recorded.set_to.append(value)
            self._choices = list(value)

    field = forms.ChoiceField(choices=plain, widget=Recorded)
    before = len(Recorded.set_to)
    fast = fast_copy(field)
    assert len(Recorded.set_to) == before + 1 and fast.widget.choices == field.widget.choices
