"""Forms of the lights' thresholds: the round's page and the Django admin's default set.

Both check what `LightRules.problems` checks (ranges, 黄 not below 绿) and show each message
beside its field; what was typed stays in the form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from budgetapp.targets.forms.fields import style_widgets

from .lights import RULE_FIELDS, LightRules
from .models import LightRuleDefaults

HELP = {
    "green_share": "全年预计完成值未达目标、但差距不超过目标值的该比例时，仍亮绿灯（0 表示必须达到目标）。",
    "amber_share": "差距超过绿灯容差、但不超过目标值的该比例时亮黄灯，再大亮红灯。不能小于绿灯容差。",
    "budget_green_points": "执行率落后资金支出计划进度不超过该值时，仍亮绿灯。",
    "budget_amber_points": "执行率落后计划超过绿灯容差、但不超过该值时亮黄灯，再大亮红灯。"
    "不能小于执行进度绿灯容差。",
}


def _field(label: str, unit: str, name: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label}（{unit}）",
        max_digits=5,
        decimal_places=2,
        help_text=HELP[name],
        error_messages={
            "required": f"请填写{label}。",
            "invalid": f"{label}应为数字，如 10。",
            "max_digits": f"{label}应在 0–100 之间。",
            "max_decimal_places": f"{label}最多保留两位小数。",
            "max_whole_digits": f"{label}应在 0–100 之间。",
        },
    )


def check_order(form: forms.BaseForm, cleaned: dict[str, Any]) -> None:
    """Add the thresholds' problems to the form, beside their fields."""
    # A field already refused says why; the others are checked against the shipped values in
    # its place (valid, so they add no message of their own).
    shipped = LightRules().as_typed()
    values = {
        name: Decimal(cleaned[name]) if cleaned.get(name) is not None else shipped[name]
        for name, *_ in RULE_FIELDS
    }
    for name, message in LightRules.from_typed(values).problems().items():
        if name not in form.errors:
            form.add_error(name, message)


class LightRulesForm(forms.Form):
    """A round's thresholds, as typed (shares in %)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, unit, _ in RULE_FIELDS:
            self.fields[name] = _field(label, unit, name)
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_order(self, cleaned)
        return cleaned

    def typed(self) -> dict[str, Decimal]:
        return {name: self.cleaned_data[name] for name, *_ in RULE_FIELDS}


class LightRuleDefaultsAdminForm(forms.ModelForm):
    class Meta:
        model = LightRuleDefaults
        fields = [name for name, *_ in RULE_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_order(self, cleaned)
        return cleaned
