"""The editor's fast widgets (targets/forms/widgets.py) render exactly what Django's templates
render, for every kind of value and attribute the editor uses."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe

from budgetapp.targets.forms import widgets

ATTRS = [
    {},
    {"class": "form-control form-control-sm is-invalid", "aria-invalid": "true", "id": "id_x"},
    {"data-role": "order", "required": True, "disabled": False, "maxlength": 200},
    {"title": '他说"<改>"&\'', "placeholder": None},
]
VALUES = [None, "", "≥95%", "<script>\"&'</script>", "多行\n文本", 0, 12, mark_safe("<b>安全</b>")]


@pytest.mark.parametrize("fast, stock", [
    (widgets.TextInput, forms.TextInput),
    (widgets.HiddenInput, forms.HiddenInput),
    (widgets.Textarea, forms.Textarea),
])  # fmt: skip
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
def test_inputs_render_as_django_does(fast, stock, attrs, value):
    assert fast(attrs=attrs).render("rows-0-name", value, {"id": "id_rows-0-name"}) == stock(
        attrs=attrs
    ).render("rows-0-name", value, {"id": "id_rows-0-name"})


CHOICES = [("", "请选择"), (1, "产出指标"), (2, '效益"<指标>"&'), (3, "满意度指标")]
GROUPED = [("", "（无）"), ("产出指标", [(4, "数量指标"), (5, "质量指标")]), (6, "其他")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []])
@pytest.mark.parametrize("value", [None, "", 1, "2", 5, 99])
@pytest.mark.parametrize("attrs", ATTRS)
def test_selects_render_as_django_does(choices, value, attrs):
    fast = widgets.Select(attrs=attrs, choices=choices)
    stock = forms.Select(attrs=attrs, choices=choices)
    assert fast.render("rows-0-level1", value) == stock.render("rows-0-level1", value)


LAZY = [("", "（无）"), (None, "空"), (1, "一"), (1, "重复的一"), ("1", "字符串一"), (True, "真")]


@pytest.mark.parametrize("value", [None, "", 1, "1", True, "True", [1, "True"]])
def test_single_select_options_as_django_renders_them(value):
    """The options of a select without groups (built directly and remembered across renders):
    None values, repeated values (only the first is selected), numbers and booleans, and
    labels that are safe strings or lazy texts, which are not remembered."""
    from django.utils.functional import lazy

    lazy_label = lazy(lambda: "懒<标签>", str)()
    choices = [*LAZY, (7, mark_safe("<b>安全</b>")), (8, lazy_label)]
    for _ in range(2):  # the second render takes the remembered options
        fast = widgets.Select(attrs={"class": "form-select"}, choices=choices)
        stock = forms.Select(attrs={"class": "form-select"}, choices=choices)
        assert fast.render("rows-0-level2", value) == stock.render("rows-0-level2", value)


def test_multiple_select_left_to_django():
    fast = widgets.Select(choices=CHOICES)
    fast.allow_multiple_selected = True
    stock = forms.Select(choices=CHOICES)
    stock.allow_multiple_selected = True
    assert fast.render("x", [1, 3]) == stock.render("x", [1, 3])
