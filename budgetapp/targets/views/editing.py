"""The page flow shared by the project and department editors.

A table form plus its row formsets are bound, validated together and saved in one service call;
a failed save (invalid input, or a refusal from the service) re-shows everything typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from budgetapp.core.errors import TableError
from budgetapp.core.prefetch import keep_as_prefetched

from ..forms.editor import RowSection, bind
from ..models import TargetTable
from ..services import StaleEdit
from ..snapshots import TableDiff, row_anchor

REGROUPED_MESSAGE = (
    "绩效指标已按一级、二级指标归类排列（同一类中保持您填写的先后顺序），"
    "以便与正式表格一样合并单元格，请核对顺序。"
)


def _unshown_errors(form: ModelForm, shown: set[str] | None = None) -> list[tuple[str, str]]:
    """(field label, message) of the errors the page cannot show next to an input: errors of
    the whole form, of a hidden field, or of a field the page does not render."""
    found: list[tuple[str, str]] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        visible = (
            field is not None and not field.widget.is_hidden and (shown is None or name in shown)
        )
        if visible:
            continue
        label = "" if name == NON_FIELD_ERRORS or field is None else str(field.label or name)
        found += [(label, str(message)) for message in errors]
    return found


@dataclass(frozen=True)
class ErrorLine:
    """One line of the error summary: its text and, when the page shows the field, the id of
    the input it links to (focus goes there)."""

    text: str
    field_id: str = ""


def deleted(formset: BaseFormSet, row_form) -> bool:
    return bool(formset.can_delete and formset.is_bound and formset._should_delete_form(row_form))


def number_rows(formsets: list[tuple[RowSection, BaseFormSet]]) -> None:
    """Give each row form the number the page shows for it (rows marked for deletion are
    hidden and not counted, as static/js/formset.js numbers them), for its inputs' labels
    (第3行 三级指标) and the error summary."""
    for _, formset in formsets:
        number = 0
        for row_form in formset.forms:
            if deleted(formset, row_form):
                row_form.row_number = None
                continue
            number += 1
            row_form.row_number = number


def _field_lines(form: ModelForm, where: str, headings: dict[str, str] | None) -> list[ErrorLine]:
    """The errors of the fields the page shows (all visible ones, or those of `headings`,
    named by their column heading), in page order, each linked to its input."""
    lines: list[ErrorLine] = []
    for name, field in form.fields.items():
        errors = form.errors.get(name)
        if not errors or field.widget.is_hidden:
            continue
        if headings is None:
            label = str(field.label or name)
        elif name in headings:
            label = headings[name]
        else:
            continue
        field_id = form[name].auto_id or ""
        lines += [ErrorLine(f"{where}{label}：{message}", field_id) for message in errors]
    return lines


def error_summary(
    form: ModelForm, formsets: list[tuple[RowSection, BaseFormSet]]
) -> list[ErrorLine]:
    """Every error of a failed save, as lines for the summary at the top of the editor, in page
    order: the fields the page shows link to their input (第3行 三级指标), and the errors with no
    visible field to stand next to (hidden inputs, the whole form, a row list) are listed too,
    or the filer would be told to fix red hints that are nowhere on the page."""
    lines = _field_lines(form, "", None)
    lines += [
        ErrorLine(f"{label}：{message}" if label else message)
        for label, message in _unshown_errors(form)
    ]
    for section, formset in formsets:
        lines += [ErrorLine(f"{section.title}：{message}") for message in formset.non_form_errors()]
        if not formset.is_bound or formset.management_form.errors:
            continue
        headings = dict(section.columns)
        visible_index = 0
        for row_form in formset.forms:
            if deleted(formset, row_form):
                continue
            visible_index += 1
            where = f"{section.title}第{visible_index}行"
            lines += _field_lines(row_form, f"{where} ", headings)
            # An error of the whole row, or of its hidden order, links to the row's first cell.
            first = next((name for name, _ in section.columns if name in row_form.fields), None)
            first_id = (row_form[first].auto_id or "") if first else ""
            lines += [
                ErrorLine(f"{where}{('（' + label + '）') if label else ''}：{message}", first_id)
                for label, message in _unshown_errors(row_form, set(headings))
            ]
    return lines


def mark_changed_inputs(
    form: ModelForm, formsets: list[tuple[RowSection, BaseFormSet]], diff: TableDiff
) -> None:
    """After a refused stale save, tint the inputs whose value the other person changed (the
    cells of the diff), so the filer sees where their page and the saved table differ."""
    cells = diff.cells

    def mark(field) -> None:
        attrs = field.widget.attrs
        attrs["class"] = f"{attrs.get('class', '')} is-changed".strip()
        attrs["title"] = "此处已被他人修改，见页面上方“对方所做的修改”"

    for name, field in form.fields.items():
        if f"field:{name}" in cells:
            mark(field)
    for section, formset in formsets:
        for row_form in formset.forms:
            if row_form.instance.pk is None:
                continue
            anchor = row_anchor(section.key, row_form.instance.pk)
            if anchor.startswith("field:"):
                continue  # the project's goals print as one cell; the diff lists them
            for name, field in row_form.fields.items():
                if f"{anchor}/{name}" in cells:
                    mark(field)


def share_saved_rows(table: TargetTable, formsets: list[tuple[RowSection, BaseFormSet]]) -> None:
    """Hand the indicator rows the editor read (with their categories) to the table, as rows
    prefetched with it, so that the 智能审核 of the saved table does not read them again."""
    for section, formset in formsets:
        find = getattr(formset, "saved_rows_with_categories", None)
        rows = find() if section.key == "indicators" and find is not None else None
        if rows is None:
            continue
        keep_as_prefetched(table, "indicators", rows)


def handle(
    request: HttpRequest,
    *,
    table: TargetTable,
    form_class: type[ModelForm],
    sections: list[RowSection],
    save: Callable[[ModelForm, list[BaseFormSet]], TargetTable],
    template: str,
    context: dict,
) -> HttpResponse:
    form, formsets = bind(
        request.POST if request.method == "POST" else None, table, form_class, sections
    )
    stale_diff = None
    summary: list[ErrorLine] | None = None  # set when validation failed
    if request.method == "POST":
        valid = form.is_valid() & all([fs.is_valid() for _, fs in formsets])
        if valid:
            try:
                saved = save(form, [fs for _, fs in formsets])
            except StaleEdit as error:
                form.add_error(None, str(error))
                stale_diff = error.diff
                if error.diff:
                    mark_changed_inputs(form, formsets, error.diff)
                # The user has now seen the other save; saving again from this page is theirs.
                form.data = form.data.copy()
                if error.current_version is not None:
                    form.data[form.add_prefix("loaded_version")] = str(error.current_version)
            except TableError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已保存。")
                if any(formset.regrouped for _, formset in formsets):
                    messages.info(request, REGROUPED_MESSAGE)
                return redirect(saved.get_absolute_url())
        else:
            summary = error_summary(form, formsets)
    number_rows(formsets)
    if not form.is_bound and table.pk:
        share_saved_rows(table, formsets)
    level2_parents = {}
    for _, formset in formsets:
        empty = formset.empty_form
        if hasattr(empty, "level2_parents"):
            level2_parents = empty.level2_parents()
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "formsets": formsets,
            "table": table,
            "level2_parents": level2_parents,
            "stale_diff": stale_diff,
            "save_failed": summary is not None,
            "error_summary": summary or [],
        },
    )
