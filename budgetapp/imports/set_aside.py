"""Values a draft cannot hold are set aside, so the table still imports as a draft.

Real published workbooks carry their publishers' mistakes: a spending plan of 5000%, a negative
amount, letters in a money cell, a text longer than its field. None of them refuses the table.
After the forms have validated what the file says, each field error that is about the value
itself (a number field that does not take it, a text over its length) is set aside: a
placeholder is bound instead (blank, or 0 where the field is required; the text cut to its
length) and the value as typed is recorded with its cell. The table is saved as a draft and the
record goes on the table (`TargetTable.import_problems`), where the 智能审核 rule
`import_value` reports it as an error, blocking submission until the filer fixes the field.

Errors that are not about a value (a missing 项目名称, a category outside the framework, a
duplicate table) still refuse the table: there is nothing sensible to store.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from budgetapp.targets.import_problems import row_key

from .parsed import Problem, Severity, Source
from .plan import FormData

SECTION_LABELS = {
    "goals": "绩效目标",
    "indicators": "绩效指标",
    "sub_goals": "分项绩效目标",
    "measures": "工作保障措施",
    "tasks": "工作任务",
}


@dataclass
class SetAside:
    """One cell whose value was not stored."""

    name: str  # the field
    label: str
    typed: str
    kept: str
    reason: str
    source: Source | None
    section: str = ""  # a row's formset prefix; "" for the table's own fields
    index: int = 0  # the row form's index in its formset

    def problem(self) -> Problem:
        """What the preview says (a warning: the table imports, the check will block it)."""
        written = f"文件中为“{_short(self.typed)}”" if self.typed else "文件中未填写"
        stored = f"暂存为“{_short(self.kept)}”" if self.kept else "暂时留空"
        return Problem(
            f"{self.label}：{self.reason}（{written}）。导入为草稿，此栏{stored}，原值记在表上；"
            "智能审核将报错，改正后才能提交。",
            self.source,
            Severity.WARNING,
        )

    def entry(self, row_pk: int | None = None) -> dict:
        """The record kept on the table (`TargetTable.import_problems`)."""
        key = row_key(self.section, row_pk, self.name) if self.section else self.name
        return {
            "key": key,
            "label": self.label,
            "typed": self.typed,
            "kept": self.kept,
            "reason": self.reason,
            "where": str(self.source) if self.source else "",
        }


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}……（共 {len(text)} 字）"


def placeholder(field: forms.Field | None, typed: str) -> str | None:
    """What is bound instead of `typed`, or None when the error is not about the value."""
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        return None
    if isinstance(field, forms.DecimalField | forms.IntegerField):
        return "0" if field.required else ""
    if isinstance(field, forms.CharField) and field.max_length and len(typed) > field.max_length:
        return typed[: field.max_length]
    return None


def _reason(messages: list[str]) -> str:
    """The first message (a number over 100 also breaks max_digits: one reason is enough)."""
    return str(messages[0]).rstrip("。") if messages else "此值不能保存"


def set_aside_values(built: FormData, form, formsets: dict) -> list[SetAside]:
    """Replace, in `built.data`, every value the bound forms refused for itself; the list of
    what was set aside (rebind the forms afterwards)."""
    items: list[SetAside] = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        bound = built.data.get(name, "")
        kept = placeholder(field, bound)
        if field is None or kept is None:
            continue
        built.data[name] = kept
        label = str(field.label or name)
        if name.startswith("plan_"):
            label = f"资金支出计划“{label}”"
        typed = built.typed.get(name, bound)
        items.append(SetAside(name, label, typed, kept, _reason(messages), built.sources.get(name)))
    for prefix, formset in formsets.items():
        rows = built.row_index.get(prefix, [])
        for index, errors in enumerate(formset.errors):
            row = rows[index] if index < len(rows) else None
            if row is None:
                continue  # a stored row the file deletes: nothing typed
            for name, messages in errors.items():
                field = formset.forms[index].fields.get(name)
                key = f"{prefix}-{index}-{name}"
                bound = built.data.get(key, "")
                kept = placeholder(field, bound)
                if field is None or kept is None:
                    continue
                built.data[key] = kept
                typed = row.typed.get(name, bound)
                title = row.values.get("name") or row.values.get("title") or ""
                position = int(built.data.get(f"{prefix}-{index}-order") or index + 1)
                label = f"{SECTION_LABELS.get(prefix, prefix)}第 {position} 行"
                label += f"“{_short(title, 20)}”" if title and name not in ("name", "title") else ""
                items.append(
                    SetAside(
                        name,
                        f"{label}的{field.label}",
                        typed,
                        kept,
                        _reason(messages),
                        row.sources.get(name) or row.row_source,
                        section=prefix,
                        index=index,
                    )
                )
    return items


def entries_after_save(items: list[SetAside], formsets: dict) -> list[dict]:
    """The records for the saved table: rows are keyed by their saved primary key."""
    out = []
    for item in items:
        pk = None
        if item.section:
            forms_ = formsets[item.section].forms
            pk = forms_[item.index].instance.pk if item.index < len(forms_) else None
        out.append(item.entry(pk))
    return out
