"""Who may move a table through the review workflow, through the HTTP views.

Every transition is tried by every role, on a project table and on a department table:
the allowed role moves the table; another unit's filer and another city's reviewer get 404;
a role that sees the table but is too weak gets 403; an anonymous visitor is sent to log in.
Every refusal is checked to have changed nothing (status, version, grade, dates and the number
of Transition, Submission and Notice rows). Also: wrong states, forged fields, unknown actions,
GET on action URLs, and filers locked out of tables under review.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from budgetapp.review import services
from budgetapp.review.models import Notice, Submission, Transition
from budgetapp.targets.models import (
    DepartmentTable,
    ProjectIndicator,
    ProjectTable,
    Revision,
    Status,
)

from .conftest import login
from .forms_data import existing_rows, project_post

ROLES = ["owner", "colleague", "reviewer", "other_reviewer", "admin", "anonymous"]
LOGIN = "login"  # expected outcome for anonymous visitors: a redirect to the login page

# action: (state before, state after, POST body)
TRANSITIONS = {
    "submit": (Status.DRAFT, Status.SUBMITTED, {}),
    "withdraw": (Status.SUBMITTED, Status.DRAFT, {}),
    "return": (Status.SUBMITTED, Status.RETURNED, {"reason": "指标值确定依据不充分"}),
    "approve": (Status.SUBMITTED, Status.APPROVED, {"grade": "good"}),
    "publish": (Status.APPROVED, Status.PUBLISHED, {}),
    "reopen": (Status.APPROVED, Status.RETURNED, {"reason": "预算数与批复不一致"}),
}

# The matrix, spelled out: 302 = done; 403 = sees the table but may not; 404 = outsider.
EXPECTED = {
    "submit": {"owner": 302, "colleague": 404, "reviewer": 403, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN},
    "withdraw": {"owner": 302, "colleague": 404, "reviewer": 403, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN},
    "return": {"owner": 403, "colleague": 404, "reviewer": 302, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN},
    "approve": {"owner": 403, "colleague": 404, "reviewer": 302, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN},
    "publish": {"owner": 403, "colleague": 404, "reviewer": 302, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN},
    "reopen": {"owner": 403, "colleague": 404, "reviewer": 403, "other_reviewer": 404, "admin": 302, "anonymous": LOGIN},
}  # fmt: skip

# --- helpers shared with the other workflow test modules -------------------------------------


def department_of(project: ProjectTable) -> DepartmentTable:
    """A draft department table of the same unit and year as the `project` fixture."""
    return DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, overall_goal="总体目标"
    )


def bring_to(table, status: str, users: dict, *, filer=None) -> None:
    """Move a draft table to `status` through the services, acting as the real roles would
    (the owner files unless another `filer` is named; the city's reviewer reviews)."""
    if status == Status.DRAFT:
        return
    services.submit_table(table=table, user=filer or users["owner"])
    if status == Status.RETURNED:
        services.return_table(table=table, user=users["reviewer"], reason="请修改")
    elif status in (Status.APPROVED, Status.PUBLISHED):
        services.approve_table(table=table, user=users["reviewer"])
        if status == Status.PUBLISHED:
            services.publish_table(table=table, user=users["reviewer"])
    table.refresh_from_db()
    assert table.status == status


def records_of(model, table):
    return model.objects.filter(
        content_type=ContentType.objects.get_for_model(table), object_id=table.pk
    )


def fingerprint(table) -> dict:
    """Everything a workflow step may change; compared before and after a refused request."""
    table.refresh_from_db()
    return {
        "status": table.status,
        "version": table.version,
        "grade": table.grade,
        "unit": table.unit_id,
        "updated_by": table.updated_by_id,
        "submitted_at": table.submitted_at,
        "approved_at": table.approved_at,
        "published_at": table.published_at,
        "transitions": records_of(Transition, table).count(),
        "submissions": records_of(Submission, table).count(),
        "revisions": Revision.of(table).count(),
        "notices": Notice.objects.count(),
    }


def action_url(table, action: str) -> str:
    return reverse("review:action", args=[table.kind, table.pk, action])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def as_role(client, users, who: str):
    if who != "anonymous":
        login(client, users[who])
    return client


def assert_sent_to_login(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]


# --- 1. every transition × every role ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["project", "department"])
@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_transition_by_role(client, users, project, kind, who, action):
    start, end, body = TRANSITIONS[action]
    table = project if kind == "project" else department_of(project)
    bring_to(table, start, users)
    before = fingerprint(table)
    expected = EXPECTED[action][who]

    response = as_role(client, users, who).post(
        action_url(table, action), body, REMOTE_ADDR="192.0.2.10"
    )
    after = fingerprint(table)

    if expected == 302:
        assert response.status_code == 302
        assert response["Location"] == table.get_absolute_url()
        assert after["status"] == end
        assert after["version"] == before["version"]  # a workflow step is not a content edit
        assert after["transitions"] == before["transitions"] + 1
        assert after["submissions"] == before["submissions"] + (action == "submit")
        entry = records_of(Transition, table).last()
        assert (entry.action, entry.from_status, entry.to_status, entry.actor) == (
            action,
            start,
            end,
            users[who],
        )
        assert entry.client_ip == "192.0.2.10"
        return
    if expected == LOGIN:
        assert_sent_to_login(response)
    else:
        assert response.status_code == expected
    assert after == before


# --- 2. wrong state ---------------------------------------------------------------------------

WRONG_STATE = [
    # action, state the table is in, who tries, what the refusal says it cannot do
    ("approve", Status.DRAFT, "reviewer", "审核通过"),
    ("approve", Status.RETURNED, "reviewer", "审核通过"),
    ("publish", Status.SUBMITTED, "reviewer", "公开"),
    ("publish", Status.PUBLISHED, "reviewer", "公开"),
    ("withdraw", Status.APPROVED, "owner", "撤回"),
    ("withdraw", Status.DRAFT, "owner", "撤回"),
    ("submit", Status.SUBMITTED, "owner", "提交"),
    ("submit", Status.PUBLISHED, "owner", "提交"),
    ("return", Status.APPROVED, "reviewer", "退回"),
    ("return", Status.DRAFT, "reviewer", "退回"),
    ("reopen", Status.SUBMITTED, "admin", "重新打开"),
    ("reopen", Status.DRAFT, "admin", "重新打开"),  # a published table may be reopened
]


@pytest.mark.parametrize(("action", "status", "who", "doing"), WRONG_STATE)
def test_a_step_from_the_wrong_state_is_refused_in_chinese(
    client, users, project, action, status, who, doing
):
    bring_to(project, status, users)
    before = fingerprint(project)
    body = {"reason": "理由", "grade": ""}
    response = as_role(client, users, who).post(action_url(project, action), body)
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    label = Status(status).label
    assert messages_of(response) == [f"此表当前状态为“{label}”，不能{doing}。"]
    assert fingerprint(project) == before


def test_the_refusal_is_shown_on_the_table_page(client, users, project):
    login(client, users["reviewer"])
    response = client.post(action_url(project, "approve"), follow=True)
    assert response.status_code == 200
    assert "此表当前状态为“草稿”，不能审核通过。" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_a_department_table_in_the_wrong_state_is_refused_too(client, users, project):
    table = department_of(project)
    before = fingerprint(table)
    login(client, users["reviewer"])
    response = client.post(action_url(table, "publish"))
    assert messages_of(response) == ["此表当前状态为“草稿”，不能公开。"]
    assert fingerprint(table) == before


# --- 5. filers cannot change a table under review -----------------------------------------------


def _content(table: ProjectTable):
    table.refresh_from_db()
    return (
        table.name,
        table.budget_total,
        list(ProjectIndicator.objects.filter(table=table).values_list("pk", "name", "target")),
        list(table.goals.values_list("text", flat=True)),
    )


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED])
def test_a_filer_cannot_change_a_table_under_review_by_any_url(
    client, users, project, category, status
):
    bring_to(project, status, users)
    before, content = fingerprint(project), _content(project)
    login(client, users["owner"])
    edit = reverse("targets:project_edit", args=[project.pk])

    response = client.get(edit)
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()

    rows = existing_rows(project, category)
    rows[0]["target"] = "99人"
    rows[1]["DELETE"] = True
    response = client.post(
        edit,
        project_post(table=project, indicators=rows, name="改名", budget_total="1", status="draft"),
    )
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    refusal = f"此表当前状态为“{Status(status).label}”，不能修改。"
    assert set(messages_of(response)) == {refusal}

    response = client.post(reverse("targets:project_delete", args=[project.pk]))
    assert response.status_code == 302
    assert set(messages_of(response)) == {refusal}
    assert ProjectTable.objects.filter(pk=project.pk).exists()

    assert (fingerprint(project), _content(project)) == (before, content)
    # ... and the page offers none of it.
    html = client.get(project.get_absolute_url()).content.decode()
    assert edit not in html
    assert reverse("targets:project_delete", args=[project.pk]) not in html
    assert 'data-action="submit"' not in html


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED])
def test_a_filer_cannot_change_a_department_table_under_review(client, users, project, status):
    table = department_of(project)
    bring_to(table, status, users)
    before = fingerprint(table)
    login(client, users["owner"])
    url = reverse("targets:department_edit", args=[table.pk])
    assert client.get(url).status_code == 302
    data = {
        "money_unit": "元",
        "overall_goal": "偷偷改过的目标",
        "loaded_version": table.version,
        **{
            f"{p}-{k}": v
            for p in ("sub_goals", "measures")
            for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == table.get_absolute_url()
    assert fingerprint(table) == before
    assert table.overall_goal == "总体目标"


def test_returned_tables_are_editable_again(client, users, project, category):
    """The counterpart of the lock: 已退回 opens the table to its filer."""
    bring_to(project, Status.RETURNED, users)
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        project_post(
            table=project, indicators=existing_rows(project, category), name="修改后的名称"
        ),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.status, project.version) == ("修改后的名称", Status.RETURNED, 2)


FORGED = {
    "status": "published",
    "to_status": "approved",
    "from_status": "draft",
    "grade": "excellent",
    "unit": "OTHER_UNIT",
    "year": "9999",
    "version": "77",
    "approved_at": "2021-01-01 00:00",
    "published_at": "2021-01-01 00:00",
    "submitted_at": "2021-01-01 00:00",
    "updated_by": "REVIEWER",
    "actor": "REVIEWER",
    "submitted_by": "REVIEWER",
    "number": "9",
    "client_ip": "203.0.113.99",
}


def _forged(tree, users) -> dict[str, str]:
    replace = {"OTHER_UNIT": str(tree["other"].pk), "REVIEWER": str(users["reviewer"].pk)}
    return {k: replace.get(v, v) for k, v in FORGED.items()}


def test_forged_workflow_fields_on_the_edit_form_are_ignored(
    client, users, project, category, tree
):
    login(client, users["owner"])
    data = project_post(
        table=project, indicators=existing_rows(project, category), name=project.name
    )
    data.update(_forged(tree, users))
    response = client.post(
        reverse("targets:project_edit", args=[project.pk]), data, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.grade, project.unit, project.year.year, project.version) == (
        Status.DRAFT,
        "",
        tree["own"],
        2021,
        2,
    )
    assert (project.submitted_at, project.approved_at, project.published_at) == (None,) * 3
    assert project.updated_by == users["owner"]
    assert not records_of(Transition, project).exists()
    assert not records_of(Submission, project).exists()


def test_forged_fields_on_submit_are_ignored(client, users, project, tree):
    login(client, users["owner"])
    response = client.post(
        action_url(project, "submit"), _forged(tree, users), REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.grade, project.unit, project.version) == (
        Status.SUBMITTED,
        "",
        tree["own"],
        1,
    )
    assert project.approved_at is None and project.published_at is None
    submission = records_of(Submission, project).get()
    assert (submission.number, submission.submitted_by, submission.version) == (
        1,
        users["owner"],
        1,
    )
    entry = records_of(Transition, project).get()
    assert (entry.from_status, entry.to_status, entry.actor, entry.client_ip, entry.grade) == (
        Status.DRAFT,
        Status.SUBMITTED,
        users["owner"],
        "192.0.2.1",
        "",
    )


def test_forged_fields_on_approve_and_withdraw_are_ignored(client, users, project, tree):
    bring_to(project, Status.SUBMITTED, users)
    forged = _forged(tree, users) | {"grade": "good"}  # the grade is approve's own field
    login(client, users["reviewer"])
    client.post(action_url(project, "approve"), forged, REMOTE_ADDR="192.0.2.2")
    project.refresh_from_db()
    assert (project.status, project.grade, project.unit, project.version) == (
        Status.APPROVED,
        "good",
        tree["own"],
        1,
    )
    assert project.published_at is None
    entry = records_of(Transition, project).last()
    assert (entry.to_status, entry.actor, entry.client_ip) == (
        Status.APPROVED,
        users["reviewer"],
        "192.0.2.2",
    )

    other = ProjectTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, name="二号项目",
        budget_total=1,
    )  # fmt: skip
    bring_to(other, Status.SUBMITTED, users)
    client.force_login(users["owner"])
    client.post(action_url(other, "withdraw"), _forged(tree, users))
    other.refresh_from_db()
    assert (other.status, other.grade, other.unit, other.version) == (
        Status.DRAFT,
        "",
        tree["own"],
        1,
    )


@pytest.mark.parametrize("action", ["force_approve", "delete", "APPROVE", "set_status", "edit"])
@pytest.mark.parametrize("who", ["owner", "reviewer", "admin"])
def test_an_unknown_action_is_404(client, users, project, action, who):
    bring_to(project, Status.SUBMITTED, users)
    before = fingerprint(project)
    login(client, users[who])
    response = client.post(action_url(project, action), {"status": "approved", "reason": "x"})
    assert response.status_code == 404
    assert fingerprint(project) == before


def test_an_unknown_table_kind_is_404(client, users, project):
    login(client, users["owner"])
    before = fingerprint(project)
    response = client.post(reverse("review:action", args=["budget", project.pk, "submit"]))
    assert response.status_code == 404
    assert fingerprint(project) == before


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_get_on_an_action_url_is_405(client, users, project, action):
    start, _, body = TRANSITIONS[action]
    bring_to(project, start, users)
    allowed = next(who for who, code in EXPECTED[action].items() if code == 302)
    before = fingerprint(project)
    login(client, users[allowed])
    response = client.get(action_url(project, action), body)
    assert response.status_code == 405
    assert fingerprint(project) == before


# --- 8. unit-wide actions: who may use them -----------------------------------------------------

SUBMIT_UNIT = {"owner": 302, "colleague": 404, "reviewer": 403, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN}  # fmt: skip
PUBLISH_UNIT = {"owner": 403, "colleague": 404, "reviewer": 302, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN}  # fmt: skip


@pytest.mark.parametrize(("who", "expected"), SUBMIT_UNIT.items())
def test_submit_all_by_role(client, users, project, tree, who, expected):
    department = department_of(project)
    before = [fingerprint(project), fingerprint(department)]
    response = as_role(client, users, who).post(
        reverse("review:submit_unit", args=[tree["own"].pk, 2021])
    )
    if expected == 302:
        assert response["Location"] == reverse("targets:home") + "?year=2021"
        assert [fingerprint(t)["status"] for t in (project, department)] == [Status.SUBMITTED] * 2
        return
    if expected == LOGIN:
        assert_sent_to_login(response)
    else:
        assert response.status_code == expected
    assert [fingerprint(project), fingerprint(department)] == before


@pytest.mark.parametrize(("who", "expected"), PUBLISH_UNIT.items())
def test_publish_unit_by_role(client, users, project, tree, who, expected):
    department = department_of(project)
    bring_to(project, Status.APPROVED, users)
    bring_to(department, Status.APPROVED, users)
    before = [fingerprint(project), fingerprint(department)]
    response = as_role(client, users, who).post(
        reverse("review:publish_unit", args=[tree["own"].pk, 2021])
    )
    if expected == 302:
        assert response["Location"] == reverse("review:dashboard") + "?year=2021"
        assert [fingerprint(t)["status"] for t in (project, department)] == [Status.PUBLISHED] * 2
        return
    if expected == LOGIN:
        assert_sent_to_login(response)
    else:
        assert response.status_code == expected
    assert [fingerprint(project), fingerprint(department)] == before


@pytest.mark.parametrize("name", ["submit_unit", "publish_unit"])
def test_unit_actions_are_post_only(client, users, project, tree, name):
    who = "owner"
    if name == "publish_unit":
        bring_to(project, Status.APPROVED, users)
        who = "reviewer"
    before = fingerprint(project)
    login(client, users[who])
    assert client.get(reverse(f"review:{name}", args=[tree["own"].pk, 2021])).status_code == 405
    assert fingerprint(project) == before
