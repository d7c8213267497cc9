"""The editor's rows rendered in Python (targets/templatetags/row_tags.py) are exactly what
templates/targets/_row.html renders: every section of both editors in every layout, saved rows,
the empty row, rows with errors, rows marked for deletion, rows with last year's values."""

from __future__ import annotations

import pytest
from django.forms.formsets import ManagementForm
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from budgetapp.targets.forms.editor import bind, editor_forms
from budgetapp.targets.forms.widgets import HiddenInput as FastHidden
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentTable,
    DepartmentTask,
    ProjectIndicator,
)
from budgetapp.targets.templatetags.row_tags import editor_rows, row_html
from budgetapp.targets.views.editing import number_rows

from .conftest import login
from .html_forms import read_form


def _compare(table, data: dict | None = None, *, row_error: str = "") -> tuple[int, str]:
    """Bind the table's editor (to `data` if given, validated), number its rows as the view
    does and compare every row, and each section's empty row, with the template: how many,
    and their HTML."""
    form_class, sections = editor_forms(table)
    query = None
    if data is not None:
        query = QueryDict(mutable=True)
        for name, value in data.items():
            query.setlist(name, value if isinstance(value, list) else [value])
    form, formsets = bind(query, table, form_class, sections)
    if query is not None:
        form.is_valid()
        for _, formset in formsets:
            formset.is_valid()
            if row_error and formset.forms:
                formset.forms[0].add_error(None, row_error)
    number_rows(formsets)
    compared, html = 0, ""
    for section, formset in formsets:
        for row_form in [*formset.forms, formset.empty_form]:
            expected = render_to_string("targets/_row.html", {"form": row_form, "section": section})
            assert row_html(row_form, section) == expected, (section.key, row_form.prefix)
            compared += 1
            html += expected
    return compared, html


def _posted(client, url: str) -> dict:
    """The editor page's form as the browser posts it, with every value a list."""
    data: dict[str, list[str]] = {}
    for name, value in read_form(client.get(url).content.decode()).pairs:
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def project_rows(project, category):
    ProjectIndicator.objects.filter(table=project, order=1).update(
        value_prev1='<15人>&"', value_prev2=""
    )
    ProjectIndicator.objects.filter(table=project, order=2).update(value_prev2="≥90%")
    return project


def test_project_rows_as_loaded(project_rows):
    # One goal row and the empty one; two indicator rows (last year's values) and the empty one.
    count, html = _compare(project_rows)
    assert count == 5
    assert 'data-role="value-prev1">&lt;15人&gt;&amp;&quot;</span>' in html
    assert 'data-role="value-prev1">—</span>' in html and "≥90%" in html
    assert 'data-anchor="indicator:' in html and "invalid-feedback" not in html


def test_project_rows_with_errors_deletion_and_a_new_row(client, users, project_rows):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project_rows.pk])
    data = _posted(client, url)
    data["indicators-0-name"] = [""]  # required: an error under the input
    data["indicators-0-target"] = ['<script>"&</script>']
    data["indicators-1-DELETE"] = ["on"]
    data["indicators-1-order"] = ["第二"]  # an error of a hidden input
    total = int(data["indicators-TOTAL_FORMS"][0])
    data["indicators-TOTAL_FORMS"] = [str(total + 1)]
    data[f"indicators-{total}-name"] = ["新<指标>"]
    data[f"indicators-{total}-level1"] = ["999999"]  # not of this framework
    data[f"indicators-{total}-order"] = ["9"]
    count, html = _compare(project_rows, data, row_error="整行的<错误>")
    assert count == 6
    assert "table-danger-subtle" in html and 'data-role="delete" checked' in html
    assert "整行的&lt;错误&gt;" in html and "请填写三级指标名称。" in html
    assert "&lt;script&gt;" in html and "所选一级指标不属于本表的指标体系。" in html


@pytest.mark.parametrize("layout", ["hebei", "guangdong", "hubei"])
def test_department_rows_in_every_layout(client, users, project, category, layout):
    unit = project.unit
    unit.layout_override = layout
    unit.save()
    table = DepartmentTable.objects.create(
        unit=unit, year=project.year, framework=project.framework
    )
    DepartmentIndicator.objects.create(
        table=table,
        order=1,
        level1=category("产出指标"),
        name="培训人次",
        target="≥100人次",
        value_prev1="80人次",
        value_prev2="<60>",
    )
    DepartmentMeasure.objects.create(table=table, order=1, title="制度", text="建立<制度>")
    DepartmentTask.objects.create(table=table, order=1, name="康复服务", content="入户")
    count, html = _compare(table)
    # hebei: 分目标 and 保障措施; guangdong: 重点工作任务 and 绩效指标; hubei: 绩效指标 (its own
    # 上年/前年 columns, so no last-year note under the value).
    assert count == {"hebei": 3, "guangdong": 4, "hubei": 2}[layout]
    assert ("建立&lt;制度&gt;" in html) == (layout == "hebei")
    assert ('data-role="value-prev2">&lt;60&gt;</span>' in html) == (layout == "guangdong")
    login(client, users["owner"])
    data = _posted(client, reverse("targets:department_edit", args=[table.pk]))
    for name in list(data):
        if name.endswith("-0-name") or name.endswith("-0-title"):
            data[name] = [""]
    count, html = _compare(table, data, row_error="整行的错误")
    assert count >= 2 and "table-danger-subtle" in html and "整行的错误" in html


def test_a_sections_rows_in_one_tag_and_its_management_form(client, users, project_rows):
    """`editor_rows` is the loop of `editor_row` it replaces, and the formset's management
    form (its inputs rendered in Python) is Django's: unbound, and bound to a posted page."""
    login(client, users["owner"])
    posted = _posted(client, reverse("targets:project_edit", args=[project_rows.pk]))
    loop = Template(
        "{% load row_tags %}{% for form in formset %}{% editor_row form section %}{% endfor %}"
    )
    form_class, sections = editor_forms(project_rows)
    for data in (None, posted):
        query = None
        if data is not None:
            query = QueryDict(mutable=True)
            for name, values in data.items():
                query.setlist(name, values)
        _, formsets = bind(query, project_rows, form_class, sections)
        for _, formset in formsets:
            assert formset.is_valid() or query is None
        number_rows(formsets)
        for section, formset in formsets:
            expected = loop.render(Context({"formset": formset, "section": section}))
            assert editor_rows(formset, section) == expected and 'data-role="row"' in expected
            stock = ManagementForm(
                query,
                auto_id=formset.auto_id,
                prefix=formset.prefix,
                initial=None if query is not None else formset.management_form.initial,
            )
            assert str(formset.management_form) == str(stock)
            assert isinstance(formset.management_form["TOTAL_FORMS"].field.widget, FastHidden)
            assert 'type="hidden"' in str(stock)


def test_rows_as_loaded_build_no_bound_field(project_rows):
    """The editor's rows (unbound, as a GET shows them) are rendered without a BoundField
    (targets/forms/inputs.py), and stay what the template renders."""
    form_class, sections = editor_forms(project_rows)
    _, formsets = bind(None, project_rows, form_class, sections)
    number_rows(formsets)
    for section, formset in formsets:
        rows = [*formset.forms, formset.empty_form]
        html = [row_html(form, section) for form in rows]
        assert all(not form._bound_fields_cache for form in rows)
        for form, row in zip(rows, html, strict=True):
            assert row == render_to_string("targets/_row.html", {"form": form, "section": section})


@pytest.mark.parametrize("bound", [False, True])
def test_a_row_form_of_its_own_with_required_inputs(project_rows, category, bound):
    """A row form outside a formset draws the `required` attribute (a formset's do not): the
    required name and 一级 (a select whose first option is empty), the optional 二级, selects
    with and without a chosen option, the empty row's __prefix__ and a row with typed values
    that fail."""
    section = next(s for s in editor_forms(project_rows)[1] if s.key == "indicators")
    form_class = section.formset_class.form
    level1 = category("产出指标")
    for prefix in ("indicators-__prefix__", "indicators-5"):
        data = None
        if bound:
            data = QueryDict(mutable=True)
            data.update(
                {
                    f"{prefix}-level1": str(level1.pk),
                    f"{prefix}-level2": "999999",
                    f"{prefix}-name": "",
                    f"{prefix}-target": '<"≥95%">',
                    f"{prefix}-order": "第三",
                }
            )
        fast = form_class(data, prefix=prefix, framework=project_rows.framework)
        stock = form_class(data, prefix=prefix, framework=project_rows.framework)
        fast.row_number = stock.row_number = 3
        html = row_html(fast, section)
        assert html == render_to_string("targets/_row.html", {"form": stock, "section": section})
        assert 'required id="id_indicators-' in html
        assert (f'value="{level1.pk}" selected' in html) == bound
        # Bound: 二级 999999 is no option, so none is selected; unbound: the empty ones.
        assert ("aria-invalid" in html) == bound and ('value="" selected' in html) != bound
