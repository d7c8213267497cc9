"""The reviewer's day (issue 15): signing in lands on the dashboard, which opens on the latest
year with work waiting and on 待审核, with a count per state; approving and publishing ask on
a confirmation page of their own (plain forms: no JavaScript needed), reachable only by the
roles that may take the step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.targets.models import ProjectTable, Status
from budgetapp.units.models import BudgetYear

from .conftest import PASSWORD, login
from .test_workflow import page, text
from .test_workflow_access import (
    LOGIN,
    ROLES,
    action_url,
    as_role,
    assert_sent_to_login,
    bring_to,
    department_of,
    fingerprint,
    messages_of,
)

# --- landing -----------------------------------------------------------------------------------


def test_a_filer_signing_in_lands_on_the_list_and_a_reviewer_on_the_dashboard(client, users):
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response["Location"] == reverse("targets:start")
    assert client.get(response["Location"])["Location"] == reverse("targets:home")

    login(client, users["reviewer"])
    assert client.get(reverse("targets:start"))["Location"] == reverse("review:dashboard")


def test_the_start_page_sends_anonymous_visitors_to_log_in(client, db):
    assert_sent_to_login(client.get(reverse("targets:start")))


# --- the dashboard -----------------------------------------------------------------------------


def counts(root) -> dict[str, int]:
    return {
        link.get("data-filter"): int(text(link.find(".//*[@data-role='count']")))
        for link in root.findall(".//*[@data-role='state-counts']//a")
    }


def test_the_dashboard_opens_on_the_latest_year_with_work_waiting_and_on_it(
    client, users, project, year
):
    BudgetYear.objects.create(year=2022, framework=year.framework)  # newer, nothing filed
    department = department_of(project)
    bring_to(project, Status.SUBMITTED, users)
    bring_to(department, Status.APPROVED, users)
    login(client, users["reviewer"])

    root = page(client.get(reverse("review:dashboard")))
    assert "审核工作台（2021年）" in text(root.find(".//h1"))
    assert root.find(".//select[@id='f-filter']/option[@selected]").get("value") == "submitted"
    assert counts(root) == {
        "submitted": 1,
        "approved": 1,
        "overdue": 0,
        "returned": 0,
        "not_submitted": 2,  # the city federation and 北戴河 have filed nothing
        "published": 0,
    }
    waiting = root.find(".//*[@data-role='state-counts']//a[@aria-current='true']")
    assert waiting.get("data-filter") == "submitted" and "state-count-urgent" in waiting.get(
        "class"
    )
    assert [int(tr.get("data-unit")) for tr in root.findall(".//tr[@data-unit]")] == [
        project.unit.pk
    ]
    assert "待审核：1 个单位" in text(root.find(".//caption"))

    # Choosing 全部单位 shows every unit; an old link without a filter still opens on work.
    every = page(client.get(reverse("review:dashboard") + "?year=2021&filter=all"))
    assert len(every.findall(".//tr[@data-unit]")) == 3
    assert "审核工作台（2022年）" in text(
        page(client.get(reverse("review:dashboard") + "?year=2022")).find(".//h1")
    )


def test_with_nothing_waiting_it_opens_on_the_latest_year_with_tables_and_every_unit(
    client, users, project, year
):
    BudgetYear.objects.create(year=2022, framework=year.framework)
    login(client, users["reviewer"])
    root = page(client.get(reverse("review:dashboard")))
    assert "审核工作台（2021年）" in text(root.find(".//h1"))
    assert root.find(".//select[@id='f-filter']/option[@selected]").get("value") == "all"
    assert counts(root)["submitted"] == 0
    assert len(root.findall(".//tr[@data-unit]")) == 3


def test_the_dashboard_links_each_table_with_its_state_escaped(client, users, project, year):
    """The links are built in the view (review/views/dashboard.py): a name is shortened as
    truncatechars:12 and escaped as a template would."""
    project.name = '<script>"x"</script>&长名称的项目'
    project.save()
    login(client, users["reviewer"])
    html = client.get(reverse("review:dashboard") + "?filter=all").content.decode()
    assert "<script>" not in html
    link = reverse("review:table", args=["project", project.pk])
    assert (
        f'<a href="{link}" class="me-2">1.&lt;script&gt;&quot;x&quot;…</a>'
        '<span class="badge status-draft me-2">草稿</span>'
    ) in html


# --- confirmation pages ------------------------------------------------------------------------

CONFIRM = {
    "approve": (Status.SUBMITTED, "确认审核通过"),
    "publish": (Status.APPROVED, "确认公开此表"),
}
# 200 = the confirmation page; 403 = sees the table but may not; 404 = outsider.
CONFIRM_EXPECTED = {"owner": 403, "colleague": 404, "reviewer": 200, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN}  # fmt: skip


def confirm_url(table, action: str, query: str = "") -> str:
    return reverse("review:confirm", args=[table.kind, table.pk, action]) + query


@pytest.mark.parametrize("kind", ["project", "department"])
@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", list(CONFIRM))
def test_confirmation_page_by_role_changes_nothing(client, users, project, kind, who, action):
    start, heading = CONFIRM[action]
    table = project if kind == "project" else department_of(project)
    bring_to(table, start, users)
    before = fingerprint(table)
    response = as_role(client, users, who).get(confirm_url(table, action, "?grade=excellent"))
    expected = CONFIRM_EXPECTED[who]
    if expected == LOGIN:
        assert_sent_to_login(response)
    else:
        assert response.status_code == expected
    if expected == 200:
        root = page(response)
        assert text(root.find(".//h1")) == heading
        form = root.find(".//form[@data-role='confirm-action']")
        assert form.get("method") == "post" and form.get("action") == action_url(table, action)
        grade = form.find(".//input[@name='grade']")
        assert (grade.get("value") if grade is not None else None) == (
            "excellent" if action == "approve" else None
        )
        assert root.find(".//a[@data-action='cancel']").get("href") == table.get_absolute_url()
    assert fingerprint(table) == before


def test_the_confirmation_posts_the_step_with_the_chosen_grade(client, users, project):
    bring_to(project, Status.SUBMITTED, users)
    login(client, users["reviewer"])
    form = page(client.get(confirm_url(project, "approve", "?grade=excellent"))).find(
        ".//form[@data-role='confirm-action']"
    )
    body = {i.get("name"): i.get("value") for i in form.findall(".//input")}
    response = client.post(form.get("action"), body)
    assert response["Location"] == project.get_absolute_url()
    project.refresh_from_db()
    assert (project.status, project.grade) == (Status.APPROVED, "excellent")


def test_a_forged_grade_is_left_out_and_the_wrong_state_goes_back_with_a_message(
    client, users, project
):
    bring_to(project, Status.SUBMITTED, users)
    login(client, users["reviewer"])
    root = page(client.get(confirm_url(project, "approve", "?grade=poor")))
    assert root.find(".//input[@name='grade']") is None
    assert text(root.find(".//*[@data-role='confirm-grade']")) == "不评等级"

    response = client.get(confirm_url(project, "publish"))
    assert response["Location"] == project.get_absolute_url()
    assert messages_of(response) == ["此表当前状态为“已提交”，不能公开。"]
    assert client.get(confirm_url(project, "delete")).status_code == 404


def test_the_filer_of_a_table_is_not_offered_to_approve_it(client, users, project):
    """Four eyes: a reviewer who edited the table is sent back before any confirmation."""
    bring_to(project, Status.SUBMITTED, users)
    ProjectTable.objects.filter(pk=project.pk).update(updated_by=users["reviewer"])
    login(client, users["reviewer"])
    response = client.get(confirm_url(project, "approve"))
    assert response["Location"] == project.get_absolute_url()
    assert "四眼原则" in messages_of(response)[0]


def test_the_table_page_asks_through_the_confirmation_page(client, users, project):
    bring_to(project, Status.SUBMITTED, users)
    login(client, users["reviewer"])
    root = page(client.get(project.get_absolute_url()))
    back = root.find(".//a[@href='/review/?year=2021']")
    assert text(back) == "← 返回审核工作台"
    approve = root.find(".//button[@data-action='approve']/..")
    assert (approve.get("method"), approve.get("action")) == (
        "get",
        confirm_url(project, "approve"),
    )
    assert approve.find(".//select[@name='grade']") is not None
    assert root.find(f".//form[@action='{action_url(project, 'approve')}']") is None

    bring_to(department := department_of(project), Status.APPROVED, users)
    root = page(client.get(department.get_absolute_url()))
    publish = root.find(".//button[@data-action='publish']/..")
    assert (publish.get("method"), publish.get("action")) == (
        "get",
        confirm_url(department, "publish"),
    )


PUBLISH_UNIT_CONFIRM = {"owner": 403, "colleague": 404, "reviewer": 200, "other_reviewer": 404, "admin": 403, "anonymous": LOGIN}  # fmt: skip


@pytest.mark.parametrize(("who", "expected"), PUBLISH_UNIT_CONFIRM.items())
def test_publishing_a_unit_asks_first(client, users, project, tree, who, expected):
    department = department_of(project)
    bring_to(project, Status.APPROVED, users)
    bring_to(department, Status.APPROVED, users)
    before = [fingerprint(project), fingerprint(department)]
    url = reverse("review:publish_unit_confirm", args=[tree["own"].pk, 2021])
    response = as_role(client, users, who).get(url)
    if expected == LOGIN:
        assert_sent_to_login(response)
    else:
        assert response.status_code == expected
    if expected == 200:
        root = page(response)
        assert text(root.find(".//h1")) == "确认公开 2 张表"
        listed = [text(a) for a in root.findall(".//*[@data-role='confirm-tables']//a")]
        assert listed == [department.title, project.title]
        form = root.find(".//form[@data-role='confirm-action']")
        assert form.get("action") == reverse("review:publish_unit", args=[tree["own"].pk, 2021])
    assert [fingerprint(project), fingerprint(department)] == before


def test_the_dashboard_offers_publishing_through_the_confirmation(client, users, project, tree):
    bring_to(project, Status.APPROVED, users)
    login(client, users["reviewer"])
    root = page(client.get(reverse("review:dashboard") + "?year=2021&filter=approved"))
    button = root.find(".//button[@data-action='publish-unit']")
    form = root.find(".//button[@data-action='publish-unit']/..")
    assert "公开全部已通过的表（1）" in text(button)
    assert (form.get("method"), form.get("action")) == (
        "get",
        reverse("review:publish_unit_confirm", args=[tree["own"].pk, 2021]),
    )


def test_nothing_to_publish_goes_back_to_the_dashboard(client, users, project, tree):
    login(client, users["reviewer"])
    response = client.get(reverse("review:publish_unit_confirm", args=[tree["own"].pk, 2021]))
    assert response["Location"] == reverse("review:dashboard") + "?year=2021&filter=approved"
    assert messages_of(response) == ["山海关区残联本级 2021年没有待公开（已审核通过）的表。"]
    assert ProjectTable.objects.get(pk=project.pk).budget_total == Decimal("110000.00")
