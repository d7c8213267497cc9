"""Two people saving the same draft: the later save from an older page is refused, shows what
the other person changed, keeps what was typed, and saving again from that page goes through.

Pages are driven as a browser would: every field of the rendered form is posted back, with only
the typed changes applied.
"""

from __future__ import annotations

import pytest
import tinyhtml5
from django.test import Client
from django.urls import reverse

from budgetapp.review import services
from budgetapp.review.models import Transition
from budgetapp.targets.models import DepartmentTable, ProjectTable, Revision, Status
from budgetapp.units.models import Role

from .conftest import login
from .forms_data import indicator, project_post
from .test_workflow import new_user, records_of


def _parse(response):
    return tinyhtml5.parse(response.content.decode(), namespace_html_elements=False)


def form_data(response) -> dict[str, str]:
    """What the browser would post from the page's table form, as rendered."""
    assert response.status_code == 200
    form = _parse(response).find(".//form[@data-role='table-form']")
    assert form is not None
    data: dict[str, str] = {}
    for element in form.iter():
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio") and element.get("checked") is None:
                continue
            if kind in ("submit", "button"):
                continue
            data[name] = element.get("value", "on" if kind == "checkbox" else "")
        elif element.tag == "textarea":
            data[name] = "".join(element.itertext()).removeprefix("\n")
        elif element.tag == "select":
            chosen = [o for o in element.iter("option") if o.get("selected") is not None]
            data[name] = chosen[0].get("value", "") if chosen else ""
    return data


def stale_diff(response):
    found = _parse(response).findall(".//*[@data-role='stale-diff']")
    return found[0] if found else None


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def target_field(data: dict[str, str], target: str) -> str:
    """The form name of the indicator row whose target is `target`."""
    return next(
        k for k, v in data.items() if k.startswith("indicators-") and k.endswith("-target") and v == target
    )  # fmt: skip


@pytest.fixture
def filers(users, tree):
    """Two filers of the same unit, each in their own browser."""
    second = new_user("lisi", Role.FILER, tree["own"], first_name="四", last_name="李")
    a, b = Client(), Client()
    login(a, users["owner"])
    login(b, second)
    return a, b, users["owner"], second


@pytest.fixture
def created(filers, year, category) -> ProjectTable:
    """A table created through the page, as every real table is (so version 1 has a revision)."""
    a, *_ = filers
    rows = [
        indicator(category, "产出指标", "数量指标", "康复服务人数", "≥100人"),
        indicator(category, "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
    ]
    response = a.post(reverse("targets:project_create", args=[2021]), project_post(indicators=rows))
    assert response.status_code == 302
    table = ProjectTable.objects.get()
    assert (table.version, Revision.of(table).count()) == (1, 1)
    return table


def test_the_later_save_from_an_older_page_is_refused_and_can_then_be_repeated(filers, created):
    a, b, owner, second = filers
    url = reverse("targets:project_edit", args=[created.pk])
    page_a, page_b = form_data(a.get(url)), form_data(b.get(url))
    assert page_a["loaded_version"] == page_b["loaded_version"] == "1"

    # A renames the project and saves.
    page_a["name"] = "残疾人康复服务经费"
    assert a.post(url, page_a).status_code == 302

    # B, still on the old page, changes the fund use and a target and saves.
    page_b["fund_use"] = "用于残疾人康复服务和辅具适配"
    page_b[target_field(page_b, "≥100人")] = "≥120人"
    response = b.post(url, page_b)
    assert response.status_code == 200
    html = response.content.decode()
    assert "在您编辑期间，owner已保存了此表（其修改见下方）" in html

    diff = stale_diff(response)
    assert diff is not None
    assert [r.get("data-diff-anchor") for r in diff.findall(".//*[@data-diff-anchor]")] == [
        "field:name"
    ]
    change = text(diff.find(".//tr[@data-diff-anchor='field:name']"))
    assert "项目名称" in change and "残疾人康复经费" in change and "残疾人康复服务经费" in change
    assert response.context["stale_diff"].rows == []

    # B's typed values are still on the page, which now carries the current version...
    again = form_data(response)
    assert again["fund_use"] == "用于残疾人康复服务和辅具适配"
    assert "≥120人" in again.values()
    assert again["loaded_version"] == "2"
    # ... and the database holds A's version.
    created.refresh_from_db()
    assert (created.version, created.name, created.fund_use) == (
        2,
        "残疾人康复服务经费",
        "用于残疾人康复服务",
    )
    assert created.updated_by == owner
    assert list(created.indicators.values_list("target", flat=True)) == ["≥100人", "≥90%"]

    # Saving again from that page is B's deliberate choice, and it goes through.
    response = b.post(url, again)
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.version, created.fund_use, created.updated_by) == (
        3,
        "用于残疾人康复服务和辅具适配",
        second,
    )
    assert created.name == "残疾人康复经费"  # B's page said so; the message warned about it
    assert list(created.indicators.values_list("target", flat=True)) == ["≥120人", "≥90%"]
    assert list(Revision.of(created).values_list("version", "saved_by")) == [
        (1, owner.pk),
        (2, owner.pk),
        (3, second.pk),
    ]


def test_both_on_the_same_version_in_turn_is_not_a_conflict(filers, created):
    a, b, *_ = filers
    url = reverse("targets:project_edit", args=[created.pk])
    page_a = form_data(a.get(url))
    page_a["name"] = "A 的名称"
    assert a.post(url, page_a).status_code == 302
    page_b = form_data(b.get(url))  # loaded after A's save
    page_b["fund_use"] = "B 的用途"
    assert b.post(url, page_b).status_code == 302
    created.refresh_from_db()
    assert (created.version, created.name, created.fund_use) == (3, "A 的名称", "B 的用途")


@pytest.mark.parametrize("loaded", [None, "", "abc"])
def test_a_save_without_a_loaded_version_counts_as_stale(filers, created, loaded):
    a, *_ = filers
    url = reverse("targets:project_edit", args=[created.pk])
    data = form_data(a.get(url))
    data["name"] = "没有版本号的保存"
    if loaded is None:
        del data["loaded_version"]
    else:
        data["loaded_version"] = loaded
    response = a.post(url, data)
    assert response.status_code == 200
    created.refresh_from_db()
    assert (created.version, created.name) == (1, "残疾人康复经费")
    if loaded != "abc":  # "abc" is refused by the form itself, before any save is tried
        assert "已保存了此表" in response.content.decode()
        again = form_data(response)
        assert again["loaded_version"] == "1" and again["name"] == "没有版本号的保存"
        assert a.post(url, again).status_code == 302
        created.refresh_from_db()
        assert (created.version, created.name) == (2, "没有版本号的保存")


def test_a_stale_save_of_a_department_table_is_refused_too(filers, project):
    a, b, owner, second = filers
    table = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, overall_goal="原目标"
    )
    url = reverse("targets:department_edit", args=[table.pk])
    page_a, page_b = form_data(a.get(url)), form_data(b.get(url))
    page_a["overall_goal"] = "A 的目标"
    page_b["overall_goal"] = "B 的目标"
    assert a.post(url, page_a).status_code == 302
    response = b.post(url, page_b)
    assert response.status_code == 200
    assert "已保存了此表" in response.content.decode()
    assert form_data(response)["overall_goal"] == "B 的目标"
    table.refresh_from_db()
    assert (table.overall_goal, table.version) == ("A 的目标", 2)
    assert b.post(url, form_data(response)).status_code == 302
    table.refresh_from_db()
    assert (table.overall_goal, table.version) == ("B 的目标", 3)


def test_a_stale_page_cannot_save_into_a_table_submitted_meanwhile(filers, created):
    a, b, owner, _ = filers
    url = reverse("targets:project_edit", args=[created.pk])
    page_b = form_data(b.get(url))
    services.submit_table(table=created, user=owner)
    page_b["name"] = "审核期间的修改"
    response = b.post(url, page_b)
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.status, created.version, created.name) == (
        Status.SUBMITTED,
        1,
        "残疾人康复经费",
    )


def test_the_stale_page_lists_the_changes_for_a_table_loaded_without_revisions(filers, project):
    """The `project` fixture is created directly, like the demo loader's tables."""
    a, b, *_ = filers
    assert not Revision.of(project).exists()
    url = reverse("targets:project_edit", args=[project.pk])
    page_a, page_b = form_data(a.get(url)), form_data(b.get(url))
    page_a["name"] = "改过的项目名称"
    assert a.post(url, page_a).status_code == 302
    page_b["fund_use"] = "B 的用途"
    response = b.post(url, page_b)
    assert response.status_code == 200
    diff = stale_diff(response)
    assert diff is not None and "改过的项目名称" in text(diff)


def test_a_save_racing_review_steps_does_not_undo_them(filers, created, users, monkeypatch):
    from budgetapp.targets.views import project as project_views

    a, _, owner, _ = filers
    url = reverse("targets:project_edit", args=[created.pk])
    data = form_data(a.get(url))
    real = project_views.get_project_table_for_user

    def read_then_race(user, pk, **kwargs):
        table = real(user, pk, **kwargs)  # the view holds this copy while it validates
        fresh = ProjectTable.objects.get(pk=pk)
        services.submit_table(table=fresh, user=owner)
        services.return_table(table=fresh, user=users["reviewer"], reason="请修改", grade="fair")
        return table

    monkeypatch.setattr(project_views, "get_project_table_for_user", read_then_race)
    data["fund_use"] = "并发保存"
    assert a.post(url, data).status_code == 302  # still editable (已退回), so the save is fine
    created.refresh_from_db()
    last = records_of(Transition, created).last()
    assert last.to_status == Status.RETURNED
    assert (created.status, created.grade) == (Status.RETURNED, "fair")
    assert created.submitted_at is not None
