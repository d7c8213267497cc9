"""Forms of the account and audit pages; the services check everything again."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User

from budgetapp.audit.models import EventKind, EventResult
from budgetapp.units.models import Role, Unit

from . import access

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class AccountForm(forms.Form):
    username = forms.CharField(
        label="登录名",
        max_length=150,
        help_text="字母、数字或 @/./+/-/_，创建后不能修改。",
        widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label="姓名",
        max_length=150,
        help_text="使用此账户的人；每人一个账户，不能共用。",
        widget=forms.TextInput(attrs=_INPUT),
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=30,
        help_text="例如 0335-5051234 或 13800000000。",
        widget=forms.TextInput(attrs={**_INPUT, "type": "tel"}),
    )
    role = forms.ChoiceField(label="角色", widget=forms.Select(attrs=_SELECT))
    unit = forms.ModelChoiceField(
        label="所属单位",
        queryset=Unit.objects.none(),
        required=False,
        help_text="系统管理员、审计管理员不属于单位，可不选。",
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, manager: User, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (value, label)
            for value, label in Role.choices
            if value in access.assignable_roles(manager)
        ]
        self.fields["unit"].queryset = access.assignable_units(manager).select_related("region")
        if editing:
            del self.fields["username"]


class AuditFilterForm(forms.Form):
    who = forms.CharField(
        label="账户", required=False, max_length=150, widget=forms.TextInput(attrs=_INPUT)
    )
    kind = forms.ChoiceField(
        label="事件",
        required=False,
        choices=[("", "全部")] + list(EventKind.choices),
        widget=forms.Select(attrs=_SELECT),
    )
    unit = forms.CharField(
        label="单位", required=False, max_length=150, widget=forms.TextInput(attrs=_INPUT)
    )
    result = forms.ChoiceField(
        label="结果",
        required=False,
        choices=[("", "全部")] + list(EventResult.choices),
        widget=forms.Select(attrs=_SELECT),
    )
    since = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={**_INPUT, "type": "date"}),
        error_messages={"invalid": "日期格式应为 年-月-日，例如 2026-01-31。"},
    )
    until = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={**_INPUT, "type": "date"}),
        error_messages={"invalid": "日期格式应为 年-月-日，例如 2026-01-31。"},
    )

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data
