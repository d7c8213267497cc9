"""The table form's fields rendered in Python exactly as crispy's `as_crispy_field` renders them.

The editor shows the table's own fields (13 of a project table) through crispy-bootstrap5's
field.html, which includes three more templates per field: about 3.5 ms of an editor's CPU
(issue 17). `field_html` builds the same HTML, whitespace included, with string operations for
the fields the editors have (a visible text input, text area or select with a label, no crispy
helper on the form); any other field is left to crispy. tests/test_field_html.py compares the
two for every field of both editors' forms in every layout, unbound and with errors.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from ..forms.widgets import escape_text

register = template.Library()

# The widgets crispy-bootstrap5's field.html draws some other way (checkbox, radio, file).
_OTHER_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.FileInput)


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy's `{% crispy_field field 'class' classes %}` does to the widget before it
    renders it: its class name (lower case, through CRISPY_CLASS_CONVERTERS) and `classes`
    added to its `class` attribute, each once."""
    converters = getattr(settings, "CRISPY_CLASS_CONVERTERS", {})
    class_name = type(widget).__name__.lower()
    class_name = converters.get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


def _help_text_and_errors(field: BoundField, errors) -> str:
    """bootstrap5/layout/help_text_and_errors.html with its help text and error block."""
    block = "\n"
    if errors:
        auto_id = escape_text(field.auto_id)
        items = "".join(
            f'\n        <p id="error_{number}_{auto_id}"><strong>{escape_text(error)}'
            "</strong></p>\n    "
            for number, error in enumerate(errors, 1)
        )
        block = (
            f'\n    <div id="{escape_text(getattr(errors, "field_id", ""))}_error"'
            ' class="invalid-feedback">'
            f"\n    {items}\n    </div>\n\n"
        )
    help_text = "\n"
    if field.help_text:
        where = f'id="{escape_text(field.auto_id)}_helptext" ' if field.auto_id else ""
        help_text = (
            f'\n    \n        <div {where}class="form-text">{field.help_text}</div>\n    \n\n'
        )
    return f"\n\n\n    {block}\n\n\n\n    {help_text}\n\n"


def _drawn_here(field: BoundField) -> bool:
    widget = field.field.widget
    return (
        not widget.is_hidden
        and not isinstance(widget, _OTHER_WIDGETS)
        and not hasattr(widget, "widgets")
        and not hasattr(widget, "widget")
        and not field.use_fieldset
        and bool(field.label)
        and getattr(field.form, "helper", None) is None
    )


@register.filter
def field_html(field: BoundField) -> SafeString:
    """`field|as_crispy_field` (crispy-bootstrap5, no helper, no arguments), in Python."""
    if not _drawn_here(field):
        return as_crispy_field(field)
    widget = field.field.widget
    errors = field.errors
    select = isinstance(widget, forms.Select)
    if select:
        _add_classes(widget, "form-select is-invalid" if errors else "form-select")
    else:
        _add_classes(widget, "form-control is-invalid" if errors else "form-control")
    rendered = str(field)
    if select:
        rendered = f"\n                            {rendered}\n                        "
    required = field.field.required
    css_classes = field.css_classes()
    wrapper_class = f"mb-3 {escape_text(css_classes)}" if css_classes else "mb-3"
    label_for = f'for="{escape_text(field.id_for_label)}"' if field.id_for_label else ""
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    return mark_safe(
        f'\n\n\n    \n    <div id="div_{escape_text(field.auto_id)}" class="{wrapper_class}">'
        f"\n        \n            \n            <label\n                {label_for}"
        f' class="form-label{" requiredField" if required else ""}">\n                '
        f"{escape_text(field.label)}{asterisk}\n            </label>\n        "
        "\n\n        \n\n        \n            \n                \n                    "
        f"\n                        {rendered}\n                    "
        f"\n                    \n                        {_help_text_and_errors(field, errors)}"
        "\n                    \n                \n            \n        \n        \n    </div>\n    "
        "\n\n"
    )
