"""The editor's fast widgets (targets/forms/widgets.py) render exactly what Django's templates
render, for every kind of value and attribute the editor uses; a form's inputs rendered without
their BoundFields (targets/forms/inputs.py) are exactly what the BoundFields render."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms import BoundField
from django.http import QueryDict
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe

from budgetapp.targets.forms import widgets
from budgetapp.targets.forms.inputs import FormInputs

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


class Marked(BoundField):
    def __str__(self) -> str:
        return "标记" + super().__str__()


def _sample_form_class(*, bound_field_class=None) -> type[forms.Form]:
    """A form with every kind of field the rows' inputs path handles, and those it leaves to
    Django's BoundField."""

    class Sample(forms.Form):
        name = forms.CharField(
            max_length=20, help_text="提示", widget=widgets.TextInput(attrs={"class": "c"})
        )
        note = forms.CharField(required=False, widget=widgets.Textarea(attrs={"rows": 2}))
        level = forms.ChoiceField(choices=CHOICES, widget=widgets.Select(attrs={"class": "s"}))
        first_filled = forms.ChoiceField(choices=CHOICES[1:], widget=widgets.Select)
        grouped = forms.ChoiceField(choices=GROUPED, required=False, widget=widgets.Select)
        many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
        order = forms.IntegerField(
            required=False, widget=widgets.HiddenInput(attrs={"data-role": "order"})
        )
        amount = forms.DecimalField(localize=True, required=False, widget=widgets.TextInput)
        fixed = forms.CharField(disabled=True, initial="固定<值>", widget=widgets.TextInput)
        own_id = forms.CharField(
            required=False,
            widget=widgets.TextInput(attrs={"id": "mine", "aria-describedby": "elsewhere"}),
        )
        overlap = forms.CharField(
            widget=widgets.TextInput(attrs={"aria-invalid": "false", "required": False})
        )
        when = forms.DateField(
            required=False, initial=lambda: datetime.date(2026, 12, 6), widget=widgets.TextInput
        )
        agree = forms.BooleanField(required=False)  # Django's CheckboxInput: its own render
        stock = forms.CharField(required=False)  # Django's TextInput: its own render
        kind = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)  # a fieldset
        moment = forms.SplitDateTimeField(required=False)  # several widgets
        shown = forms.CharField(required=False, show_hidden_initial=True, widget=widgets.TextInput)

    if bound_field_class is not None:
        Sample.base_fields["stock"].bound_field_class = bound_field_class
    return Sample


FILLED = {
    "name": "名称<1>",
    "note": "多行\n<文本>",
    "level": "2",
    "first_filled": "3",
    "grouped": "5",
    "many": ["1", "3"],
    "order": "4",
    "amount": "1273.50",
    "fixed": "改了",
    "overlap": "有",
    "when": "2026-12-07",
    "agree": "on",
    "stock": "库存",
    "kind": "1",
    "moment_0": "2026-12-06",
    "moment_1": "10:00",
    "shown": "显示",
    "initial-shown": "原来",
}
# Typed values that fail: a missing name, a choice not offered, letters for numbers and dates.
INVALID = {"level": "99", "order": "第二", "amount": "十一万", "when": "明天", "grouped": "7"}


@pytest.mark.parametrize(
    "data",
    [None, FILLED, {**FILLED, **INVALID, "name": ""}, {}],
    ids=["unbound", "valid", "invalid", "empty"],
)
@pytest.mark.parametrize("prefix", [None, "rows-__prefix__", "rows-3"])
@pytest.mark.parametrize("auto_id", ["id_%s", "plain", False])
@pytest.mark.parametrize("use_required_attribute", [True, False])
def test_form_inputs_render_as_bound_fields_do(data, prefix, auto_id, use_required_attribute):
    """`FormInputs` gives each field's input, auto_id, errors and value as its BoundField does:
    unbound (with initial values: a selected option, a callable) and bound, valid or with typed
    values that fail, with and without a prefix (the empty row's __prefix__), required and
    optional fields, with and without the `required` attribute, disabled, localized, with help
    text, an id or aria-describedby of the widget's own, and attributes the path adds."""
    form_class = _sample_form_class()
    kwargs = {
        "prefix": prefix,
        "auto_id": auto_id,
        "use_required_attribute": use_required_attribute,
        "initial": {"level": 1, "note": "原<有>", "order": 7},
    }
    if data is not None:
        prefixed = {f"{prefix}-{k}" if prefix else k: v for k, v in data.items()}
        query = QueryDict(mutable=True)
        for name, value in prefixed.items():
            query.setlist(name, value if isinstance(value, list) else [value])
        kwargs["data"] = query
    fast, stock = form_class(**kwargs), form_class(**kwargs)
    inputs = FormInputs(fast)
    for name in fast.fields:
        html, auto, errors = inputs.field(name)
        bound = stock[name]
        assert (html, auto) == (str(bound), bound.auto_id), name
        assert list(errors or ()) == list(bound.errors), name
        assert inputs.box(name) == (bound.html_name, bound.auto_id, bound.value()), name
    assert inputs.hidden() == "".join(str(field) for field in stock.hidden_fields())
    name_html = inputs.html("name")
    assert (" required" in name_html) == use_required_attribute
    assert ("_helptext" in name_html) == bool(auto_id)
    if data is None:  # (validating a bound form builds its BoundFields)
        left = {"kind", "moment", "shown"}  # (a fieldset, several widgets, a hidden initial)
        assert fast._bound_fields_cache.keys() == left
    elif data.get("name") == "":
        assert 'aria-invalid="true"' in inputs.html("level") and fast.errors["amount"]


def test_form_inputs_leave_other_bound_field_classes_to_them():
    """A form or a field with a bound field class of its own renders through it."""
    plain = _sample_form_class(bound_field_class=Marked)()
    assert FormInputs(plain).html("stock").startswith("标记<input")
    assert not FormInputs(plain).html("name").startswith("标记")
    every = _sample_form_class()(bound_field_class=Marked)
    inputs = FormInputs(every)
    for name in every.fields:
        assert inputs.html(name) == str(every[name]) and inputs.html(name).startswith("标记")


def test_form_inputs_left_to_a_form_with_its_own_lookup():
    class Renamed(_sample_form_class()):
        def add_prefix(self, field_name):
            return f"x_{field_name}"

    form = Renamed(prefix="rows-1")
    inputs = FormInputs(form)
    assert inputs.html("name") == str(form["name"]) and 'name="x_name"' in inputs.html("name")


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_form_inputs_localize_as_bound_fields_do():
    """A field with `localize` shows its value as the locale writes it (German: 1.273,50), as
    Django's BoundField has the widget do."""
    form_class = _sample_form_class()
    initial = {"amount": Decimal("1273.50"), "order": 12345}
    fast, stock = form_class(initial=initial), form_class(initial=initial)
    with translation.override("de"):
        html = FormInputs(fast).html("amount")
        assert html == str(stock["amount"]) and 'value="1.273,50"' in html
    assert FormInputs(fast).html("order") == str(stock["order"])
