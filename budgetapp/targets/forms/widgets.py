"""The editor's row inputs rendered in Python, exactly as Django's widget templates render them.

An editor of 20 indicator rows shows some 230 inputs and 40 selects; through the template
engine each costs about half a millisecond (a select also includes one template per option),
most of the page's time (issue 17). These widgets build the same HTML with string operations
from the same context (`Widget.get_context`: attributes, errors, `aria-*` included);
tests/test_fast_widgets.py compares them with Django's templates. A single select's options
are built straight from its choices, each option's HTML remembered (the rows repeat them).
"""

from __future__ import annotations

import html

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def escape_text(value) -> str:
    """`conditional_escape(value)`, the same text, quicker for a plain `str` (most values):
    Django's `escape` is `html.escape(str(text))` behind `keep_lazy`, which looks at every
    argument for a lazy text first; an editor escapes some 2,400 values (issue 17)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def _attrs(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html makes of `attrs`."""
    return "".join(
        f" {escape_text(name)}"
        if value is True
        else f' {escape_text(name)}="{escape_text(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


# The HTML of a widget's own attributes, by their names and values and the values' types (1 and
# True are equal keys but different attributes): a 20-row editor's 230 inputs have a dozen sets.
# Only plain names and values are kept (a lazy text could read differently later).
_ATTRS: dict[tuple, str] = {}
_ATTRS_CAP = 5_000
_PLAIN = frozenset((str, int, bool))


def attrs_html(attrs: dict) -> str:
    """`_attrs(attrs)`, remembered for attributes of plain strings and numbers."""
    types = tuple(map(type, attrs.values()))
    if not (_PLAIN.issuperset(types) and _PLAIN.issuperset(map(type, attrs))):
        return _attrs(attrs)
    key = (tuple(attrs.items()), types)
    html = _ATTRS.get(key)
    if html is None:
        if len(_ATTRS) >= _ATTRS_CAP:
            _ATTRS.clear()
        html = _ATTRS[key] = _attrs(attrs)
    return html


# Django's input.html, textarea.html and select.html (options already rendered), given the
# attributes' HTML: the fast widgets below and forms/inputs.py build them alike.
def input_html(input_type: str, name: str, value, attrs: str) -> str:
    shown = "" if value is None else f' value="{escape_text(str(value))}"'
    return f'<input type="{escape_text(input_type)}" name="{escape_text(name)}"{shown}{attrs}>'


def textarea_html(name: str, value, attrs: str) -> str:
    text = escape_text(value) if value else ""
    return f'<textarea name="{escape_text(name)}"{attrs}>\n{text}</textarea>'


def select_html(name: str, options: str, attrs: str) -> str:
    return f'<select name="{escape_text(name)}"{attrs}>{options}\n</select>'


class _Fast:
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return mark_safe(self.html(self.get_context(name, value, attrs)["widget"]))


class FastInput(_Fast):
    def html(self, widget: dict) -> str:
        return input_html(widget["type"], widget["name"], widget["value"], _attrs(widget["attrs"]))


class TextInput(FastInput, forms.TextInput):
    pass


class HiddenInput(FastInput, forms.HiddenInput):
    pass


class Textarea(_Fast, forms.Textarea):
    def html(self, widget: dict) -> str:
        return textarea_html(widget["name"], widget["value"], _attrs(widget["attrs"]))


# The HTML of an option, by (type of value, value, label, selected): a 20-row editor shows the
# same 一级/二级 options in 40 selects. Only plain strings and numbers are kept (a lazy label could
# be translated differently later); the set of options is small, the cap a safeguard.
_OPTIONS: dict[tuple, str] = {}
_OPTIONS_CAP = 20_000


def _option(value, label, selected: bool) -> str:
    return (
        f'\n  <option value="{escape_text(str(value))}"{" selected" if selected else ""}>'
        f"{escape_text(label)}</option>\n"
    )


def flat_options(choices, values: list[str]) -> str | None:
    """The options of a single select without groups as Django renders them (the first option
    whose value is among `values` is selected); None when the choices have groups."""
    parts = []
    has_selected = False
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            return None
        if value is None:
            value = ""
        selected = not has_selected and str(value) in values
        has_selected |= selected
        if type(label) is str and type(value) in (str, int):
            key = (type(value), value, label, selected)
            html = _OPTIONS.get(key)
            if html is None:
                if len(_OPTIONS) >= _OPTIONS_CAP:
                    _OPTIONS.clear()
                html = _OPTIONS[key] = _option(value, label, selected)
        else:
            html = _option(value, label, selected)
        parts.append(html)
    return "".join(parts)


class Select(_Fast, forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # A single select's options need none of `optgroups`' per-option dictionaries.
        if not (self.allow_multiple_selected or self.option_inherits_attrs):
            widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
            options = flat_options(self.choices, widget["value"])
            if options is not None:
                return mark_safe(select_html(widget["name"], options, _attrs(widget["attrs"])))
        return super().render(name, value, attrs, renderer)

    def html(self, widget: dict) -> str:
        parts = [f'<select name="{escape_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape_text(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape_text(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{escape_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)


_FAST = {
    forms.TextInput: TextInput,
    forms.HiddenInput: HiddenInput,
    forms.Textarea: Textarea,
    forms.Select: Select,
}


def speed_up(form: forms.BaseForm) -> None:
    """Give the form's fields the fast widget of the same kind, with the same state (attrs,
    choices, flags): the fast ones add no state of their own."""
    for field in form.fields.values():
        fast = _FAST.get(type(field.widget))
        if fast is not None:
            widget = fast.__new__(fast)
            widget.__dict__.update(field.widget.__dict__)
            field.widget = widget
