"""Forms of the monitoring pages. What the filer typed is re-shown whole after any refusal."""

from __future__ import annotations

from django import forms

from budgetapp.targets.forms.fields import MoneyField, guard_text_fields, style_widgets
from budgetapp.units.models import BudgetYear

from .lights import Likelihood
from .models import DeviationCause, MonitoringRow, MonitoringSheet
from .services import RowInput, SheetInput


class OpenRoundForm(forms.Form):
    year = forms.ModelChoiceField(
        label="预算年度", queryset=BudgetYear.objects.order_by("-year"), empty_label=None
    )
    cutoff_month = forms.TypedChoiceField(
        label="截至月份",
        coerce=int,
        choices=[(m, f"1–{m}月") for m in range(1, 12)],
        initial=7,
        help_text="监控数据截至的月份，通常为 6 月或 7 月",
    )
    due_date = forms.DateField(
        label="报送截止日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效的日期，如 2021-08-10。"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class SheetForm(forms.Form):
    spent = MoneyField(label="执行数", required=False)
    projected_spend = MoneyField(label="全年预计执行数", required=False)
    lag_reason = forms.CharField(
        label="执行偏差原因", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        style_widgets(self)


class RowForm(forms.Form):
    to_date = forms.CharField(label="实际完成值", required=False, max_length=200)
    projected = forms.CharField(label="全年预计完成值", required=False, max_length=200)
    likelihood = forms.ChoiceField(
        label="完成目标可能性", required=False, choices=[("", "请选择"), *Likelihood.CHOICES]
    )
    causes = forms.MultipleChoiceField(
        label="偏差原因",
        required=False,
        choices=DeviationCause.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    cause_note = forms.CharField(label="偏差原因说明", required=False, max_length=2000)
    measures = forms.CharField(
        label="完善措施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, row: MonitoringRow, position: int, period: str, **kwargs):
        super().__init__(*args, prefix=f"row-{row.pk}", **kwargs)
        guard_text_fields(self)
        style_widgets(self, small=True)
        self.row = row
        self.position = position
        self.fields["to_date"].label = f"{period}实际完成值"
        for field in self.fields.values():
            # Every input names its row: 第3行 单位工作人员满意度 全年预计完成值.
            field.widget.attrs.setdefault("aria-label", f"第{position}行 {row.name} {field.label}")


def sheet_forms(sheet: MonitoringSheet, data=None) -> tuple[SheetForm, list[RowForm]]:
    period = sheet.round.period_label
    form = SheetForm(
        data,
        initial={
            "spent": sheet.spent,
            "projected_spend": sheet.projected_spend,
            "lag_reason": sheet.lag_reason,
            "loaded_version": sheet.version,
        },
    )
    form.fields["spent"].label = f"{period}执行数"
    rows = [
        RowForm(
            data,
            row=row,
            position=position,
            period=period,
            initial={
                "to_date": row.to_date,
                "projected": row.projected,
                "likelihood": row.likelihood,
                "causes": row.causes,
                "cause_note": row.cause_note,
                "measures": row.measures,
            },
        )
        for position, row in enumerate(sheet.rows.all(), 1)
    ]
    return form, rows


def sheet_input(form: SheetForm, rows: list[RowForm]) -> SheetInput:
    data = form.cleaned_data
    return SheetInput(
        spent=data["spent"],
        projected_spend=data["projected_spend"],
        lag_reason=data["lag_reason"],
        rows={
            row.row.pk: RowInput(
                to_date=row.cleaned_data["to_date"],
                projected=row.cleaned_data["projected"],
                likelihood=row.cleaned_data["likelihood"],
                causes=row.cleaned_data["causes"],
                cause_note=row.cleaned_data["cause_note"],
                measures=row.cleaned_data["measures"],
            )
            for row in rows
        },
    )
