"""The rows' forms skip work Django repeats per row, and validate exactly as before (issue 17):

- each row's deletion box and hidden key to the table are copies of one built per formset
  (targets/forms/row_ids.py, rows.py), not built anew for every row;
- neither a row form nor its formset works out Django's unique checks for a row model whose
  only unique field is its id (forms/uniqueness.py: nothing to ask the database, nothing to
  compare across the rows).

Each editor's formsets, bound to pages with saved, new, deleted, blank, invalid and duplicated
rows, are compared with Django's own way: the same fields (attribute by attribute, widgets,
HTML), the same errors and messages, the same validity and changes.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from django.forms.formsets import BaseFormSet
from django.forms.models import BaseInlineFormSet, BaseModelForm, BaseModelFormSet
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.targets.forms.editor import bind, editor_forms
from budgetapp.targets.forms.row_ids import RowIdFields
from budgetapp.targets.forms.rows import BaseRowFormSet, RowForm
from budgetapp.targets.forms.uniqueness import RowsUniqueById, unique_only_by_id
from budgetapp.targets.forms.widgets import speed_up
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
)
from budgetapp.units.models import LayoutFamily

from .conftest import login
from .forms_data import append_row
from .html_forms import read_form

ROW_MODELS = [
    ProjectGoal,
    ProjectIndicator,
    DepartmentIndicator,
    DepartmentTask,
    DepartmentSubGoal,
    DepartmentMeasure,
]


def _stock(monkeypatch) -> None:
    """Django's way: its add_fields for the deletion box and the table's key, its per-row
    unique validation."""

    def add_fields(self, form, index):
        BaseInlineFormSet.add_fields(self, form, index)
        speed_up(form)

    monkeypatch.setattr(BaseRowFormSet, "add_fields", add_fields)
    monkeypatch.setattr(RowIdFields, "_add_deletion_box", BaseFormSet.add_fields)
    monkeypatch.setattr(RowForm, "validate_unique", BaseModelForm.validate_unique)
    monkeypatch.setattr(RowsUniqueById, "validate_unique", BaseModelFormSet.validate_unique)


def _posted(client, url: str, change) -> QueryDict:
    html = client.get(url).content.decode()
    data = QueryDict(mutable=True)
    for name, value in read_form(html).pairs:
        data.appendlist(name, value)
    change(data)
    return data


def _field(field) -> dict:
    found = {
        key: str(value) if key == "label" else value
        for key, value in field.__dict__.items()
        if key != "widget"
    }
    found["error_messages"] = {k: str(v) for k, v in field.error_messages.items()}
    found["widget"] = (type(field.widget), field.widget.__dict__)
    return found


def _outcome(table, data: QueryDict | None) -> list:
    """Everything validation gives for the editor of `table` bound to `data`."""
    form_class, sections = editor_forms(type(table).objects.get(pk=table.pk))
    _, formsets = bind(data, table, form_class, sections)
    found = []
    for section, formset in formsets:
        valid = formset.is_valid() if data is not None else None
        found.append((section.key, valid, [str(e) for e in formset.non_form_errors()]))
        for form in [*formset.forms, formset.empty_form]:
            found.append(
                (
                    list(form.fields),
                    {name: _field(field) for name, field in form.fields.items()},
                    {name: str(form[name]) for name in form.fields},
                    {k: [str(m) for m in v] for k, v in form.errors.items()} if data else {},
                    form.has_changed() if data else None,
                )
            )
    return found


def _compare(monkeypatch, table, data: QueryDict | None) -> None:
    assert all(unique_only_by_id(model) for model in ROW_MODELS)  # worked out (once) first
    checked: list[type] = []
    original = Model._get_unique_checks

    def counting(self, exclude=None, include_meta_constraints=False):
        checked.append(type(self))
        return original(self, exclude, include_meta_constraints)

    monkeypatch.setattr(Model, "_get_unique_checks", counting)
    with CaptureQueriesContext(connection) as quick_queries:
        quick = _outcome(table, data)
    quick_checked = [model for model in checked if model in ROW_MODELS]
    checked.clear()
    with monkeypatch.context() as stock:
        _stock(stock)
        with CaptureQueriesContext(connection) as stock_queries:
            expected = _outcome(table, data)
    assert quick == expected
    assert len(quick_queries) == len(stock_queries)
    assert quick_checked == []
    if data is not None:
        assert [model for model in checked if model in ROW_MODELS]  # Django's checks ran


def _project_page(data: QueryDict) -> None:
    total = int(data["indicators-TOTAL_FORMS"])
    data["indicators-1-DELETE"] = "on"
    append_row(data, "indicators", name="新增指标", target="≥1")  # no 一级: refused
    append_row(data, "indicators", level1="999999", name="x" * 201)  # not a choice, too long
    data[f"indicators-{total + 2}-order"] = ""  # a row added and left blank
    data["indicators-0-name"] = ""
    data["goals-0-order"] = "abc"
    append_row(data, "goals", text="新目标", DELETE="on")


@pytest.mark.parametrize("posted", [False, True])
def test_project_rows_validate_as_django(client, users, project, monkeypatch, posted):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = _posted(client, url, _project_page) if posted else None
    _compare(monkeypatch, project, data)


def test_a_valid_page_and_duplicated_rows(client, users, project, monkeypatch):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    _compare(monkeypatch, project, _posted(client, url, lambda data: None))

    def duplicated(data: QueryDict) -> None:
        # A new row carrying a saved row's id, and a saved row's id posted twice.
        append_row(data, "goals", text="同一行", id=data["goals-0-id"])
        data["indicators-1-id"] = data["indicators-0-id"]

    _compare(monkeypatch, project, _posted(client, url, duplicated))


@pytest.mark.parametrize("layout", [LayoutFamily.GUANGDONG, LayoutFamily.HUBEI, LayoutFamily.HEBEI])
def test_department_rows_validate_as_django(
    client, users, tree, year, category, monkeypatch, layout
):
    province = tree["own"].region.parent.parent
    province.layout = layout
    province.save()
    table = DepartmentTable.objects.create(unit=tree["own"], year=year, framework=year.framework)
    DepartmentIndicator.objects.create(
        table=table, order=1, level1=category("产出指标"), name="人数", target="≥1"
    )
    DepartmentTask.objects.create(table=table, order=1, name="任务", amount="1.5")
    DepartmentSubGoal.objects.create(table=table, order=1, title="目标")
    login(client, users["owner"])
    url = reverse("targets:department_edit", args=[table.pk])

    def page(data: QueryDict) -> None:
        if "tasks-TOTAL_FORMS" in data:
            append_row(data, "tasks", kind="key", name="新任务", amount="-1")
            append_row(data, "tasks", kind="nope", name="", amount="1.234")
        if "indicators-TOTAL_FORMS" in data:
            append_row(data, "indicators", goal_no="0", level1=category("效益指标").pk, name="新")
        if "sub_goals-TOTAL_FORMS" in data:
            append_row(data, "sub_goals", title="标题\x07", text="")
            data["sub_goals-0-DELETE"] = "on"

    _compare(monkeypatch, table, None)
    _compare(monkeypatch, table, _posted(client, url, page))


def test_only_row_models_checked_by_their_id_alone_are_skipped():
    assert all(unique_only_by_id(model) for model in ROW_MODELS)
    # Unique constraints (project name per unit and year), a unique field (the user's name).
    assert not unique_only_by_id(ProjectTable)
    assert not unique_only_by_id(get_user_model())
