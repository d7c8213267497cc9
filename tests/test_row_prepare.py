"""The row forms' changes to their fields (hidden order, messages, classes, the text guard) are
made once to each formset form class's `base_fields` (RowForm.prepare_class), not again for
every row: each form's fields are those a form of the same class prepared by itself has."""

from __future__ import annotations

from unittest import mock

import pytest
from django import forms

from budgetapp.targets.forms import rows
from budgetapp.targets.forms.choices import CategoryChoices

from .test_fast_copy import FORMSETS  # every row formset of every layout


def _kwargs(form_class) -> dict:
    if issubclass(form_class, rows.IndicatorRowForm):
        return {"categories": CategoryChoices(level1=[], level2=[])}
    return {}


def _unprepared(form_class):
    """The same form class, its base fields made afresh by Django and left unprepared: each of
    its forms prepares its own fields, as every row form did before."""
    # The fields the class was made with (a formset adds its foreign key to Meta.fields later).
    names = [name for name in form_class.base_fields if name not in form_class.declared_fields]
    meta = type("Meta", (form_class.Meta,), {"fields": names})
    unprepared = type(f"Unprepared{form_class.__name__}", (form_class,), {"Meta": meta})
    assert "fields_prepared" not in unprepared.__dict__
    return unprepared


def _same_fields(form: forms.BaseForm, reference: forms.BaseForm) -> None:
    assert list(form.fields) == list(reference.fields)
    for name, field in form.fields.items():
        other = reference.fields[name]
        assert type(field) is type(other), name
        assert field.__dict__.keys() == other.__dict__.keys(), name
        for key, value in other.__dict__.items():
            if key != "widget":
                assert getattr(field, key) == value, (name, key)
        assert type(field.widget) is type(other.widget), name
        assert field.widget.__dict__ == other.widget.__dict__, name
        # Attribute order is the order the page's HTML prints them in.
        assert list(field.widget.attrs) == list(other.widget.attrs), name


@pytest.mark.parametrize("formset", FORMSETS)
@pytest.mark.parametrize("bound", [False, True])
def test_prepared_once_gives_each_form_the_same_fields(formset, bound) -> None:
    form_class = formset.form
    assert form_class.__dict__.get("fields_prepared") is True
    data = {"r-order": "1"} if bound else None
    form = form_class(data, prefix="r", **_kwargs(form_class))
    reference = _unprepared(form_class)(data, prefix="r", **_kwargs(form_class))
    _same_fields(form, reference)
    assert form.fields["order"].widget.attrs == {"data-role": "order"}
    assert form.fields["order"].required is False
    if bound:
        form.is_valid(), reference.is_valid()
        assert form.errors == reference.errors


@pytest.mark.parametrize("formset", FORMSETS)
def test_forms_do_not_share_the_prepared_fields(formset) -> None:
    form_class = formset.form
    first, second = (form_class(**_kwargs(form_class)) for _ in range(2))
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other and field.widget is not other.widget
        assert field.widget.attrs is not other.widget.attrs
        assert field.error_messages is not other.error_messages
        assert field.validators is not other.validators
        assert field is not form_class.base_fields[name]


def test_declared_category_fields_left_as_declared() -> None:
    # The formset classes prepare copies: IndicatorRowForm's own fields stay as declared, so
    # preparing several classes made from it does not add its classes twice.
    for name in ("level1", "level2"):
        declared = rows.IndicatorRowForm.declared_fields[name]
        assert "class" not in declared.widget.attrs
        assert "data-role" not in declared.widget.attrs
    level1 = rows.ProjectIndicatorFormSet.form.base_fields["level1"]
    assert level1.widget.attrs == {"class": "form-select form-select-sm", "data-role": "level1"}


@pytest.mark.parametrize("formset", FORMSETS)
def test_rows_do_not_prepare_their_fields_again(formset) -> None:
    form_class = formset.form
    with mock.patch.object(rows.RowForm, "prepare_fields") as prepare:
        for _ in range(3):
            form_class(**_kwargs(form_class))
        assert prepare.call_count == 0
        _unprepared(form_class)(**_kwargs(form_class))
        assert prepare.call_count == 1
