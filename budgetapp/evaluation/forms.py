"""Forms of the self-evaluation page. What the filer typed is re-shown whole after a refusal."""

from __future__ import annotations

from django import forms

from budgetapp.targets.forms.fields import MoneyField, guard_text_fields, style_widgets

from .models import EvaluationRow, SelfEvaluation
from .scoring import QualitativeResult
from .services import _MONEY_FIELDS, EvaluationInput, RowInput

_SOURCES = {"fiscal": "当年财政拨款", "carried": "上年结转资金", "other": "其他资金"}
_COLUMNS = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数"}


class EvaluationForm(forms.Form):
    goal_actual = forms.CharField(
        label="年度总体目标实际完成情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weights_reason = forms.CharField(
        label="分值调整理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="改动默认分值（产出50、效益30、满意度10，各项平均）时必填",
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in _MONEY_FIELDS:
            source, column = name.split("_", 1)
            self.fields[name] = MoneyField(
                label=f"{_SOURCES[source]} {_COLUMNS[column]}",
                error_messages={"required": "请填写金额（没有请填 0）。"},
            )
            # Shown in a grid under column headings; the label names source and column.
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label
        guard_text_fields(self)
        style_widgets(self)

    def money_rows(self) -> list[tuple[str, list]]:
        return [
            (label, [self[f"{source}_{column}"] for column in _COLUMNS])
            for source, label in _SOURCES.items()
        ]


class RowForm(forms.Form):
    actual = forms.CharField(label="实际完成值", required=False, max_length=200)
    qualitative = forms.ChoiceField(
        label="定性指标完成情况",
        required=False,
        choices=[("", "（定量指标不选）"), *QualitativeResult.CHOICES],
    )
    weight = forms.DecimalField(
        label="分值",
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": "请输入分值数字。",
            "min_value": "分值不能为负数。",
            "max_value": "单项分值不能超过 90 分。",
            "required": "请填写分值。",
        },
    )
    analysis = forms.CharField(
        label="偏差原因分析及改进措施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, row: EvaluationRow, position: int, **kwargs):
        super().__init__(*args, prefix=f"row-{row.pk}", **kwargs)
        self.row = row
        self.position = position
        guard_text_fields(self)
        style_widgets(self, small=True)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", f"第{position}行 {row.name} {field.label}")


def evaluation_forms(evaluation: SelfEvaluation, data=None) -> tuple[EvaluationForm, list[RowForm]]:
    initial = {name: getattr(evaluation, name) for name in _MONEY_FIELDS}
    initial.update(
        goal_actual=evaluation.goal_actual,
        weights_reason=evaluation.weights_reason,
        loaded_version=evaluation.version,
    )
    form = EvaluationForm(data, initial=initial)
    rows = [
        RowForm(
            data,
            row=row,
            position=position,
            initial={
                "actual": row.actual,
                "qualitative": row.qualitative,
                "weight": row.weight,
                "analysis": row.analysis,
            },
        )
        for position, row in enumerate(evaluation.rows.all(), 1)
    ]
    return form, rows


def evaluation_input(form: EvaluationForm, rows: list[RowForm]) -> EvaluationInput:
    data = form.cleaned_data
    return EvaluationInput(
        money={name: data[name] for name in _MONEY_FIELDS if data.get(name) is not None},
        goal_actual=data["goal_actual"],
        weights_reason=data["weights_reason"],
        rows={
            row.row.pk: RowInput(
                actual=row.cleaned_data["actual"],
                qualitative=row.cleaned_data["qualitative"],
                weight=row.cleaned_data["weight"],
                analysis=row.cleaned_data["analysis"],
            )
            for row in rows
        },
    )
