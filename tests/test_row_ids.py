"""The rows' hidden ids (targets/forms/row_ids.py) are built straight away as the field the
editor checks them with, with what Django's generated id field had: the same place among the
form's fields, initial value, messages and input, for saved rows, new rows and the blank row."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.models import BaseModelFormSet
from django.http import QueryDict
from django.urls import reverse

from budgetapp.targets.forms.choices import ListedObjectField, existing_rows_field
from budgetapp.targets.forms.editor import bind, editor_forms
from budgetapp.targets.forms.row_ids import _ID_MESSAGES, RowIdFields
from budgetapp.targets.forms.widgets import HiddenInput

from .conftest import login
from .html_forms import read_form


def _posted(client, project) -> QueryDict:
    """The editor's page as posted, with its second indicator deleted and a row added."""
    html = client.get(reverse("targets:project_edit", args=[project.pk])).content.decode()
    data = QueryDict(mutable=True)
    for name, value in read_form(html).pairs:
        data.appendlist(name, value)
    total = int(data["indicators-TOTAL_FORMS"])
    data["indicators-TOTAL_FORMS"] = str(total + 1)
    data["indicators-1-DELETE"] = "on"
    data[f"indicators-{total}-name"] = "新增指标"
    data[f"indicators-{total}-order"] = "9"
    return data


def _forms(data, project) -> list:
    form_class, sections = editor_forms(project)
    _, formsets = bind(data, project, form_class, sections)
    return [(fs, form) for _, fs in formsets for form in [*fs.forms, fs.empty_form]]


@pytest.mark.parametrize("posted", [False, True])
def test_row_ids_as_django_generated_them(client, users, project, monkeypatch, posted):
    login(client, users["owner"])
    data = _posted(client, project) if posted else None
    built = []
    original = forms.ModelChoiceField.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(forms.ModelChoiceField, "__init__", counting)
    quick = _forms(data, project)
    assert built == []  # no ModelChoiceField made only to be replaced
    monkeypatch.setattr(RowIdFields, "add_fields", BaseModelFormSet.add_fields)
    stock = _forms(data, project)
    assert len(built) == len(stock) > 4
    for (formset, form), (_, django_form) in zip(quick, stock, strict=True):
        row_id, generated = form.fields["id"], django_form.fields["id"]
        assert isinstance(row_id, ListedObjectField)
        assert isinstance(generated, forms.ModelChoiceField)
        assert list(form.fields) == list(django_form.fields)
        assert row_id.initial == generated.initial and row_id.required == generated.required
        assert {k: str(v) for k, v in row_id.error_messages.items()} == {
            k: str(v) for k, v in generated.error_messages.items()
        }
        assert str(form["id"]) == str(django_form["id"])
        assert set(row_id.by_key) == {str(row.pk) for row in formset.get_queryset()}
    initials = [form.fields["id"].initial for _, form in quick]
    assert None in initials and any(initials)  # new rows and the blank row; saved rows


def test_a_posted_id_of_another_row_is_refused(client, users, project):
    login(client, users["owner"])
    data = _posted(client, project)
    data["indicators-0-id"] = "999999"
    form_class, sections = editor_forms(project)
    _, formsets = bind(data, project, form_class, sections)
    indicators = dict((section.key, fs) for section, fs in formsets)["indicators"]
    assert not indicators.is_valid()
    assert "id" in indicators.forms[0].errors


@pytest.mark.parametrize("posted", [False, True])
def test_each_row_id_is_the_field_built_for_that_row(client, users, project, monkeypatch, posted):
    """One id field is built per formset; each row's copy is what building the field for that
    row gives (its initial value set), sharing none of its mutable parts."""
    login(client, users["owner"])
    data = _posted(client, project) if posted else None
    built = []
    original = ListedObjectField.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ListedObjectField, "__init__", counting)
    quick = _forms(data, project)
    ids = [form.fields["id"] for _, form in quick]
    assert len([field for field in built if field in ids]) == 0
    formsets = {id(fs) for fs, _ in quick}
    id_fields = [f for f in built if f.widget.is_hidden]
    assert len(id_fields) == len(formsets)  # one per formset, not one per row
    for formset, form in quick:
        field = form.fields["id"]
        fresh = existing_rows_field(
            formset._rows_by_key,
            initial=field.initial,
            widget=HiddenInput(),
            error_messages=_ID_MESSAGES,
        )
        # Django's formset makes a saved row's id required after adding it (the test above
        # compares that with Django's own field).
        fresh.required = field.required
        assert type(field) is type(fresh)
        assert field.__dict__.keys() == fresh.__dict__.keys()
        for key, value in fresh.__dict__.items():
            if key != "widget":
                assert getattr(field, key) == value, key
        assert type(field.widget) is type(fresh.widget)
        assert field.widget.__dict__ == fresh.widget.__dict__
        assert field.by_key is formset._rows_by_key
    fields = [form.fields["id"] for _, form in quick]
    assert len({id(f.widget.attrs) for f in fields}) == len(fields)
    assert len({id(f.error_messages) for f in fields}) == len(fields)
