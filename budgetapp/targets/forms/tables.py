"""The forms of the two tables' own fields (rows are in `rows.py`).

The unit, year and state are never form fields: they come from the login and the URL, so a
forged POST cannot move a table to another unit or change its state.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q

from ..models import DEPARTMENT_ROW_LISTS, DepartmentTable, ProjectTable
from .copying import copy_fields_fast
from .fields import MoneyField, PercentField, WholeNumberField, guard_text_fields
from .widgets import speed_up

PLAN_FIELDS = ["plan_march", "plan_june", "plan_october", "plan_december"]

_MONEY = {
    name: MoneyField
    for name in (
        "budget_total",
        "budget_fiscal",
        "budget_other",
        "lifetime_budget",
        "expense_basic",
        "expense_project",
        "income_fiscal",
        "income_other",
        "expense_basic_prev1",
        "expense_project_prev1",
        "income_fiscal_prev1",
        "income_other_prev1",
        "expense_basic_prev2",
        "expense_project_prev2",
        "income_fiscal_prev2",
        "income_other_prev2",
        "special_funds",
        "other_development",
        "own_level_funds",
        "transfer_funds",
    )
}


class VersionedForm(forms.ModelForm):
    """Carries the version the page was loaded at, so a stale save is detected."""

    loaded_version = forms.IntegerField(
        label="页面版本",
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": "页面数据不完整，请刷新页面后重新保存。"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        guard_text_fields(self)
        # Its inputs rendered in Python, as the rows' are (widgets.py; the same HTML).
        speed_up(self)


def lifetime_budget_help(layout: str) -> str:
    """Where 项目总预算 prints: only the Hubei department table lists it (项目支出情况); the
    project table of every region has no cell for it (docs/workflow.md)."""
    if layout == "hubei":
        return (
            "跨年度项目的总预算。打印在本单位部门整体绩效目标表“项目支出情况”的“项目总预算”栏；"
            "留空则按本年度预算数打印。"
        )
    return (
        "跨年度项目的总预算，可留空。本地区的项目支出绩效目标表和部门整体绩效目标表都没有"
        "“项目总预算”栏，此项不打印（仅湖北版式的部门整体绩效目标表列出）。"
    )


class ProjectTableForm(VersionedForm):
    class Meta:
        model = ProjectTable
        fields = [
            "sequence",
            "code",
            "name",
            "money_unit",
            "budget_total",
            "budget_fiscal",
            "budget_other",
            "lifetime_budget",
            "fund_use",
            *PLAN_FIELDS,
        ]
        field_classes = {
            **{
                name: MoneyField
                for name in ("budget_total", "budget_fiscal", "budget_other", "lifetime_budget")
            },
            **{name: PercentField for name in PLAN_FIELDS},
            "sequence": WholeNumberField,
        }
        widgets = {"fund_use": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "请填写项目名称。"
        if self.instance.unit_id:
            self.fields["lifetime_budget"].help_text = lifetime_budget_help(
                self.instance.unit.layout
            )
        self.fields["budget_total"].error_messages["required"] = "请填写预算数。"
        for name in ("budget_fiscal", "budget_other"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        table = self.instance
        name, code = cleaned.get("name"), cleaned.get("code")
        if table.unit_id and table.year_id and (name or code):
            # The unit's other tables of the year with this name or this code: one query.
            same = (Q(name=name) if name else Q()) | (Q(code=code) if code else Q())
            taken = list(
                ProjectTable.objects.filter(same, unit_id=table.unit_id, year_id=table.year_id)
                .exclude(pk=table.pk)
                .values_list("name", "code")
            )
            if name and any(other == name for other, _ in taken):
                self.add_error("name", "本单位本年度已有同名项目，请修改项目名称。")
            if code and any(other == code for _, other in taken):
                self.add_error("code", "本单位本年度已有相同项目编码的表。")
        return cleaned

    def clean_budget_fiscal(self):
        return self.cleaned_data.get("budget_fiscal") or 0

    def clean_budget_other(self):
        return self.cleaned_data.get("budget_other") or 0


# Some 40 fields copied for each editor page and save: the quick way (copying.py).
copy_fields_fast(ProjectTableForm)


DEPARTMENT_SECTIONS: dict[str, list[tuple[str, list[str]]]] = {
    "hebei": [("总体绩效目标", ["overall_goal"])],
    "guangdong": [
        ("基本信息", ["staff_count", "sub_unit_count"]),
        (
            "预算整体情况",
            ["expense_basic", "expense_project", "income_fiscal", "income_other"],
        ),
        ("事业发展性支出与预算级次", ["special_funds", "other_development", "own_level_funds", "transfer_funds"]),
        ("总体绩效目标", ["overall_goal"]),
    ],
    "hubei": [
        ("填报信息", ["filler_name", "filler_phone"]),
        ("收入构成（当年 / 上年 / 前年）", [
            "income_fiscal", "income_fiscal_prev1", "income_fiscal_prev2",
            "income_other", "income_other_prev1", "income_other_prev2",
        ]),
        ("支出构成（当年 / 上年 / 前年）", [
            "expense_basic", "expense_basic_prev1", "expense_basic_prev2",
            "expense_project", "expense_project_prev1", "expense_project_prev2",
        ]),
        ("部门职能与年度工作任务", ["functions", "annual_tasks"]),
    ],
}  # fmt: skip

# Which row lists each layout edits, in page order: all it has.
DEPARTMENT_FORMSETS = DEPARTMENT_ROW_LISTS


def department_form_class(layout: str) -> type[forms.ModelForm]:
    """A form for the fields the unit's layout prints; the others stay untouched."""
    names = ["money_unit"] + [name for _, fields in DEPARTMENT_SECTIONS[layout] for name in fields]

    class Meta:
        model = DepartmentTable
        fields = names
        field_classes = {k: v for k, v in _MONEY.items() if k in names} | {
            name: WholeNumberField for name in ("staff_count", "sub_unit_count") if name in names
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 6})
            for name in ("overall_goal", "functions", "annual_tasks")
            if name in names
        }

    form_class = type(f"DepartmentTableForm_{layout}", (VersionedForm,), {"Meta": Meta})
    copy_fields_fast(form_class)
    return form_class
