"""A save's revision takes the rows the save wrote instead of reading them again (issue 17),
and only where they are exactly what a read gives: every save here compares the revision it
wrote (snapshot and frozen layout) with one built from a fresh read of the table, and the rows
it was handed with the rows read afresh, field by field, value and type. Where a row cannot be
proved equal (a Decimal the database would round, more digits than SQLite gives back, -0), its
list is read as before."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.targets import services
from budgetapp.targets.models import (
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
    Revision,
)
from budgetapp.targets.models.base import INDICATOR_RELATED
from budgetapp.targets.revisions import _rows_read_once, ensure_revision, frozen_layout
from budgetapp.targets.snapshots import ROW_SECTIONS, serialize_table
from budgetapp.units.models import LayoutFamily

from .conftest import login
from .forms_data import append_row, department_with_rows, editor_post
from .html_forms import read_form


@pytest.fixture
def handed(monkeypatch) -> list[dict]:
    """The row lists each save hands its revision (by related name); the table it was given
    is kept under the key None."""
    seen: list[dict] = []
    record = services.record_revision

    def spy(table, **kwargs):
        seen.append({None: table, **(kwargs.get("rows") or {})})
        return record(table, **kwargs)

    monkeypatch.setattr(services, "record_revision", spy)
    return seen


def _indicator(category, level1: str, level2: str | None, name: str, target: str) -> dict:
    return {
        "level1": category(level1).pk,
        "level2": category(level1, level2).pk if level2 else "",
        "name": name,
        "target": target,
        "basis": "工作计划",
    }


def _stored(row) -> list[tuple[str, type, str]]:
    """Every stored field of a row: name, type and text of its value (Decimal places too)."""
    return [
        (field.attname, type(value), str(value))
        for field in row._meta.concrete_fields
        for value in [getattr(row, field.attname)]
    ]


def _related(row, paths: tuple[str, ...]) -> list:
    found = []
    for path in paths:
        current = row
        for name in path.split("__"):
            current = getattr(current, name) if current is not None else None
            found.append((path, name, None if current is None else _stored(current)))
    return found


def _reads_of(queries: CaptureQueriesContext, model) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and f"FROM {table}" in query["sql"]
    )


def _save(client, url: str, data: dict, handed: list[dict], table) -> CaptureQueriesContext:
    """Post the editor's form; check that the revision it wrote is the one its table gives
    with every row list read afresh (as revisions were built before), and that the rows it was
    handed are those rows, field by field."""
    handed.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert "/edit/" not in response["Location"]
    _check(handed, type(table))
    return queries


def _check(handed: list[dict], model) -> None:
    (rows,) = handed
    saved = rows.pop(None)
    revision = Revision.of(saved).get(version=saved.version)
    # The saved table (its fields as the save left them) with its rows read now.
    read = _rows_read_once(saved)
    assert set(read._prefetched_objects_cache) == set(ROW_SECTIONS[model])
    expected_data, expected_layout = serialize_table(read), frozen_layout(read)
    assert expected_layout is not None
    assert revision.data == expected_data
    assert revision.layout == expected_layout
    assert json.dumps(revision.data, sort_keys=True) == json.dumps(expected_data, sort_keys=True)
    assert json.dumps(revision.layout, sort_keys=True) == json.dumps(
        expected_layout, sort_keys=True
    )
    # What a reader of the table sees afresh, its fields read too.
    assert revision.data == serialize_table(model.objects.get(pk=saved.pk))
    for section, given in rows.items():
        fresh = list(read._prefetched_objects_cache[section])
        related = INDICATOR_RELATED if section == "indicators" else ()
        assert [_stored(row) for row in given] == [_stored(row) for row in fresh], section
        assert [_related(row, related) for row in given] == [
            _related(row, related) for row in fresh
        ]


@pytest.fixture
def editor(client, users, project, category):
    """The project's editor, signed in, with four more indicator rows and a second goal."""
    ProjectGoal.objects.create(table=project, order=2, text="提高残疾人就业服务水平")
    for order, (level1, level2, name, target) in enumerate(
        [
            ("产出指标", "质量指标", "服务合格率", "≥98.5%"),
            ("产出指标", "时效指标", "完成时间", "2021年12月底前"),
            ("效益指标", "社会效益指标", "残疾人就业率", "提高"),
            ("效益指标", None, "人均成本", "≤0.5万元"),
        ],
        3,
    ):
        ProjectIndicator.objects.create(
            table=project,
            order=order,
            level1=category(level1),
            level2=category(level1, level2) if level2 else None,
            name=name,
            target=target,
        )
    ensure_revision(project)  # its baseline, which a first save would read the rows for
    login(client, users["owner"])
    return reverse("targets:project_edit", args=[project.pk])


def test_an_unchanged_page_hands_both_lists_and_reads_them_once(client, editor, project, handed):
    data = editor_post(client, editor)
    data["fund_use"] = "只改资金用途"
    queries = _save(client, editor, data, handed, project)
    assert set(handed[0]) == {"goals", "indicators"}
    # The formsets' reads only: the revision reads neither list again.
    assert _reads_of(queries, ProjectGoal) == 1
    assert _reads_of(queries, ProjectIndicator) == 1


def test_decimals_of_any_places_are_handed_with_their_columns_places(
    client, editor, project, handed
):
    data = editor_post(client, editor)
    targets = ["≥95%", "≤0.5元", "3.10", "0", "12.345678万元", "12345678901234人"]
    for index, target in enumerate(targets):
        data[f"indicators-{index}-target"] = target
    _save(client, editor, data, handed, project)
    rows = handed[0]["indicators"]
    assert sorted(str(row.target_number) for row in rows) == [
        "0.000000",
        "0.500000",
        "12.345678",
        "12345678901234.000000",
        "3.100000",
        "95.000000",
    ]
    # The form's instances keep what the form made of the text (copies were handed).
    assert ProjectIndicator.objects.filter(table=project).count() == 6


@pytest.mark.parametrize(
    "target",
    [
        "≥0.1234567",  # seven places: the database rounds to six
        "1234567890.123456",  # sixteen significant digits: SQLite keeps fifteen
        "-0",  # the sign of zero: not every database keeps it
    ],
)
def test_a_value_a_read_could_give_back_otherwise_is_read(client, editor, project, handed, target):
    data = editor_post(client, editor)
    data["indicators-1-target"] = target
    queries = _save(client, editor, data, handed, project)
    assert set(handed[0]) == {"goals"}
    assert _reads_of(queries, ProjectIndicator) == 2


def test_reordered_new_deleted_and_blank_rows(client, editor, project, handed, category):
    data = editor_post(client, editor)
    # Goals: the second moved up, a third added, the first deleted.
    data["goals-0-order"], data["goals-1-order"] = "2", "1"
    append_row(data, "goals", text="新增的目标")
    data["goals-0-DELETE"] = "on"
    # Indicators: two rows swapped inside their group, one deleted, blanks emptied, and rows
    # added at the end under groups above (regrouped on save), one with no 二级.
    data["indicators-2-order"], data["indicators-3-order"] = "4", "3"
    data["indicators-4-DELETE"] = "on"
    data["indicators-0-description"] = ""
    data["indicators-0-basis"] = ""
    data["indicators-1-level2"] = ""
    append_row(
        data, "indicators", **_indicator(category, "产出指标", "数量指标", "新增人数", "20人")
    )
    append_row(data, "indicators", **_indicator(category, "满意度指标", None, "家属满意度", "≥90%"))
    append_row(data, "indicators", **_indicator(category, "效益指标", None, "新增成本", ""))
    _save(client, editor, data, handed, project)
    assert set(handed[0]) == {"goals", "indicators"}
    names = [row.name for row in handed[0]["indicators"]]
    assert "新增人数" in names and "人均成本" in names and "残疾人就业率" not in names
    assert [goal.text for goal in handed[0]["goals"]] == ["提高残疾人就业服务水平", "新增的目标"]


def test_a_row_posted_twice(client, editor, project, handed):
    """A page whose second goal and second indicator carry the first one's id: the first row is
    saved from the later form, the second row, which no form holds, stays as it was."""
    data = editor_post(client, editor)
    data["goals-1-id"] = data["goals-0-id"]
    data["goals-1-text"] = "第二个表单的内容"
    data["indicators-1-id"] = data["indicators-0-id"]
    queries = _save(client, editor, data, handed, project)
    assert "goals" in handed[0]
    # An indicator row no form holds has no 一级/二级 loaded: its list is read.
    assert "indicators" not in handed[0]
    assert _reads_of(queries, ProjectIndicator) == 2


def test_every_row_deleted(client, editor, project, handed):
    data = editor_post(client, editor)
    for index in range(int(data["indicators-TOTAL_FORMS"])):
        data[f"indicators-{index}-DELETE"] = "on"
    _save(client, editor, data, handed, project)
    assert handed[0]["indicators"] == []


def test_a_new_table(client, users, year, category, handed):
    login(client, users["owner"])
    url = reverse("targets:project_create", args=[year.year])
    data = editor_post(client, url)
    data.update(
        {
            "name": "新建项目",
            "budget_total": "12.5",
            "budget_fiscal": "12.5",
            "budget_other": "0",
        }
    )
    append_row(data, "goals", text="目标一")
    append_row(
        data, "indicators", **_indicator(category, "产出指标", "数量指标", "人数", "≥17.5人")
    )
    handed.clear()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    _check(handed, ProjectTable)
    assert set(handed[0]) == {"goals", "indicators"}
    assert str(handed[0]["indicators"][0].target_number) == "17.500000"


def _department(tree, year, category, layout: str) -> DepartmentTable:
    rows = [
        (1, "产出指标", "数量指标", "康复服务人数"),
        (2, "满意度指标", "服务对象满意度指标", "服务对象满意度"),
        (1, "效益指标", "社会效益指标", "生活改善"),
    ]
    table = department_with_rows(tree, year, category, layout, rows)
    ensure_revision(table)
    return table


def test_department_tasks_with_money_of_any_places(client, users, tree, year, category, handed):
    table = _department(tree, year, category, LayoutFamily.GUANGDONG)
    DepartmentTask.objects.create(table=table, order=1, name="已有任务", amount="7.10")
    login(client, users["owner"])
    url = reverse("targets:department_edit", args=[table.pk])
    data = editor_post(client, url)
    for amount in ["100", "1.5", "0.05", "", "1,273.72", "1234567890123.45"]:
        append_row(data, "tasks", kind="key", name=f"任务{amount}", amount=amount)
    data["tasks-0-order"] = "9"
    _save(client, url, data, handed, table)
    assert set(handed[0]) == {"tasks", "indicators"}
    assert [str(task.amount) for task in handed[0]["tasks"]] == [
        "100.00",
        "1.50",
        "0.05",
        "None",
        "1273.72",
        "1234567890123.45",
        "7.10",
    ]

    data = editor_post(client, url)
    append_row(data, "tasks", kind="other", name="大额", amount="12345678901234.56")
    queries = _save(client, url, data, handed, table)
    assert "tasks" not in handed[0]  # sixteen digits: read again
    assert _reads_of(queries, DepartmentTask) == 2


def test_hubei_rows_in_their_annual_goals(client, users, tree, year, category, handed):
    table = _department(tree, year, category, LayoutFamily.HUBEI)
    login(client, users["owner"])
    url = reverse("targets:department_edit", args=[table.pk])
    data = editor_post(client, url)
    append_row(
        data,
        "indicators",
        goal_no=1,
        **_indicator(category, "产出指标", "质量指标", "合格率", "100%"),
    )
    append_row(
        data, "indicators", goal_no="", **_indicator(category, "效益指标", None, "成本", "≤3万元")
    )
    data["indicators-1-goal_no"] = "1"
    data["indicators-0-value_prev1"] = ""
    _save(client, url, data, handed, table)
    # The lists a Hubei editor does not show (paragraphs, tasks) are read.
    assert set(handed[0]) == {"indicators"}
    assert [row.goal_no for row in handed[0]["indicators"]] == sorted(
        row.goal_no for row in handed[0]["indicators"]
    )


def test_the_admin_reads_its_rows(client, users, project, handed):
    """The admin's saves check no version: their revisions read the rows (as before)."""
    login(client, users["admin"])
    url = reverse("admin:targets_projecttable_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = read_form(page.content.decode(), attr="id", value="projecttable_form").as_dict()
    data["fund_use"] = "管理员更正"
    response = client.post(url, data)
    assert response.status_code == 302
    assert len(handed) == 1 and set(handed[0]) == {None}
    fresh = ProjectTable.objects.get(pk=project.pk)
    assert Revision.of(fresh).get(version=fresh.version).data == serialize_table(fresh)


def test_hebei_paragraphs(client, users, tree, year, category, handed):
    table = _department(tree, year, category, LayoutFamily.HEBEI)
    DepartmentSubGoal.objects.create(table=table, order=1, title="目标一", text="内容")
    login(client, users["owner"])
    url = reverse("targets:department_edit", args=[table.pk])
    data = editor_post(client, url)
    append_row(data, "sub_goals", title="", text="没有标题的目标")
    append_row(data, "measures", title="措施", text="")
    data["sub_goals-0-order"] = "5"
    _save(client, url, data, handed, table)
    assert set(handed[0]) == {"sub_goals", "measures"}
    assert [goal.text for goal in handed[0]["sub_goals"]] == ["没有标题的目标", "内容"]
