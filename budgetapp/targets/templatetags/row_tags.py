"""The editor's row of a formset, rendered in Python exactly as templates/targets/_row.html.

An editor of 20 indicator rows includes that template some 25 times, each resolving some 60
variables and tags: about a third of the editor's time (issue 17). `editor_row` builds the same
HTML with string operations, its inputs without Django's BoundFields (forms/inputs.py);
templates/targets/_row.html stays the readable reference, and
tests/test_row_html.py compares the two for every kind of row (saved, new, the empty form, with
errors, marked for deletion, with last year's values, every section and layout).
"""

from __future__ import annotations

from django import template
from django.forms import BaseForm
from django.utils.safestring import SafeString, mark_safe

from ..forms.inputs import FormInputs
from ..forms.widgets import escape_text

register = template.Library()
_FEEDBACK = '<div class="invalid-feedback d-block">'


def _errors(errors, before: str) -> str:
    return "".join(f"{before}{escape_text(error)}</div>" for error in errors)


def _cell(form: BaseForm, inputs: FormInputs, name: str, heading: str, number: str) -> str:
    field_html, auto_id, errors = inputs.field(name)
    auto_id = escape_text(auto_id)
    html = (
        f'\n  <td class="col-{escape_text(name)}">\n'
        f'    <label class="cell-label" for="{auto_id}"><span class="cell-label-row">第'
        f'<span data-role="label-row-number">{number}</span>行 </span>'
        f"{escape_text(heading)}</label>\n"
        f"    {field_html}\n    "
    )
    if errors:
        html += (
            f'<div class="invalid-feedback d-block" id="{auto_id}_error">'
            f"{_errors(errors, '<div>')}</div>"
        )
    html += "\n    "
    if name == "target" and "value_prev1" not in form.fields:
        prev1 = getattr(form.instance, "value_prev1", "")
        prev2 = getattr(form.instance, "value_prev2", "")
        if prev1 or prev2:
            html += (
                '<div class="form-text small text-secondary mt-1" data-role="prev-values">'
                '<div class="text-nowrap">上年：<span data-role="value-prev1">'
                f"{escape_text(prev1) if prev1 else '—'}</span></div>"
                '<div class="text-nowrap">前年：<span data-role="value-prev2">'
                f"{escape_text(prev2) if prev2 else '—'}</span></div></div>"
            )
    return html + "\n  </td>"


def row_html(form: BaseForm, section) -> SafeString:
    """The row `form` of `section` (a RowSection: its key and columns), as _row.html."""
    # First, as the template: a bound form not yet validated is validated here, which marks
    # its inputs with errors (RowForm.full_clean) before they are drawn.
    invalid = " table-danger-subtle" if form.errors else ""
    row_number = getattr(form, "row_number", None)
    number = "" if row_number is None else escape_text(row_number)
    pk = form.instance.pk
    anchor = (
        f' data-anchor="indicator:{escape_text(pk)}"' if pk and section.key == "indicators" else ""
    )
    inputs = FormInputs(form)
    hidden = inputs.hidden()
    delete = ""
    if "DELETE" in form.fields:
        box_name, box_id, checked = inputs.box("DELETE")
        delete = (
            f'<input type="checkbox" name="{escape_text(box_name)}" '
            f'id="{escape_text(box_id)}" class="d-none" data-role="delete"'
            f"{' checked' if checked else ''}>"
        )
    cells = "".join(_cell(form, inputs, name, heading, number) for name, heading in section.columns)
    return mark_safe(
        f'\n<tr class="formset-row{invalid}"'
        f' data-role="row"{anchor}>\n'
        f'  <th scope="row" class="col-no"><span data-role="row-number">{number}</span>\n'
        f"    {hidden}\n    {delete}\n  </th>\n  {cells}\n"
        '  <td class="col-actions text-nowrap">\n'
        '    <button type="button" class="btn btn-light btn-sm" data-action="move-up" '
        f'title="上移" aria-label="上移第{number}行" data-label="上移">↑</button>\n'
        '    <button type="button" class="btn btn-light btn-sm" data-action="move-down" '
        f'title="下移" aria-label="下移第{number}行" data-label="下移">↓</button>\n'
        '    <button type="button" class="btn btn-outline-danger btn-sm" data-action="delete-row"'
        f' title="删除此行" aria-label="删除第{number}行" data-label="删除">删除</button>\n'
        f"    {_errors(form.non_field_errors(), _FEEDBACK)}\n"
        "  </td>\n</tr>\n"
    )


@register.simple_tag
def editor_row(form: BaseForm, section) -> SafeString:
    return row_html(form, section)


@register.simple_tag
def editor_rows(formset, section) -> SafeString:
    """Every row of `formset`, as `{% for form in formset %}{% editor_row form section %}
    {% endfor %}` renders them (one tag, not one per row)."""
    return mark_safe("".join(row_html(form, section) for form in formset))
