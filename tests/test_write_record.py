"""Every write is on the record, and frozen tables stay frozen (issue 13 §2).

Each write path — editor create/edit/delete, import, carry-forward, the Django admin — leaves a
`Revision` naming who, from which address and through which path, with the old and new values.
Submitted, approved and published tables cannot be changed or deleted in the admin. Closed
budget years and deactivated units are refused by every write service.
"""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from budgetapp.core.errors import TableError
from budgetapp.exports.registry import export_table
from budgetapp.imports.apply import import_workbook
from budgetapp.imports.reader import read_workbook
from budgetapp.review import services as review
from budgetapp.targets import carry, services
from budgetapp.targets.models import (
    ProjectGoal,
    ProjectTable,
    Revision,
    RevisionAction,
    Status,
)
from budgetapp.units.models import BudgetYear

from .conftest import login, publish
from .forms_data import existing_rows, project_post

IP = "203.0.113.7"


def _revisions(pk: int) -> list[Revision]:
    kind = ContentType.objects.get_for_model(ProjectTable)
    return list(Revision.objects.filter(content_type=kind, object_id=pk).order_by("version"))


def _field_change(revision: Revision, label: str) -> tuple[str, str]:
    (change,) = [c for c in revision.changes["fields"] if c["label"] == label]
    return change["old"], change["new"]


# --- the admin --------------------------------------------------------------------------------


class _FormValues(HTMLParser):
    """The values a browser would post back from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data) -> None:
        if self._textarea:
            self.values[self._textarea] += (
                data.lstrip("\n") if not self.values[self._textarea] else data
            )


def _admin_form(client, table: ProjectTable) -> dict[str, str]:
    page = client.get(reverse("admin:targets_projecttable_change", args=[table.pk]))
    assert page.status_code == 200
    parser = _FormValues()
    parser.feed(page.content.decode())
    values = {k: v for k, v in parser.values.items() if "__prefix__" not in k}
    values.pop("_save", None)
    return values


def test_admin_edit_of_a_published_table_is_refused(client, users, project):
    """The acceptance test: name and 预算数 posted for a published table change nothing."""
    login(client, users["admin"])
    edited = _admin_form(client, project) | {"name": "后台改名", "budget_total": "999.00"}
    publish(project, users)
    revisions_before = len(_revisions(project.pk))
    version = project.version
    url = reverse("admin:targets_projecttable_change", args=[project.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name"' not in html and "内容已冻结" in html

    response = client.post(url, edited)

    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "残疾人就业服务中心运转经费"
    assert project.budget_total == Decimal("110000.00")
    assert project.status == Status.PUBLISHED and project.version == version
    assert len(_revisions(project.pk)) == revisions_before


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED])
def test_admin_cannot_delete_a_frozen_table_or_its_rows(client, users, project, status):
    login(client, users["admin"])
    ProjectTable.objects.filter(pk=project.pk).update(status=status)
    delete = reverse("admin:targets_projecttable_delete", args=[project.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:targets_projecttable_changelist"),
        {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert ProjectTable.objects.filter(pk=project.pk).exists()
    assert ProjectGoal.objects.filter(table=project).count() == 1


def test_admin_edit_of_a_draft_goes_through_the_service_and_is_recorded(client, users, project):
    login(client, users["admin"])
    edited = _admin_form(client, project) | {"name": "后台更正的名称", "budget_total": "120000"}
    edited["budget_fiscal"] = "120000"

    response = client.post(
        reverse("admin:targets_projecttable_change", args=[project.pk]), edited, REMOTE_ADDR=IP
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.name == "后台更正的名称" and project.version == 2
    assert project.updated_by == users["admin"]
    *_, baseline, last = _revisions(project.pk)
    assert baseline.action == RevisionAction.BASELINE and baseline.version == 1
    assert last.action == RevisionAction.ADMIN and last.version == 2
    assert last.saved_by == users["admin"] and last.client_ip == IP
    assert _field_change(last, "项目名称") == ("残疾人就业服务中心运转经费", "后台更正的名称")
    assert _field_change(last, "预算数") == ("110,000.00", "120,000.00")


def test_admin_delete_of_a_draft_leaves_a_record_that_outlives_the_table(client, users, project):
    login(client, users["admin"])
    pk = project.pk
    response = client.post(
        reverse("admin:targets_projecttable_delete", args=[pk]), {"post": "yes"}, REMOTE_ADDR=IP
    )
    assert response.status_code == 302
    assert not ProjectTable.objects.filter(pk=pk).exists()
    last = _revisions(pk)[-1]
    assert last.action == RevisionAction.DELETE and last.version == 2
    assert last.saved_by == users["admin"] and last.client_ip == IP
    assert last.data["fields"]["name"] == "残疾人就业服务中心运转经费"
    assert [r["name"] for r in last.data["rows"]["indicators"]] == [
        "保障正常办公人数",
        "单位工作人员满意度",
    ]


def test_revisions_are_read_only_in_the_admin(client, users, project):
    login(client, users["admin"])
    services.delete_project_table(user=users["owner"], table=project, ip=IP)
    record = Revision.objects.get(action=RevisionAction.DELETE)
    assert client.get(reverse("admin:targets_revision_changelist")).status_code == 200
    change = reverse("admin:targets_revision_change", args=[record.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"version": "9"}).status_code == 403
    assert (
        client.post(reverse("admin:targets_revision_delete", args=[record.pk])).status_code == 403
    )
    assert Revision.objects.filter(pk=record.pk, version=2).exists()


# --- the editor, import and carry-forward ------------------------------------------------------


def test_editor_create_is_recorded_with_who_and_ip(client, users, year):
    login(client, users["owner"])
    response = client.post(
        reverse("targets:project_create", args=[2021]), project_post(), REMOTE_ADDR=IP
    )
    assert response.status_code == 302
    table = ProjectTable.objects.get(name="残疾人康复经费")
    (revision,) = _revisions(table.pk)
    assert revision.action == RevisionAction.CREATE and revision.version == 1
    assert revision.saved_by == users["owner"] and revision.client_ip == IP
    assert revision.data["fields"]["budget_total"] == "50,000.00"


def test_editor_edit_is_recorded_with_old_and_new_values(client, users, project, category):
    login(client, users["owner"])
    rows = existing_rows(project, category)
    rows[0]["target"] = "18人"
    response = client.post(
        reverse("targets:project_edit", args=[project.pk]),
        project_post(table=project, indicators=rows, name=project.name, budget_total="60000",
                     budget_fiscal="60000"),
        REMOTE_ADDR=IP,
    )  # fmt: skip
    assert response.status_code == 302
    last = _revisions(project.pk)[-1]
    assert last.action == RevisionAction.EDIT and last.version == 2
    assert last.saved_by == users["owner"] and last.client_ip == IP
    assert _field_change(last, "预算数") == ("110,000.00", "60,000.00")
    changed = [r for r in last.changes["rows"] if r["kind"] == "修改"]
    assert changed[0]["title"] == "保障正常办公人数"
    assert {"label": "指标值", "old": "17人", "new": "18人"} in changed[0]["changes"]
    added = [r for r in last.changes["rows"] if r["kind"] == "新增"]
    assert added[0]["values"] == {"text": "为残疾人提供康复服务"}


def test_editor_delete_of_a_draft_is_recorded(client, users, project):
    login(client, users["owner"])
    pk = project.pk
    response = client.post(reverse("targets:project_delete", args=[pk]), REMOTE_ADDR=IP)
    assert response.status_code == 302
    assert not ProjectTable.objects.filter(pk=pk).exists()
    last = _revisions(pk)[-1]
    assert last.action == RevisionAction.DELETE
    assert last.saved_by == users["owner"] and last.client_ip == IP
    assert last.data["fields"]["budget_total"] == "110,000.00"


def test_a_returned_table_can_be_deleted_and_is_recorded(users, project):
    review.submit_table(table=project, user=users["owner"])
    review.return_table(table=project, user=users["reviewer"], reason="请重填")
    project.refresh_from_db()
    services.delete_project_table(user=users["owner"], table=project, ip=IP)
    assert _revisions(project.pk)[-1].action == RevisionAction.DELETE


def test_import_is_recorded_with_old_and_new_values_and_ip(client, users, project):
    content = export_table(project, "xlsx").content
    ProjectTable.objects.filter(pk=project.pk).update(budget_total=Decimal("1.00"))
    login(client, users["owner"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("book.xlsx", content)
    client.post(reverse("imports:upload"), {"year": 2021, "file": upload})
    from budgetapp.imports.models import ImportBatch

    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:confirm", args=[batch.pk]), REMOTE_ADDR=IP)
    assert response.status_code == 302
    last = _revisions(project.pk)[-1]
    assert last.action == RevisionAction.IMPORT
    assert last.saved_by == users["owner"] and last.client_ip == IP
    assert _field_change(last, "预算数") == ("1.00", "110,000.00")


def test_carry_forward_is_recorded_with_ip(users, project, framework):
    BudgetYear.objects.create(year=2022, framework=framework)
    result = carry.carry_forward(
        user=users["owner"], unit=project.unit, from_year=2021, to_year=2022, ip=IP
    )
    ((_, table),) = result.created
    (revision,) = _revisions(table.pk)
    assert revision.action == RevisionAction.CARRY
    assert revision.saved_by == users["owner"] and revision.client_ip == IP
    assert revision.data["fields"]["name"] == project.name


# --- closed budget years and deactivated units ------------------------------------------------


def _close(kind: str, project: ProjectTable) -> str:
    if kind == "year":
        BudgetYear.objects.filter(pk=project.year_id).update(is_open=False)
        return "2021年预算年度已关闭填报"
    project.unit.is_active = False
    project.unit.save()
    return "已停用"


CLOSED = ["year", "unit"]


@pytest.mark.parametrize("kind", CLOSED)
def test_create_is_refused(client, users, project, kind):
    message = _close(kind, project)
    login(client, users["owner"])
    response = client.post(
        reverse("targets:project_create", args=[2021]), project_post(name="新项目")
    )
    assert response.status_code == 200
    assert message in response.content.decode() and 'value="新项目"' in response.content.decode()
    assert not ProjectTable.objects.filter(name="新项目").exists()


@pytest.mark.parametrize("kind", CLOSED)
def test_edit_is_refused(client, users, project, category, kind):
    message = _close(kind, project)
    login(client, users["owner"])
    response = client.post(
        reverse("targets:project_edit", args=[project.pk]),
        project_post(table=project, indicators=existing_rows(project, category), name="改名"),
    )
    assert response.status_code == 200 and message in response.content.decode()
    project.refresh_from_db()
    assert project.name == "残疾人就业服务中心运转经费" and project.version == 1


@pytest.mark.parametrize("kind", CLOSED)
def test_delete_is_refused(users, project, kind):
    message = _close(kind, project)
    with pytest.raises(services.WritesClosed, match=message):
        services.delete_project_table(user=users["owner"], table=project)
    assert ProjectTable.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("kind", CLOSED)
def test_import_is_refused(users, project, kind):
    content = export_table(project, "xlsx").content
    ProjectTable.objects.filter(pk=project.pk).update(budget_total=Decimal("1.00"))
    message = _close(kind, project)
    project.unit.refresh_from_db()
    result = import_workbook(
        user=users["owner"], unit=project.unit, year=2021, parsed=read_workbook(content),
        dry_run=False,
    )  # fmt: skip
    assert not result.applied
    assert any(message in str(p) for p in result.all_problems)
    project.refresh_from_db()
    assert project.budget_total == Decimal("1.00")


@pytest.mark.parametrize("kind", CLOSED)
def test_carry_forward_is_refused(users, project, framework, kind):
    next_year = BudgetYear.objects.create(year=2022, framework=framework)
    if kind == "year":
        next_year.is_open = False
        next_year.save()
        message = "2022年预算年度未开放填报"
    else:
        message = _close(kind, project)
        project.unit.refresh_from_db()
    with pytest.raises(TableError, match=message):
        carry.carry_forward(user=users["owner"], unit=project.unit, from_year=2021, to_year=2022)
    assert not ProjectTable.objects.filter(year=next_year).exists()


@pytest.mark.parametrize("kind", CLOSED)
def test_submit_is_refused(users, project, kind):
    message = _close(kind, project)
    project.refresh_from_db()
    with pytest.raises(services.WritesClosed, match=message):
        review.submit_table(table=project, user=users["owner"])
    with pytest.raises(services.WritesClosed, match=message):
        review.submit_all(unit=project.unit, year=project.year, user=users["owner"])
    project.refresh_from_db()
    assert project.status == Status.DRAFT


@pytest.mark.parametrize("kind", CLOSED)
def test_admin_edit_is_refused(client, users, project, kind):
    login(client, users["admin"])
    edited = _admin_form(client, project) | {"name": "后台改名"}
    _close(kind, project)
    response = client.post(reverse("admin:targets_projecttable_change", args=[project.pk]), edited)
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "残疾人就业服务中心运转经费"
