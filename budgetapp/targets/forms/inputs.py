"""A form's inputs rendered as `str(form[name])` renders them, without building the BoundField.

`str(bound_field)` goes through `as_widget`: `build_widget_attrs` (required, disabled,
aria-invalid, aria-describedby), `auto_id`, `errors`, `value()`, then the widget's
`get_context` and `format_value`. For the ~230 inputs of a 20-row editor that was some 10 ms of
a 22 ms GET in cProfile (issue 17). `FormInputs` makes the same calls on the form, the field and
the widget, in Django's order, without the BoundField and its properties; for the editor's fast
widgets (widgets.py) it builds the HTML directly, a widget's own attributes turned into HTML once
for every widget that has the same ones. What Django renders another way is left to the
BoundField: a form or field with a bound field class or item lookup of its own, a field with
`show_hidden_initial`, a widget drawn in a fieldset or made of several widgets.
tests/test_fast_widgets.py and tests/test_row_html.py compare the two.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorList

from .widgets import (
    HiddenInput,
    Select,
    Textarea,
    TextInput,
    attrs_html,
    escape_text,
    flat_options,
    input_html,
    select_html,
    textarea_html,
)

_GET_BOUND_FIELD = forms.Field.get_bound_field
_FORM_METHODS = ("__getitem__", "__iter__", "hidden_fields", "add_prefix")
_INPUTS = (TextInput, HiddenInput)


def _extra_html(extra: dict[str, object]) -> str:
    """`attrs_html` of the attributes `build_widget_attrs` and `as_widget` add (their names need
    no escaping)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape_text(str(value))}"'
        for name, value in extra.items()
    )


class FormInputs:
    """The inputs of one form, each as `str(form[name])` renders it."""

    def __init__(self, form: forms.BaseForm) -> None:
        self.form = form
        kind = type(form)
        # Django's own lookups: anything else is left to the form's BoundFields.
        self.stock = form.bound_field_class is None and all(
            getattr(kind, method) is getattr(forms.BaseForm, method) for method in _FORM_METHODS
        )

    def _stock(self, field: forms.Field) -> bool:
        widget = field.widget
        return (
            self.stock
            and field.bound_field_class is None
            and type(field).get_bound_field is _GET_BOUND_FIELD
            and not field.show_hidden_initial
            and not widget.use_fieldset
            and not isinstance(widget, forms.MultiWidget)
        )

    def auto_id(self, html_name: str) -> str:
        """`BoundField.auto_id`."""
        auto_id = self.form.auto_id
        if auto_id and "%s" in str(auto_id):
            return str(auto_id) % html_name
        if auto_id:
            return html_name
        return ""

    def value(self, field: forms.Field, html_name: str, initial: object) -> object:
        """`BoundField.value()`, the field's `initial` given."""
        form = self.form
        data = initial
        if form.is_bound:
            raw = field.widget.value_from_datadict(form.data, form.files, html_name)
            data = field.bound_data(raw, data)
        return field.prepare_value(data)

    def field(self, name: str) -> tuple[str, str, ErrorList | None]:
        """The input of the field `name`, its `auto_id` and then its errors (None: none), each
        as its BoundField gives them, in that order (reading the errors of a bound form not yet
        validated validates it)."""
        form = self.form
        field = form.fields[name]
        if not self._stock(field):
            bound = form[name]
            return str(bound), bound.auto_id, bound.errors or None
        html = self._html(name, field)
        return html[0], html[1], form.errors.get(name) or None

    def html(self, name: str) -> str:
        """`str(form[name])`."""
        form = self.form
        field = form.fields[name]
        if not self._stock(field):
            return str(form[name])
        return self._html(name, field)[0]

    def hidden(self) -> str:
        """`"".join(str(field) for field in form.hidden_fields())`."""
        return "".join(
            self.html(name) for name, field in self.form.fields.items() if field.widget.is_hidden
        )

    def box(self, name: str) -> tuple[str, str, object]:
        """The field's `html_name`, `auto_id` and `value()`, as its BoundField gives them."""
        form = self.form
        field = form.fields[name]
        if not self._stock(field):
            bound = form[name]
            return bound.html_name, bound.auto_id, bound.value()
        html_name = form.add_prefix(name)
        initial = form.get_initial_for_field(field, name)
        return html_name, self.auto_id(html_name), self.value(field, html_name, initial)

    def _html(self, name: str, field: forms.Field) -> tuple[str, str]:
        """`BoundField.as_widget()` step by step, and the field's `auto_id`."""
        form = self.form
        widget = field.widget
        html_name = form.add_prefix(name)
        auto_id = self.auto_id(html_name)
        if field.localize:
            widget.is_localized = True
        initial = form.get_initial_for_field(field, name)
        # build_widget_attrs
        extra: dict[str, object] = {}
        if (
            widget.use_required_attribute(initial)
            and field.required
            and form.use_required_attribute
        ):
            extra["required"] = True
        if field.disabled:
            extra["disabled"] = True
        hidden = widget.is_hidden
        errors = None if hidden else form.errors.get(name)
        if errors:
            extra["aria-invalid"] = "true"
        if not widget.attrs.get("aria-describedby") and auto_id and not hidden:
            described = []
            if field.help_text:
                described.append(f"{auto_id}_helptext")
            if errors:
                described.append(f"{auto_id}_error")
            if described:
                extra["aria-describedby"] = " ".join(described)
        if auto_id and "id" not in widget.attrs:
            extra["id"] = auto_id
        value = self.value(field, html_name, initial)
        # widget.render
        kind = type(widget)
        if kind not in _DIRECT:
            return widget.render(html_name, value, extra, form.renderer), auto_id
        own = widget.attrs
        if extra.keys().isdisjoint(own):
            attrs = attrs_html(own) + _extra_html(extra)
        else:
            attrs = attrs_html({**own, **extra})
        shown = widget.format_value(value)
        if kind in _INPUTS:
            return input_html(widget.input_type, html_name, shown, attrs), auto_id
        if kind is Textarea:
            return textarea_html(html_name, shown, attrs), auto_id
        options = None
        if not (widget.allow_multiple_selected or widget.option_inherits_attrs):
            options = flat_options(widget.choices, shown)
        if options is None:
            return widget.render(html_name, value, extra, form.renderer), auto_id
        return select_html(html_name, options, attrs), auto_id


_DIRECT = frozenset((TextInput, HiddenInput, Textarea, Select))
