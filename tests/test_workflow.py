"""What the review workflow records and shows: reasons and grades, the four-eyes rule, the audit
trail, submission snapshots and their differences, unit-wide steps, notices and the dashboard.

Access (who may do what) is in test_workflow_access.py; these tests act as the allowed roles.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import tinyhtml5
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from budgetapp.review import services
from budgetapp.review.models import Comment, Notice, Submission, Transition
from budgetapp.review.views.table import changes_to_show
from budgetapp.targets.models import DepartmentTable, ProjectTable, Revision, Status
from budgetapp.targets.snapshots import FieldChange, serialize_table
from budgetapp.units.models import Account, Role

from .conftest import PASSWORD, login
from .forms_data import existing_rows, indicator, project_post
from .test_workflow_access import (
    action_url,
    bring_to,
    department_of,
    fingerprint,
    messages_of,
    records_of,
)

# --- page helpers -----------------------------------------------------------------------------


def page(response):
    assert response.status_code == 200
    return tinyhtml5.parse(response.content.decode(), namespace_html_elements=False)


def last_message(response) -> str:
    """The message this request added (earlier unread ones may still be queued before it)."""
    said = messages_of(response)
    assert said, "no message"
    return said[-1]


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def one(root, path: str):
    found = root.findall(path)
    assert len(found) == 1, f"{path}: {len(found)} elements"
    return found[0]


def extra_project(unit, year, name: str, **fields) -> ProjectTable:
    fields.setdefault("budget_total", Decimal("1"))
    return ProjectTable.objects.create(
        unit=unit, year=year, framework=year.framework, name=name, **fields
    )


def new_user(username: str, role: str, unit, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    Account.objects.create(user=user, role=role, unit=unit)
    return user


# --- 3. reasons and grades ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": " \n\t\u3000"}])
def test_return_without_a_reason_is_refused(client, users, project, body):
    bring_to(project, Status.SUBMITTED, users)
    before = fingerprint(project)
    login(client, users["reviewer"])
    response = client.post(action_url(project, "return"), body | {"grade": "fair"})
    assert response.status_code == 302
    assert last_message(response) == "退回时必须填写退回理由。"
    assert fingerprint(project) == before


@pytest.mark.parametrize(("grade", "refusal"), [
    ("fair", "等级为“中”（需修改后重新提交）或“差”（不予通过）时，请使用“退回”。"),
    ("poor", "等级为“中”（需修改后重新提交）或“差”（不予通过）时，请使用“退回”。"),
    ("perfect", "审核等级只能是优、良、中、差。"),
])  # fmt: skip
def test_approve_with_a_return_grade_is_refused(client, users, project, grade, refusal):
    bring_to(project, Status.SUBMITTED, users)
    before = fingerprint(project)
    login(client, users["reviewer"])
    response = client.post(action_url(project, "approve"), {"grade": grade})
    assert last_message(response) == refusal
    assert fingerprint(project) == before


@pytest.mark.parametrize("grade", ["excellent", "good"])
def test_return_with_an_approval_grade_is_refused(client, users, project, grade):
    bring_to(project, Status.SUBMITTED, users)
    before = fingerprint(project)
    login(client, users["reviewer"])
    response = client.post(action_url(project, "return"), {"reason": "请修改", "grade": grade})
    assert last_message(response) == "退回时的审核等级只能是“中”或“差”。"
    assert fingerprint(project) == before


def test_approve_with_excellent_records_the_grade(client, users, project):
    bring_to(project, Status.SUBMITTED, users)
    login(client, users["reviewer"])
    response = client.post(
        action_url(project, "approve"), {"grade": "excellent", "comment": "很好"}
    )
    assert last_message(response) == "已审核通过。"
    project.refresh_from_db()
    assert (project.status, project.grade) == (Status.APPROVED, "excellent")
    assert project.approved_at is not None
    entry = records_of(Transition, project).last()
    assert (entry.action, entry.grade, entry.comment) == ("approve", "excellent", "很好")
    root = page(client.get(project.get_absolute_url()))
    assert "审核等级：优" in text(root)
    assert "（等级：优）" in text(one(root, ".//*[@data-role='history']"))


@pytest.mark.parametrize(("grade", "label"), [("fair", "中"), ("poor", "差"), ("", "")])
def test_return_records_the_grade_and_the_reason(client, users, project, grade, label):
    bring_to(project, Status.SUBMITTED, users)
    login(client, users["reviewer"])
    response = client.post(
        action_url(project, "return"), {"reason": "  第2行指标值请量化。  ", "grade": grade}
    )
    assert last_message(response) == "已退回给填报人。"
    project.refresh_from_db()
    assert (project.status, project.grade) == (Status.RETURNED, grade)
    entry = records_of(Transition, project).last()
    assert (entry.action, entry.grade, entry.comment) == ("return", grade, "第2行指标值请量化。")
    history = text(one(page(client.get(project.get_absolute_url())), ".//*[@data-role='history']"))
    assert "第2行指标值请量化。" in history
    assert (f"（等级：{label}）" in history) == bool(grade)


def test_reopen_needs_a_reason_and_clears_the_grade(client, users, project):
    bring_to(project, Status.SUBMITTED, users)
    services.approve_table(table=project, user=users["reviewer"], grade="good")
    before = fingerprint(project)
    login(client, users["admin"])
    response = client.post(action_url(project, "reopen"), {"reason": "  "})
    assert last_message(response) == "重新打开时必须填写理由。"
    assert fingerprint(project) == before
    client.post(action_url(project, "reopen"), {"reason": "预算数与批复不一致"})
    project.refresh_from_db()
    assert (project.status, project.grade, project.approved_at) == (Status.RETURNED, "", None)


# --- 4. four eyes -----------------------------------------------------------------------------


def _reviewer_saved_a_revision(table, users, client):
    Revision.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        version=table.version + 100,
        data=serialize_table(table),
        saved_by=users["reviewer"],
    )


def _reviewer_was_last_editor(table, users, client):
    type(table).objects.filter(pk=table.pk).update(updated_by=users["reviewer"])


def _reviewer_has_a_submission(table, users, client):
    Submission.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        unit=table.unit,
        number=99,
        version=table.version,
        data=serialize_table(table),
        submitted_by=users["reviewer"],
    )


def _as_former_filer(users, unit):
    """The reviewer's login was the unit's filer for a while."""
    account = Account.objects.get(user=users["reviewer"])
    old = (account.role, account.unit)
    account.role, account.unit = Role.FILER, unit
    account.save()
    return account, old


def _reviewer_edited_it_as_filer(table, users, client):
    account, (role, unit) = _as_former_filer(users, table.unit)
    login(client, users["reviewer"])
    data = project_post(
        table=table,
        indicators=existing_rows(table, None),
        goals=[{"id": g.pk, "text": g.text} for g in table.goals.all()],
        name="审核人改过的名称",
    )
    assert client.post(reverse("targets:project_edit", args=[table.pk]), data).status_code == 302
    account.role, account.unit = role, unit
    account.save()
    type(table).objects.filter(pk=table.pk).update(updated_by=users["owner"])  # owner edits last


def _reviewer_submitted_it_as_filer(table, users, client):
    account, (role, unit) = _as_former_filer(users, table.unit)
    login(client, users["reviewer"])
    services.withdraw_table(table=table, user=users["owner"])
    assert client.post(action_url(table, "submit")).status_code == 302
    account.role, account.unit = role, unit
    account.save()


TOUCHES = [
    _reviewer_saved_a_revision,
    _reviewer_was_last_editor,
    _reviewer_has_a_submission,
    _reviewer_edited_it_as_filer,
    _reviewer_submitted_it_as_filer,
]


@pytest.mark.parametrize("touch", TOUCHES, ids=lambda f: f.__name__.strip("_"))
def test_a_reviewer_who_filed_or_edited_the_table_cannot_approve_it(
    client, users, project, tree, touch
):
    if touch is _reviewer_edited_it_as_filer:
        touch(project, users, client)
        bring_to(project, Status.SUBMITTED, users)
    else:
        bring_to(project, Status.SUBMITTED, users)
        touch(project, users, client)
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    before = fingerprint(project)

    login(client, users["reviewer"])
    root = page(client.get(project.get_absolute_url()))
    assert "按四眼原则不能由您审核通过" in text(root)
    assert one(root, ".//button[@data-action='approve']").get("disabled") is not None
    response = client.post(action_url(project, "approve"), {"grade": "excellent"})
    assert last_message(response) == "您填报或修改过此表，不能由您审核通过（四眼原则）。"
    assert fingerprint(project) == before
    assert not records_of(Transition, project).filter(action="approve").exists()

    # Another reviewer of the same city can.
    second = new_user("reviewer2", Role.REVIEWER, tree["city"])
    login(client, second)
    assert "按四眼原则" not in text(page(client.get(project.get_absolute_url())))
    client.post(action_url(project, "approve"), {"grade": "excellent"})
    project.refresh_from_db()
    assert (project.status, project.grade) == (Status.APPROVED, "excellent")


def test_four_eyes_is_enforced_by_the_service(users, project):
    bring_to(project, Status.SUBMITTED, users)
    _reviewer_was_last_editor(project, users, None)
    with pytest.raises(services.FourEyes):
        services.approve_table(table=project, user=users["reviewer"])
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_the_reviewer_may_still_return_a_table_they_touched(client, users, project):
    """Four eyes guards approval only; sending it back is always possible."""
    bring_to(project, Status.SUBMITTED, users)
    _reviewer_was_last_editor(project, users, None)
    login(client, users["reviewer"])
    client.post(action_url(project, "return"), {"reason": "请修改"})
    project.refresh_from_db()
    assert project.status == Status.RETURNED


# --- 6. audit trail ---------------------------------------------------------------------------

AUDITED_STEPS = [
    # who, action, body, client IP, from, to, comment stored
    ("owner", "submit", {}, "10.1.0.1", Status.DRAFT, Status.SUBMITTED, ""),
    ("owner", "withdraw", {}, "10.1.0.2", Status.SUBMITTED, Status.DRAFT, ""),
    ("owner", "submit", {}, "10.1.0.3", Status.DRAFT, Status.SUBMITTED, ""),
    ("reviewer", "return", {"reason": " 指标值请量化 ", "grade": "fair"}, "10.1.0.4",
     Status.SUBMITTED, Status.RETURNED, "指标值请量化"),
    ("owner", "submit", {}, "2001:db8::5", Status.RETURNED, Status.SUBMITTED, ""),
    ("reviewer", "approve", {"grade": "good", "comment": "同意"}, "10.1.0.6",
     Status.SUBMITTED, Status.APPROVED, "同意"),
    ("admin", "reopen", {"reason": "预算调整"}, "10.1.0.7",
     Status.APPROVED, Status.RETURNED, "预算调整"),
    ("owner", "submit", {}, "10.1.0.8", Status.RETURNED, Status.SUBMITTED, ""),
    ("reviewer", "approve", {}, "10.1.0.9", Status.SUBMITTED, Status.APPROVED, ""),
    ("reviewer", "publish", {}, "10.1.0.10", Status.APPROVED, Status.PUBLISHED, ""),
]  # fmt: skip


@pytest.mark.parametrize("kind", ["project", "department"])
def test_every_transition_leaves_an_audit_record(client, users, project, kind):
    table = project if kind == "project" else department_of(project)
    for who, action, body, ip, from_status, to_status, comment in AUDITED_STEPS:
        login(client, users[who])
        started = timezone.now()
        response = client.post(action_url(table, action), body, REMOTE_ADDR=ip)
        assert response.status_code == 302, (action, messages_of(response))
        entry = records_of(Transition, table).last()
        assert (entry.action, entry.actor, entry.from_status, entry.to_status) == (
            action,
            users[who],
            from_status,
            to_status,
        )
        assert (entry.comment, entry.client_ip, entry.unit) == (comment, ip, table.unit)
        assert started <= entry.at <= timezone.now()
        table.refresh_from_db()
        assert table.status == to_status
    entries = list(records_of(Transition, table))
    assert [e.action for e in entries] == [step[1] for step in AUDITED_STEPS]
    history = one(page(client.get(table.get_absolute_url())), ".//*[@data-role='history']")
    items = history.findall(".//li")
    assert len(items) == len(AUDITED_STEPS)
    assert "指标值请量化" in text(items[3]) and "预算调整" in text(items[6])


# --- 7. submission snapshots and what changed ---------------------------------------------------


def test_each_submission_is_a_numbered_immutable_snapshot(client, users, project, category):
    login(client, users["owner"])
    expected = serialize_table(ProjectTable.objects.get(pk=project.pk))
    client.post(action_url(project, "submit"))
    first = records_of(Submission, project).get()
    assert (first.number, first.version, first.submitted_by, first.unit) == (
        1,
        1,
        users["owner"],
        project.unit,
    )
    assert first.data == expected
    assert [r["target"] for r in first.data["rows"]["indicators"]] == ["17人", "≥95%"]

    services.return_table(table=project, user=users["reviewer"], reason="请修改")
    project.refresh_from_db()
    client.post(
        reverse("targets:project_edit", args=[project.pk]),
        project_post(table=project, indicators=existing_rows(project, category), name="新名称"),
    )
    client.post(action_url(project, "submit"))
    second = records_of(Submission, project).get(number=2)
    assert (second.version, second.data["fields"]["name"]) == (2, "新名称")
    first.refresh_from_db()
    assert first.data["fields"]["name"] == "残疾人就业服务中心运转经费"

    first.data["fields"]["name"] = "篡改"
    with pytest.raises(ValueError):
        first.save()
    first.refresh_from_db()
    assert first.data == expected


def _unchanged_fields(table: ProjectTable) -> dict:
    """The table's own fields as its edit page posts them back untouched."""
    return {
        "sequence": table.sequence,
        "code": table.code,
        "name": table.name,
        "money_unit": table.money_unit,
        "budget_total": table.budget_total,
        "budget_fiscal": table.budget_fiscal,
        "budget_other": table.budget_other,
        "lifetime_budget": "",
        "fund_use": table.fund_use,
        "plan_march": table.plan_march,
        "plan_june": table.plan_june,
        "plan_october": table.plan_october,
        "plan_december": table.plan_december,
    }


def _diff_rows(diff) -> set[tuple[str, str, str]]:
    return {(row.kind, row.anchor, row.title) for row in diff.rows}


def test_resubmission_shows_exactly_the_changed_rows_with_the_comment(
    client, users, project, category
):
    first_row, second_row = project.indicators.all()
    anchor = f"indicator:{first_row.pk}"
    login(client, users["owner"])
    client.post(action_url(project, "submit"))
    login(client, users["reviewer"])
    response = client.post(
        reverse("review:comment", args=["project", project.pk]),
        {"anchor": anchor, "text": "办公人数与编制不符，请核实"},
    )
    assert last_message(response) == "意见已保存。"
    client.post(action_url(project, "return"), {"reason": "见意见"})

    # The filer changes one target, deletes one row and adds one.
    project.refresh_from_db()
    rows = existing_rows(project, category)
    rows[0]["target"] = "20人"
    rows[1]["DELETE"] = True
    rows.append(indicator(category, "效益指标", "社会效益指标", "残疾人就业带动", "有所提高"))
    goals = [{"id": g.pk, "text": g.text} for g in project.goals.all()]
    login(client, users["owner"])
    response = client.post(
        reverse("targets:project_edit", args=[project.pk]),
        project_post(table=project, indicators=rows, goals=goals, **_unchanged_fields(project)),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    added = project.indicators.get(name="残疾人就业带动")
    expected = {
        ("changed", anchor, "保障正常办公人数"),
        ("removed", f"indicator:{second_row.pk}", "单位工作人员满意度"),
        ("added", f"indicator:{added.pk}", "残疾人就业带动"),
    }

    # While the filer is fixing it: what changed since the last submission.
    title, diff = changes_to_show(project)
    assert title == "自上次提交以来的修改"
    assert diff.fields == [] and _diff_rows(diff) == expected

    client.post(action_url(project, "submit"))
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    title, diff = changes_to_show(project)
    assert title == "第2次提交与第1次提交相比"
    assert diff.fields == []
    assert _diff_rows(diff) == expected
    changed = next(row for row in diff.rows if row.kind == "changed")
    assert changed.changes == [FieldChange("指标值", "17人", "20人", anchor)]

    # The reviewer's page: the same three rows, the comment on the changed row beside them.
    login(client, users["reviewer"])
    root = page(client.get(project.get_absolute_url()))
    changes = one(root, ".//*[@data-role='changes']")
    assert "第2次提交与第1次提交相比" in text(changes)
    assert changes.findall(".//table") == []  # no field of the table itself changed
    items = changes.findall(".//li[@data-diff-anchor]")
    shown = {(li.get("class").split()[-1], li.get("data-diff-anchor")) for li in items}
    assert shown == {("diff-" + kind, a) for kind, a, _ in expected}
    changed_item = one(changes, f".//li[@data-diff-anchor='{anchor}']")
    assert "修改" in text(changed_item) and "17人" in text(changed_item)
    assert "20人" in text(changed_item) and "指标值" in text(changed_item)

    comment = one(root, f".//*[@data-role='comments']//li[@data-anchor='{anchor}']")
    assert "办公人数与编制不符，请核实" in text(comment) and "针对第1次提交" in text(comment)
    sheet = one(root, ".//*[@class='official-sheet']")
    # The comment marks its whole row; the change marks only the cell whose value changed.
    cells = sheet.findall(f".//*[@data-anchor='{anchor}']")
    assert cells and all("cell-commented" in c.get("class").split() for c in cells)
    changed_cells = [c for c in cells if "cell-changed" in c.get("class").split()]
    assert [(c.get("data-marks"), text(c)) for c in changed_cells] == [(f"{anchor}/target", "20人")]
    added_cells = sheet.findall(f".//*[@data-anchor='indicator:{added.pk}']")
    assert added_cells and all(
        "cell-changed" in c.get("class") and "cell-commented" not in c.get("class")
        for c in added_cells
    )
    highlighted = [
        (c.get("data-anchor"), text(c))
        for c in sheet.iter()
        if "cell-changed" in (c.get("class") or "")
    ]
    # The added row is new in every cell, its 一级/二级 included.
    assert highlighted == [
        (anchor, "20人"),
        (None, "效益指标"),
        (None, "社会效益指标"),
        *(
            (f"indicator:{added.pk}", value)
            for value in ("残疾人就业带动", "", "有所提高", "工作计划")
        ),
    ]
    changed_item = one(changes, f".//li[@data-diff-cell='{anchor}/target']")
    assert "指标值" in text(changed_item)


def test_no_changes_section_on_a_first_submission(client, users, project):
    bring_to(project, Status.SUBMITTED, users)
    assert changes_to_show(project) == ("", None)
    login(client, users["reviewer"])
    assert page(client.get(project.get_absolute_url())).findall(".//*[@data-role='changes']") == []


# --- 8. unit-wide steps -----------------------------------------------------------------------


def _own_state(table) -> dict:
    """The table's fingerprint without the global notice count."""
    state = fingerprint(table)
    del state["notices"]
    return state


def test_submit_all_submits_every_draft_and_returned_table_of_the_unit_and_year(
    client, users, project, tree, year
):
    department = department_of(project)
    returned = extra_project(tree["own"], year, "已退回的项目")
    bring_to(returned, Status.RETURNED, users)
    submitted = extra_project(tree["own"], year, "已提交的项目")
    bring_to(submitted, Status.SUBMITTED, users)
    next_year = type(year).objects.create(year=2022, framework=year.framework)
    later = extra_project(tree["own"], next_year, "明年的项目")
    elsewhere = extra_project(tree["other"], year, "北戴河项目")
    untouched = [_own_state(t) for t in (submitted, later, elsewhere)]

    login(client, users["owner"])
    response = client.post(reverse("review:submit_unit", args=[tree["own"].pk, 2021]))
    assert last_message(response) == "已提交 3 张表，等待审核。"
    for table, submissions in ((project, 1), (department, 1), (returned, 2)):
        assert fingerprint(table)["status"] == Status.SUBMITTED
        assert records_of(Submission, table).count() == submissions
    assert [_own_state(t) for t in (submitted, later, elsewhere)] == untouched

    everything = [fingerprint(t) for t in (project, department, returned, submitted)]
    response = client.post(reverse("review:submit_unit", args=[tree["own"].pk, 2021]))
    assert last_message(response) == "没有可提交的表（草稿或已退回的表）。"
    assert [fingerprint(t) for t in (project, department, returned, submitted)] == everything


def test_publish_unit_publishes_the_approved_tables_of_the_unit_only(
    client, users, project, tree, year
):
    department = department_of(project)
    bring_to(project, Status.APPROVED, users)
    bring_to(department, Status.APPROVED, users)
    waiting = extra_project(tree["own"], year, "待审核的项目")
    bring_to(waiting, Status.SUBMITTED, users)
    elsewhere = extra_project(tree["other"], year, "北戴河项目")
    bring_to(elsewhere, Status.APPROVED, users, filer=users["colleague"])
    untouched = [_own_state(t) for t in (waiting, elsewhere)]

    login(client, users["reviewer"])
    url = reverse("review:publish_unit", args=[tree["own"].pk, 2021])
    response = client.post(url, REMOTE_ADDR="192.0.2.30")
    assert last_message(response) == "已公开 山海关区残联本级 的 2 张表。"
    for table in (project, department):
        assert fingerprint(table)["status"] == Status.PUBLISHED
        assert table.published_at is not None
        entry = records_of(Transition, table).last()
        assert (entry.action, entry.actor, entry.client_ip) == (
            "publish",
            users["reviewer"],
            "192.0.2.30",
        )
    assert [_own_state(t) for t in (waiting, elsewhere)] == untouched

    response = client.post(url)
    assert last_message(response) == "此单位本年度没有已审核通过、待公开的表。"


# --- 9. notices -------------------------------------------------------------------------------


def _emails(users, **addresses):
    for who, address in addresses.items():
        users[who].email = address
        users[who].save()


def test_submit_notifies_the_citys_reviewers_and_nobody_else(
    client, users, project, tree, django_capture_on_commit_callbacks
):
    _emails(users, reviewer="reviewer@qhd.example", other_reviewer="zjk@example.cn",
            owner="owner@example.cn", admin="admin@example.cn")  # fmt: skip
    quiet = new_user("reviewer_no_mail", Role.REVIEWER, tree["city"])
    login(client, users["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(project, "submit"))

    text_ = f"山海关区残联本级 提交了“{project.title}”，请审核。"
    notices = Notice.objects.all()
    assert {(n.recipient.username, n.text, n.url) for n in notices} == {
        ("reviewer", text_, project.get_absolute_url()),
        (quiet.username, text_, project.get_absolute_url()),
    }
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer@qhd.example"]
    assert message.subject.startswith("[绩效目标]") and project.title in message.subject
    assert project.get_absolute_url() in message.body


def test_return_and_approve_notify_the_units_filers(
    client, users, project, tree, django_capture_on_commit_callbacks
):
    _emails(users, owner="owner@example.cn", colleague="colleague@example.cn",
            reviewer="reviewer@qhd.example")  # fmt: skip
    second_filer = new_user("owner2", Role.FILER, tree["own"])
    bring_to(project, Status.SUBMITTED, users)
    Notice.objects.all().delete()
    mail.outbox.clear()

    login(client, users["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(project, "return"), {"reason": "请补充指标依据"})
    returned = f"“{project.title}”被退回：请补充指标依据"
    assert {(n.recipient, n.text) for n in Notice.objects.all()} == {
        (users["owner"], returned),
        (second_filer, returned),
    }
    assert [m.to for m in mail.outbox] == [["owner@example.cn"]]
    assert "请补充指标依据" in mail.outbox[0].body

    services.submit_table(table=project, user=users["owner"])
    Notice.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(project, "approve"))
    approved = f"“{project.title}”已审核通过。"
    assert {(n.recipient, n.text) for n in Notice.objects.all()} == {
        (users["owner"], approved),
        (second_filer, approved),
    }
    assert [m.to for m in mail.outbox] == [["owner@example.cn"]]


@pytest.mark.parametrize(
    "site_url", ["https://jx.example.cn", "https://jx.example.cn/", "https://gov.example/jixiao"]
)
def test_notice_mail_links_are_absolute_on_the_site_url(
    client, users, project, settings, site_url, django_capture_on_commit_callbacks
):
    """The mail used to say `查看：/tables/project/38/`, a link no mail program can open."""
    settings.SITE_URL = site_url
    _emails(users, reviewer="reviewer@qhd.example")
    login(client, users["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(project, "submit"))
    expected = site_url.rstrip("/") + project.get_absolute_url()
    assert f"查看：{expected}" in mail.outbox[0].body.splitlines()
    # the in-app notice keeps the site-relative link
    assert Notice.objects.get().url == project.get_absolute_url()


def test_a_refused_step_notifies_nobody(client, users, project, django_capture_on_commit_callbacks):
    _emails(users, owner="owner@example.cn")
    bring_to(project, Status.SUBMITTED, users)
    Notice.objects.all().delete()
    login(client, users["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action_url(project, "return"), {"reason": " "})
        client.post(action_url(project, "approve"), {"grade": "poor"})
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_the_notices_page_lists_them_and_marks_them_read(client, users, project):
    bring_to(project, Status.SUBMITTED, users)
    services.return_table(table=project, user=users["reviewer"], reason="请修改预算")
    login(client, users["owner"])
    root = page(client.get(reverse("review:notices")))
    items = root.findall(".//ul[@class='list-group']/li")
    assert [text(li.find(".//a")) for li in items] == [f"“{project.title}”被退回：请修改预算"]
    assert items[0].find(".//a").get("href") == project.get_absolute_url()
    assert "fw-semibold" in items[0].get("class")
    assert text(one(root, ".//*[@data-role='unread']")) == "1"
    assert "请审核" not in text(root)  # the reviewer's notice is not the owner's

    response = client.post(reverse("review:notices_read"))
    assert response.status_code == 302 and response["Location"] == reverse("review:notices")
    assert not Notice.objects.filter(recipient=users["owner"], read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=users["reviewer"], read_at__isnull=True).count() == 1
    root = page(client.get(reverse("review:notices")))
    assert root.findall(".//*[@data-role='unread']") == []
    assert "fw-semibold" not in root.findall(".//ul[@class='list-group']/li")[0].get("class")
    assert client.get(reverse("review:notices_read")).status_code == 405


def test_a_notice_fits_its_column_for_long_names_and_reasons(users, project):
    ProjectTable.objects.filter(pk=project.pk).update(name="残疾人" * 66 + "经费")  # 200 chars
    project.refresh_from_db()
    bring_to(project, Status.SUBMITTED, users)
    services.return_table(table=project, user=users["reviewer"], reason="理由" * 80)
    limit = Notice._meta.get_field("text").max_length
    assert Notice.objects.count() == 2  # one to the reviewer on submit, one to the owner
    assert max(len(n.text) for n in Notice.objects.all()) <= limit


# --- 10. the reviewer's dashboard ---------------------------------------------------------------


@pytest.fixture
def city_tables(users, project, tree, year):
    """own: the 元 draft (11.00 万元) and a 5.50 万元 table approved 5 days ago;
    other: a 2.00 万元 table approved 25 days ago; city: nothing; other_city: 100 万元."""
    now = timezone.now()
    recent = extra_project(
        tree["own"], year, "康复项目", money_unit="万元", budget_total=Decimal("5.5")
    )
    bring_to(recent, Status.APPROVED, users)
    ProjectTable.objects.filter(pk=recent.pk).update(approved_at=now - timedelta(days=5))
    late = extra_project(
        tree["other"], year, "北戴河项目", money_unit="万元", budget_total=Decimal("2")
    )
    bring_to(late, Status.APPROVED, users, filer=users["colleague"])
    ProjectTable.objects.filter(pk=late.pk).update(approved_at=now - timedelta(days=25))
    extra_project(
        tree["other_city"], year, "张家口项目", money_unit="万元", budget_total=Decimal("100")
    )
    return tree


def _dashboard(client, query: str = ""):
    """The unit rows by unit id, and the whole page."""
    root = page(client.get(reverse("review:dashboard") + "?year=2021" + query))
    return {int(tr.get("data-unit")): tr for tr in root.findall(".//tr[@data-unit]")}, root


def test_the_dashboard_shows_the_reviewers_city_only(client, users, city_tables):
    tree = city_tables
    login(client, users["reviewer"])
    rows, root = _dashboard(client)
    assert set(rows) == {tree["city"].pk, tree["own"].pk, tree["other"].pk}
    assert "张家口" not in text(root)
    login(client, users["other_reviewer"])
    rows, _ = _dashboard(client)
    assert set(rows) == {tree["other_city"].pk}


@pytest.mark.parametrize("who", ["owner", "colleague"])
def test_filers_may_not_open_the_dashboard(client, users, who):
    login(client, users[who])
    assert client.get(reverse("review:dashboard")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in_from_the_dashboard(client, users):
    response = client.get(reverse("review:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_dashboard_totals_flags_and_disclosure_deadlines(client, users, city_tables):
    tree = city_tables
    login(client, users["reviewer"])
    rows, root = _dashboard(client)
    budget = {pk: text(tr.findall("td[@class='text-end']")[0]) for pk, tr in rows.items()}
    # 110000.00 元 = 11.00 万元, plus 5.50 万元.
    assert budget == {tree["city"].pk: "0.00", tree["own"].pk: "16.50", tree["other"].pk: "2.00"}
    assert text(one(root, ".//tfoot//td[@class='text-end']")) == "18.50"

    heads = {pk: text(tr.find("th")) for pk, tr in rows.items()}
    assert "未提交" in heads[tree["own"].pk]  # the 元 table is still a draft
    assert "未提交" in heads[tree["city"].pk]  # nothing filed at all
    assert "未提交" not in heads[tree["other"].pk]

    own, other = text(rows[tree["own"].pk]), text(rows[tree["other"].pk])
    assert "剩余 15 天" in own and "逾期" not in own
    assert "已逾期 5 天" in other and "剩余" not in other
    assert "table-danger" in (rows[tree["other"].pk].get("class") or "")
    assert "table-danger" not in (rows[tree["own"].pk].get("class") or "")
    assert "公开全部已通过的表（1）" in own


@pytest.mark.parametrize(("query", "expected"), [
    ("&filter=overdue", {"other"}),
    ("&filter=not_submitted", {"city", "own"}),
    ("&filter=approved", {"own", "other"}),
    ("&filter=submitted", set()),
    ("&q=北戴河", {"other"}),
    ("&q=山海关&filter=overdue", set()),
    ("", {"city", "own", "other"}),
])  # fmt: skip
def test_dashboard_filters_narrow_the_list(client, users, city_tables, query, expected):
    login(client, users["reviewer"])
    rows, root = _dashboard(client, query)
    assert set(rows) == {city_tables[name].pk for name in expected}
    if not expected:
        assert "没有符合条件的单位。" in text(root)


def test_a_department_table_counts_on_the_dashboard_but_has_no_budget(client, users, project):
    department = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework
    )
    bring_to(department, Status.SUBMITTED, users)
    login(client, users["reviewer"])
    rows, _ = _dashboard(client, "&filter=submitted")
    assert set(rows) == {project.unit.pk}
    assert text(rows[project.unit.pk].findall("td[@class='text-end']")[0]) == "11.00"


def test_comments_stay_attached_to_their_table(client, users, project):
    """A comment names its table and the submission it was made on."""
    bring_to(project, Status.SUBMITTED, users)
    login(client, users["reviewer"])
    client.post(
        reverse("review:comment", args=["project", project.pk]), {"anchor": "", "text": "整体意见"}
    )
    comment = records_of(Comment, project).get()
    assert (comment.author, comment.anchor, comment.anchor_label, comment.submission.number) == (
        users["reviewer"],
        "",
        "整张表",
        1,
    )
