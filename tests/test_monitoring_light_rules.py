"""The lights' thresholds as data: the administrator's defaults (Django admin), a round's copy
(its page), validation, the audit record, access and the lights they change."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from budgetapp.audit.models import AuditEvent, EventKind
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.monitoring.lights import Light, LightRules, budget_light
from budgetapp.monitoring.models import LightRuleDefaults
from budgetapp.monitoring.rule_settings import (
    RulesInvalid,
    change_default_rules,
    change_round_rules,
)
from budgetapp.monitoring.services import RowInput, SheetInput, save_sheet

from .conftest import login
from .stage_fixtures import open_city_round
from .test_monitoring_lights import light

TYPED = {"green_share": D(0), "amber_share": D(10), "budget_green_points": D(0),
         "budget_amber_points": D(10)}  # fmt: skip


def typed(**changes) -> dict[str, D]:
    return {**TYPED, **{name: D(str(value)) for name, value in changes.items()}}


# --- The rules change the lights, both ways ------------------------------------------------------


def test_a_wider_green_tolerance_turns_amber_green_and_a_narrower_amber_turns_it_red():
    # 1150 against ≥1200 misses by 4.2 % of the target: 黄 by the shipped rules.
    assert light("≥1200人次", projected="1150") == Light.AMBER
    lenient = LightRules.from_typed(typed(green_share=5))
    strict = LightRules.from_typed(typed(amber_share=2))
    assert light("≥1200人次", projected="1150", rules=lenient) == Light.GREEN
    assert light("≥1200人次", projected="1150", rules=strict) == Light.RED
    # ≤ and = use the same tolerances
    assert light("≤100元", projected="104", rules=lenient) == Light.GREEN
    assert light("≤100元", projected="104", rules=strict) == Light.RED
    assert light("=100人", projected="97", rules=lenient) == Light.GREEN
    assert light("=100人", projected="97", rules=strict) == Light.RED
    # a zero target missed is 红 whatever the tolerance (5 % of nothing is nothing)
    assert light("≤0起", projected="1", rules=lenient) == Light.RED


def test_spending_tolerances_move_the_budget_light_both_ways():
    assert budget_light(D(46), D(50)) == Light.AMBER
    assert budget_light(D(46), D(50), LightRules.from_typed(typed(budget_green_points=5))) == (
        Light.GREEN
    )
    assert budget_light(D(46), D(50), LightRules.from_typed(typed(budget_amber_points=3))) == (
        Light.RED
    )


# --- Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amber_share": 120}, "amber_share", "黄灯容差应在 0–100% 之间。"),
        ({"green_share": -1}, "green_share", "绿灯容差应在 0–100% 之间。"),
        ({"green_share": 15}, "amber_share", "黄灯容差不能小于绿灯容差，否则不会亮黄灯。"),
        (
            {"budget_green_points": 12},
            "budget_amber_points",
            "执行进度黄灯容差不能小于执行进度绿灯容差，否则不会亮黄灯。",
        ),
    ],
)
def test_thresholds_out_of_range_or_order_are_refused(changes, field, message):
    assert LightRules.from_typed(typed(**changes)).problems() == {field: message}


def test_the_shipped_thresholds_are_valid_and_round_trip():
    rules = LightRules()
    assert rules.problems() == {}
    assert LightRules.from_typed(rules.as_typed()) == rules
    assert str(rules.as_typed()["amber_share"]) == "10"
    # a round stored before the 绿 tolerances existed reads them as 0
    assert LightRules.from_data({"amber_share": "0.05"}).green_share == 0


# --- Services: defaults, a round's copy, the record ----------------------------------------------


def _fill(sheet, owner, projected: str):
    by_name = {row.name: row.pk for row in sheet.rows.all()}
    data = SheetInput(
        spent=D("55000"),  # 50 % by June, as planned
        projected_spend=D("110000"),
        lag_reason="",
        rows={
            by_name["保障正常办公人数"]: RowInput(projected=projected, likelihood="certain"),
            by_name["单位工作人员满意度"]: RowInput(projected="96", likelihood="certain"),
        },
    )
    return save_sheet(user=owner, sheet=sheet, data=data, loaded_version=sheet.version)


def test_an_admin_changes_the_defaults_on_the_record(db, users):
    change_default_rules(user=users["admin"], typed=typed(amber_share=15), ip="10.0.0.7")
    assert LightRuleDefaults.current().amber_share == D("0.15")
    event = AuditEvent.objects.get(kind=EventKind.RULE_CHANGE)
    assert event.username == "sysadmin" and event.client_ip == "10.0.0.7"
    assert event.details["scope"] == "default"
    assert event.details["changes"] == {"黄灯容差": {"old": "10%", "new": "15%"}}


@pytest.mark.parametrize("who", ["owner", "reviewer"])
def test_only_an_admin_changes_the_defaults(db, users, who):
    with pytest.raises(NotAllowed):
        change_default_rules(user=users[who], typed=typed(amber_share=15))
    assert LightRuleDefaults.current() == LightRules()
    assert not AuditEvent.objects.filter(kind=EventKind.RULE_CHANGE).exists()


def test_invalid_defaults_change_nothing(db, users):
    with pytest.raises(RulesInvalid) as refused:
        change_default_rules(user=users["admin"], typed=typed(green_share=20))
    assert set(refused.value.problems) == {"amber_share"}
    assert LightRuleDefaults.current() == LightRules()


def test_a_round_copies_the_defaults_and_keeps_them(approved, users, tree, year):
    change_default_rules(user=users["admin"], typed=typed(amber_share=3))
    round_ = open_city_round(users, tree, year)
    sheet = _fill(round_.sheets.get(), users["owner"], projected="16")  # misses 17 by 5.9 %
    assert sheet.light == Light.RED  # by the round's 3 %
    change_default_rules(user=users["admin"], typed=typed(amber_share=30))
    round_.refresh_from_db()
    assert round_.light_rules.amber_share == D("0.03")  # the round's copy did not move
    sheet.refresh_from_db()
    assert sheet.light == Light.RED


def test_the_opener_changes_a_rounds_rules_and_the_lights_follow(approved, users, tree, year):
    round_ = open_city_round(users, tree, year)
    sheet = _fill(round_.sheets.get(), users["owner"], projected="16")
    assert sheet.light == Light.AMBER  # 5.9 % short, within the shipped 10 %
    assert (
        change_round_rules(
            user=users["reviewer"], round_=round_, typed=typed(amber_share=5), ip="10.0.0.8"
        )
        == 1
    )
    sheet.refresh_from_db()
    assert sheet.light == Light.RED
    assert sheet.rows.get(name="保障正常办公人数").light == Light.RED
    change_round_rules(user=users["reviewer"], round_=round_, typed=typed(green_share=6))
    sheet.refresh_from_db()
    assert sheet.light == Light.GREEN
    events = list(AuditEvent.objects.filter(kind=EventKind.RULE_CHANGE).order_by("pk"))
    assert [e.details["changes"] for e in events] == [
        {"黄灯容差": {"old": "10%", "new": "5%"}},
        {"绿灯容差": {"old": "0%", "new": "6%"}, "黄灯容差": {"old": "5%", "new": "10%"}},
    ]
    assert events[0].username == "reviewer" and events[0].client_ip == "10.0.0.8"
    assert events[0].object_id == str(round_.pk) and events[0].details["relit"] == 1


@pytest.mark.parametrize("who", ["other_reviewer", "owner"])
def test_only_the_opener_or_an_admin_changes_a_rounds_rules(approved, users, tree, year, who):
    round_ = open_city_round(users, tree, year)
    with pytest.raises(NotAllowed):
        change_round_rules(user=users[who], round_=round_, typed=typed(amber_share=5))
    change_round_rules(user=users["admin"], round_=round_, typed=typed(amber_share=5))
    round_.refresh_from_db()
    assert round_.light_rules.amber_share == D("0.05")


def test_a_rounds_rules_are_fixed_once_a_sheet_is_submitted(approved, users, tree, year):
    round_ = open_city_round(users, tree, year)
    sheet = round_.sheets.get()
    sheet.status = "submitted"
    sheet.save()
    with pytest.raises(TableError, match="已有监控表提交"):
        change_round_rules(user=users["reviewer"], round_=round_, typed=typed(amber_share=5))
    round_.refresh_from_db()
    assert round_.light_rules == LightRules()


# --- The round's page: access, validation that keeps what was typed ------------------------------

ROUND_RULES_EXPECTED = {
    "owner": 403,
    "colleague": 403,
    "reviewer": 200,  # the opener
    "other_reviewer": 404,
    "admin": 200,
}


@pytest.mark.parametrize(("who", "expected"), ROUND_RULES_EXPECTED.items())
def test_who_reaches_a_rounds_rules(client, approved, users, tree, year, who, expected):
    round_ = open_city_round(users, tree, year)
    login(client, users[who])
    url = reverse("monitoring:round_rules", args=[round_.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {**typed(amber_share=5)})
    assert response.status_code == (302 if expected == 200 else expected)
    round_.refresh_from_db()
    assert (round_.light_rules.amber_share == D("0.05")) == (expected == 200)


def test_anonymous_visitors_are_sent_to_log_in(client, approved, users, tree, year):
    round_ = open_city_round(users, tree, year)
    response = client.get(reverse("monitoring:round_rules", args=[round_.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_refused_form_keeps_what_was_typed(client, approved, users, tree, year):
    round_ = open_city_round(users, tree, year)
    login(client, users["reviewer"])
    url = reverse("monitoring:round_rules", args=[round_.pk])
    data = {"green_share": "12.5", "amber_share": "8", "budget_green_points": "abc",
            "budget_amber_points": "10"}  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "黄灯容差不能小于绿灯容差" in page
    assert "执行进度绿灯容差应为数字" in page
    assert 'value="12.5"' in page and 'value="abc"' in page
    assert 'aria-invalid="true"' in page
    round_.refresh_from_db()
    assert round_.light_rules == LightRules()


def test_the_round_page_shows_its_rules_and_the_link_to_change_them(
    client, approved, users, tree, year
):
    round_ = open_city_round(users, tree, year)
    change_round_rules(user=users["reviewer"], round_=round_, typed=typed(amber_share=7.5))
    login(client, users["reviewer"])
    page = client.get(reverse("monitoring:round", args=[round_.pk])).content.decode()
    assert "不超过 7.5% 为黄灯" in page
    assert reverse("monitoring:round_rules", args=[round_.pk]) in page
    sheet = round_.sheets.get()
    sheet.status = "submitted"
    sheet.save()
    page = client.get(reverse("monitoring:round_rules", args=[round_.pk])).content.decode()
    assert "亮灯规则不能再修改" in page and "保存亮灯规则" not in page


# --- The Django admin goes through the service ---------------------------------------------------


def test_the_admin_changes_the_defaults_through_the_service(client, db, users):
    login(client, users["admin"])
    url = reverse("admin:monitoring_lightruledefaults_change", args=[1])
    assert client.get(url).status_code == 200
    response = client.post(url, {**typed(amber_share=12), "_save": "保存"})
    assert response.status_code == 302
    assert LightRuleDefaults.current().amber_share == D("0.12")
    events = AuditEvent.objects.filter(kind=EventKind.RULE_CHANGE)
    assert [e.details["changes"] for e in events] == [{"黄灯容差": {"old": "10%", "new": "12%"}}]


def test_the_admin_refuses_disordered_defaults_and_keeps_them(client, db, users):
    login(client, users["admin"])
    url = reverse("admin:monitoring_lightruledefaults_change", args=[1])
    response = client.post(url, {**typed(green_share=11), "_save": "保存"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "黄灯容差不能小于绿灯容差" in page and 'value="11"' in page
    assert LightRuleDefaults.current() == LightRules()
    assert not AuditEvent.objects.filter(kind=EventKind.RULE_CHANGE).exists()
    assert client.get(reverse("admin:monitoring_lightruledefaults_add")).status_code == 403


def test_a_system_administrator_reaches_the_defaults_in_the_admin_site(client, db, tree):
    """A 系统管理员 account (not the deployment's superuser) has the rights (三权分立)."""
    from budgetapp.units.admin_rights import sync_admin_site_rights
    from budgetapp.units.models import Role

    from .conftest import _user

    admin = _user("system_admin", Role.ADMIN, None)
    sync_admin_site_rights(admin)
    login(client, admin)
    url = reverse("admin:monitoring_lightruledefaults_change", args=[1])
    assert client.get(url).status_code == 200
    assert client.post(url, {**typed(budget_amber_points=8), "_save": "保存"}).status_code == 302
    assert LightRuleDefaults.current().budget_amber_points == D(8)
    event = AuditEvent.objects.get(kind=EventKind.RULE_CHANGE)
    assert event.username == "system_admin" and event.role == Role.ADMIN


def test_opening_a_round_shows_the_defaults_it_will_copy(client, db, users):
    change_default_rules(user=users["admin"], typed=typed(green_share=2.5))
    login(client, users["reviewer"])
    page = client.get(reverse("monitoring:round_new")).content.decode()
    assert "不超过目标值的 2.5% 为绿灯、不超过 10% 为黄灯" in page


def test_another_reviewer_of_the_city_reads_the_round_but_not_its_rules_page(
    client, approved, users, tree, year
):
    from budgetapp.units.models import Role

    from .conftest import _user

    round_ = open_city_round(users, tree, year)
    colleague = _user("reviewer2", Role.REVIEWER, tree["city"])
    login(client, colleague)
    page = client.get(reverse("monitoring:round", args=[round_.pk])).content.decode()
    assert "亮灯规则：" in page and "修改本批次亮灯规则" not in page
    url = reverse("monitoring:round_rules", args=[round_.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, typed(amber_share=5)).status_code == 403
    round_.refresh_from_db()
    assert round_.light_rules == LightRules()


def test_the_rounds_summary_file_states_the_rounds_thresholds(approved, users, tree, year):
    from budgetapp.layouts.document import Paragraph
    from budgetapp.monitoring.summary import round_summary_book

    round_ = open_city_round(users, tree, year)
    change_round_rules(user=users["reviewer"], round_=round_, typed=typed(amber_share=7.5))
    detail = round_summary_book(round_).parts[0].entries[0].document
    notes = [block.text for block in detail.blocks if isinstance(block, Paragraph)]
    assert any(
        "不超过 7.5% 为黄灯" in note and "不超过 10 个百分点为黄灯" in note for note in notes
    )
