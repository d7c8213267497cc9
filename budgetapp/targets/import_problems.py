"""Values an Excel import could not store, kept on the table until the filer fixes them.

An import never refuses a table for a value a draft cannot hold (a spending plan of 5000%, a
negative amount, letters in a money cell, a text longer than its field): it stores a
placeholder and records, in `TargetTable.import_problems`, one entry per such cell:

    {"key": "plan_march" | "tasks:<row pk>:amount", "label": "3月底", "typed": "5000%",
     "kept": "", "reason": "百分比不能超过 100%", "where": "工作表“…”第 8 行 C 列"}

The 智能审核 rule `import_value` reports each entry as an error (submission is blocked).
Editing the field in the editor clears its entry: `remaining` drops the entries whose field
the bound editor form (or row form) changed, or whose row is deleted. The services call it
on every save; the checks call it on what the filer is typing, so the finding goes away live.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.forms import BaseFormSet, ModelForm


def row_key(section: str, pk: int | None, name: str) -> str:
    return f"{section}:{pk}:{name}"


def _edited_keys(form: ModelForm | None, formsets: Sequence[BaseFormSet]) -> set[str]:
    edited: set[str] = set()
    if form is not None and form.is_bound:
        edited.update(form.changed_data)
    for formset in formsets:
        if not formset.is_bound:
            continue
        for row_form in formset.forms:
            pk = row_form.instance.pk
            if pk is None:
                continue
            deleted = formset.can_delete and formset._should_delete_form(row_form)
            names = row_form.fields if deleted else row_form.changed_data
            edited.update(row_key(formset.prefix, pk, name) for name in names)
    return edited


def remaining(
    problems: list[dict] | None, form: ModelForm | None, formsets: Sequence[BaseFormSet] = ()
) -> list[dict]:
    """The entries still standing after this edit (all of them if nothing was edited)."""
    if not problems:
        return []
    edited = _edited_keys(form, formsets)
    return [entry for entry in problems if entry.get("key") not in edited]
