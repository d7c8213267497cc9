"""Each form's copy of its class's fields, made without the `copy` module's generic machinery.

Every Django form starts with `copy.deepcopy(base_fields)`; a field's `__deepcopy__` copies the
field, its widget (with its attrs and choices), its error messages and validators, and a
choice field's choices. `copy.copy` and `copy.deepcopy` get there through `__reduce_ex__` and
a memo, and deep-copy every (value, label) pair of a choice list: about a tenth of an editor's
CPU, which builds one form per row (issue 17). `fast_copy` makes the same copies directly for
the fields and widgets whose copying is exactly Django's (`Field`, `ChoiceField`, `Widget`,
`ChoiceWidget`); any other kind is deep-copied as Django does. A choice widget's normalised
choices are not normalised again (Django's setter does: a 7-field indicator row form's copy
17.3 → 11.3 µs).
"""

from __future__ import annotations

import copy

from django import forms
from django.utils.functional import Promise

_CHOICE_FIELD_COPY = forms.ChoiceField.__deepcopy__
_FIELD_COPIES = (forms.Field.__deepcopy__, _CHOICE_FIELD_COPY)
_ATOMS = (str, int, Promise)
_CHOICE_WIDGET_COPY = forms.widgets.ChoiceWidget.__deepcopy__
_WIDGET_COPIES = (forms.Widget.__deepcopy__, _CHOICE_WIDGET_COPY)
_CHOICES_PROPERTY = forms.widgets.ChoiceWidget.choices


def _choices(choices):
    """What `copy.deepcopy` gives of a normalised choice list: a new list holding the same
    (value, label) pairs, which are immutable (deep-copying a tuple of strings, numbers or lazy
    texts returns it as it is); anything else is deep-copied."""
    if not isinstance(choices, list):
        return copy.deepcopy(choices)
    return [item if _immutable_pair(item) else copy.deepcopy(item) for item in choices]


def _immutable_pair(item) -> bool:
    return (
        type(item) is tuple
        and len(item) == 2
        and all(value is None or isinstance(value, _ATOMS) for value in item)
    )


def _copy_choices(copied: forms.widgets.ChoiceWidget, widget: forms.widgets.ChoiceWidget) -> None:
    """`copied.choices = copy.copy(widget.choices)`, Django's copy of a choice widget's choices:
    the setter normalises the list again, which for a normalised list of immutable pairs makes
    a new list of equal pairs; a new list holding the same pairs is that, without the work."""
    choices = widget.choices
    if (
        type(widget).choices is _CHOICES_PROPERTY
        and type(choices) is list
        and all(map(_immutable_pair, choices))
    ):
        copied._choices = choices[:]
    else:
        copied.choices = copy.copy(choices)


def _copy_widget(widget: forms.Widget) -> forms.Widget:
    kind = type(widget)
    if kind.__deepcopy__ not in _WIDGET_COPIES:
        return copy.deepcopy(widget)
    copied = kind.__new__(kind)
    copied.__dict__.update(widget.__dict__)
    copied.attrs = widget.attrs.copy()
    if kind.__deepcopy__ is _CHOICE_WIDGET_COPY:
        _copy_choices(copied, widget)
    return copied


def fast_copy(field: forms.Field) -> forms.Field:
    """The copy `copy.deepcopy(field)` makes."""
    kind = type(field)
    if kind.__deepcopy__ not in _FIELD_COPIES:
        return copy.deepcopy(field)
    copied = kind.__new__(kind)
    copied.__dict__.update(field.__dict__)
    copied.widget = _copy_widget(field.widget)
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    if kind.__deepcopy__ is _CHOICE_FIELD_COPY:
        copied._choices = _choices(field._choices)
    return copied


class FastCopiedFields(dict):
    """A form class's `base_fields` whose deep copy (each form's `fields`) uses `fast_copy`."""

    def __deepcopy__(self, memo) -> dict[str, forms.Field]:
        return {name: fast_copy(field) for name, field in self.items()}


def copy_fields_fast(form_class: type[forms.BaseForm]) -> None:
    """Make each form of `form_class` copy its fields with `fast_copy`."""
    form_class.base_fields = FastCopiedFields(form_class.base_fields)
