"""Form fields that accept what people type in China's offices and answer in Chinese."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from budgetapp.core.text import reject_invalid_characters

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％－", "0123456789.,%-")


def _clean_number_text(value: object) -> object:
    if isinstance(value, str):
        return value.translate(_FULLWIDTH).replace(",", "").replace(" ", "").replace("\u3000", "")
    return value


class MoneyField(forms.DecimalField):
    """Money in 元 or 万元: accepts `1,273.72` and full-width digits."""

    # A text input, not type=number: the browser would silently drop "十一万" or "1,273.72"
    # before the server could answer with a message and keep what was typed.
    widget = forms.TextInput

    default_error_messages = {
        "invalid": "请输入金额数字，例如 1273.72（不能包含文字或其他符号）。",
        "max_decimal_places": "金额最多保留两位小数。",
        "max_digits": "金额数字过大。",
        "max_whole_digits": "金额数字过大。",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)
        self.error_messages["min_value"] = "金额不能为负数。"
        self.widget.attrs.setdefault("inputmode", "decimal")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs

    def to_python(self, value):
        return super().to_python(_clean_number_text(value))


class PercentField(forms.DecimalField):
    """A share in percent, 0 to 100: accepts `25`, `25%`, `25.00%`."""

    widget = forms.TextInput

    default_error_messages = {
        "invalid": "请输入 0 到 100 之间的百分比数字，例如 25 或 25%。",
        "max_decimal_places": "百分比最多保留两位小数。",
        "max_digits": "请输入 0 到 100 之间的百分比。",
        "max_whole_digits": "请输入 0 到 100 之间的百分比。",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs["min_value"] = Decimal("0")
        kwargs["max_value"] = Decimal("100")
        kwargs.pop("validators", None)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = "百分比不能小于 0%%。"
        self.error_messages["max_value"] = "百分比不能超过 100%%（您填写的值超出了范围）。"
        self.widget.attrs.setdefault("inputmode", "decimal")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for key in ("step", "min", "max"):
            attrs.pop(key, None)
        return attrs

    def to_python(self, value):
        value = _clean_number_text(value)
        if isinstance(value, str):
            value = value.rstrip("%")
        return super().to_python(value)

    def validate(self, value) -> None:
        super().validate(value)


class WholeNumberField(forms.IntegerField):
    """A count (人数, 序号): a text input so what was typed survives a failed save."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "请输入整数。"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for key in ("step", "min", "max"):
            attrs.pop(key, None)
        return attrs

    def to_python(self, value):
        return super().to_python(_clean_number_text(value))


def guard_text_fields(form: forms.BaseForm | dict[str, forms.Field]) -> None:
    """Every text field of `form` (or of these fields) refuses characters XML cannot hold, in
    Chinese (core/text.py); Django's own null-character check, a subset, is replaced by it."""
    fields = form if isinstance(form, dict) else form.fields
    for field in fields.values():
        if isinstance(field, forms.CharField):
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ] + [reject_invalid_characters]


def style_widgets(form: forms.BaseForm, *, small: bool = False) -> None:
    """Bootstrap's classes on every visible widget of `form` (`small`: the -sm sizes, for the
    inputs inside a table's rows)."""
    size = "-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = f"form-select form-select{size}"
        elif not widget.is_hidden:
            widget.attrs["class"] = f"form-control form-control{size}"
