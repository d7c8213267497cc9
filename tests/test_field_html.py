"""The table form's fields rendered in Python (targets/templatetags/field_tags.py) are exactly
what crispy's `as_crispy_field` renders: every field of both editors' forms in every layout,
unbound and bound with errors, with and without help text, required or not, rendered twice."""

from __future__ import annotations

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.http import QueryDict
from django.urls import reverse

from budgetapp.targets.forms.editor import editor_forms
from budgetapp.targets.models import DepartmentTable
from budgetapp.targets.templatetags.field_tags import field_html

from .conftest import login

# Values that fail each kind of field, with the characters HTML must escape.
BAD = {
    "sequence": "第<1>号",
    "name": "",
    "code": "&" * 40,
    "money_unit": '美元"<>',
    "budget_total": "十一万<b>",
    "budget_fiscal": "-5",
    "plan_june": "200%",
    "plan_march": "1.234",
    "fund_use": "用途\x00",
    "staff_count": "三<人>",
    "expense_basic": "1,2,3.456",
    "overall_goal": "目标\x01",
    "filler_name": "",
}


def _compare(form_class, table, data=None) -> str:
    """Render every field of two identical forms, one through crispy and one through
    `field_html`, twice (crispy adds classes to the widget the first time), and compare."""
    crispy_form = form_class(data, instance=table)
    fast_form = form_class(data, instance=table)
    html = ""
    for _ in range(2):
        for name in crispy_form.fields:
            expected = str(as_crispy_field(crispy_form[name]))
            assert str(field_html(fast_form[name])) == expected, name
            html += expected
    return html


def _bad_data(form_class, table) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in form_class(instance=table).fields:
        data[name] = BAD.get(name, "12")
    return data


def test_project_form_unbound_and_with_errors(project):
    form_class, _ = editor_forms(project)
    html = _compare(form_class, project)
    assert "requiredField" in html and 'class="form-text"' in html  # lifetime_budget's help
    assert 'class="select form-select"' in html and 'class="textarea form-control"' in html
    html = _compare(form_class, project, _bad_data(form_class, project))
    assert html.count('class="invalid-feedback"') >= 8
    assert "is-invalid" in html and "&lt;b&gt;" in html and "&amp;" in html


@pytest.mark.parametrize("layout", ["hebei", "guangdong", "hubei"])
def test_department_forms_in_every_layout(project, layout):
    unit = project.unit
    unit.layout_override = layout
    unit.save()
    table = DepartmentTable.objects.create(
        unit=unit, year=project.year, framework=project.framework
    )
    form_class, _ = editor_forms(table)
    _compare(form_class, table)
    html = _compare(form_class, table, _bad_data(form_class, table))
    assert 'class="invalid-feedback"' in html


def test_other_fields_as_crispy_renders_them(project):
    """Hidden inputs, checkboxes, radios and fields without a label (left to crispy), help
    text and a class of the widget's own."""

    class Other(forms.Form):
        hidden = forms.CharField(widget=forms.HiddenInput, initial="<x>")
        box = forms.BooleanField(label="勾选", required=False)
        radio = forms.ChoiceField(label="单选", choices=[("a", "甲"), ("b", "乙")])
        unlabelled = forms.CharField(label="")
        helped = forms.CharField(label="有说明", help_text="<i>说明</i>", required=False)
        classed = forms.CharField(label="已有样式", widget=forms.TextInput(attrs={"class": "x"}))

    for data in (None, {"radio": "c"}):
        crispy_form, fast_form = Other(data), Other(data)
        for name in crispy_form.fields:
            assert str(field_html(fast_form[name])) == str(as_crispy_field(crispy_form[name]))


def test_the_editor_pages_render_through_it(client, users, project):
    """The editor page shows its fields through it (the wrapper and the class crispy adds)."""
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    html = client.get(url).content.decode()
    form_class, _ = editor_forms(project)
    for name in ("name", "money_unit", "fund_use", "lifetime_budget"):
        assert str(as_crispy_field(form_class(instance=project)[name])) in html
