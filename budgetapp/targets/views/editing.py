"""The page flow shared by the project and department editors.

A table form plus its row formsets are bound, validated together and saved in one service call;
a failed save (invalid input, or a refusal from the service) re-shows everything typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..models import TargetTable
from ..services import StaleEdit, TableError


@dataclass
class RowSection:
    """One list of repeating rows on the page."""

    key: str  # formset prefix and the related name on the table
    title: str
    formset_class: type[BaseFormSet]
    columns: list[tuple[str, str]]  # (field name, column heading) in display order
    add_label: str = "添加一行"


def bind(
    request: HttpRequest,
    table: TargetTable,
    form_class: type[ModelForm],
    sections: list[RowSection],
) -> tuple[ModelForm, list[tuple[RowSection, BaseFormSet]]]:
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=table)
    formsets = [
        (
            section,
            section.formset_class(
                data, instance=table, prefix=section.key, framework=table.framework
            ),
        )
        for section in sections
    ]
    return form, formsets


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
    form, formsets = bind(request, table, form_class, sections)
    stale_diff = None
    if request.method == "POST":
        valid = form.is_valid() & all([fs.is_valid() for _, fs in formsets])
        if valid:
            try:
                saved = save(form, [fs for _, fs in formsets])
            except StaleEdit as error:
                form.add_error(None, str(error))
                stale_diff = error.diff
                # The user has now seen the other save; saving again from this page is theirs.
                form.data = form.data.copy()
                form.data[form.add_prefix("loaded_version")] = str(error.current_version)
            except TableError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已保存。")
                return redirect(saved.get_absolute_url())
        else:
            messages.error(
                request, "保存失败：请按页面上的红色提示修改后再保存，您填写的内容都已保留。"
            )
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
        },
    )
