"""load_demo: every table of the seeds as data, placed in the tree, with demo accounts."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from budgetapp.demo.loader import read_data_file
from budgetapp.review.services import submit_table
from budgetapp.targets.models import DepartmentTable, ProjectIndicator, ProjectTable
from budgetapp.units.models import Account, Role, Unit


@pytest.fixture
def demo(db):
    call_command("load_demo", with_admin=True, verbosity=0)


def _unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def test_zhangjiakou_has_13_project_tables_with_128_indicator_rows(demo):
    unit = _unit("张家口市残疾人联合会本级")
    tables = ProjectTable.objects.filter(unit=unit, year__year=2021)
    assert tables.count() == 13
    assert ProjectIndicator.objects.filter(table__in=tables).count() == 128
    assert (
        unit.code == "762001"
        and unit.region.name == "张家口市"
        and unit.region.parent.name == "河北省"
    )


def test_shanhaiguan_has_9_project_tables_with_78_indicator_rows(demo):
    unit = _unit("秦皇岛市山海关区残疾人联合会本级")
    tables = ProjectTable.objects.filter(unit=unit, year__year=2021)
    assert tables.count() == 9
    assert ProjectIndicator.objects.filter(table__in=tables).count() == 78
    assert [r.name for r in unit.region.ancestors()] == ["河北省", "秦皇岛市", "山海关区"]
    assert set(tables.values_list("money_unit", flat=True)) == {"元"}


@pytest.mark.parametrize("data_file", ["zhangjiakou_2021.json", "shanhaiguan_2021.json"])
def test_every_indicator_row_is_loaded_as_published(demo, data_file):
    data = read_data_file(data_file)
    unit = Unit.objects.get(name=data["unit"]["name"])
    for spec in data["projects"]:
        table = ProjectTable.objects.get(unit=unit, year__year=data["year"], code=spec["code"])
        assert table.name == spec["name"]
        assert table.budget_total == Decimal(spec["budget_total"])
        loaded = [
            (
                r.level1.name,
                r.level2.name if r.level2 else "",
                r.name,
                r.description,
                r.target,
                r.basis,
            )
            for r in table.indicators.select_related("level1", "level2")
        ]
        published = [
            (r["level1"], r["level2"], r["name"], r["description"], r["target"], r["basis"])
            for r in spec["indicators"]
        ]
        assert loaded == published
        assert [g.text for g in table.goals.all()] == spec["goals"]


def test_a_published_mistake_is_kept_for_review_to_find(demo):
    # Seed 001: a 准确率 whose value is a head count.
    row = ProjectIndicator.objects.get(name="工资及保险发放准确率")
    assert row.target == "14人" and row.target_unit == "人"


def test_department_tables_of_all_four_seeds(demo):
    zjk = DepartmentTable.objects.get(unit__name="张家口市残疾人联合会本级")
    assert zjk.overall_goal and zjk.sub_goals.count() > 0 and zjk.measures.count() > 0
    lianjiang = DepartmentTable.objects.get(unit__name="廉江市残疾人联合会", year__year=2024)
    assert lianjiang.unit.layout == "guangdong"
    assert lianjiang.staff_count == 34 and lianjiang.income_fiscal == Decimal("1273.72")
    assert (
        lianjiang.tasks.filter(kind="key").count() == 5
        and lianjiang.tasks.filter(kind="other").count() == 4
    )
    assert [r.name for r in lianjiang.unit.region.ancestors()] == ["广东省", "湛江市", "廉江市"]
    caidian = DepartmentTable.objects.get(unit__name="武汉市蔡甸区残疾人联合会", year__year=2025)
    assert caidian.unit.layout == "hubei" and caidian.filler_name == "黄娜"
    assert [p.name for p in caidian.project_tables()][:2] == [
        "基层残疾人文化活动经费",
        "残疾人就业工作经费",
    ]
    assert caidian.indicators.count() == 11
    row = caidian.indicators.get(name="残疾人康复救助补贴人次")
    assert (row.value_prev2, row.value_prev1, row.target) == ("1100人次", "1100人次", "1100人次")


def test_demo_accounts_cover_every_role(demo):
    roles = dict(Account.objects.values_list("user__username", "role"))
    assert roles["shg_filer"] == Role.FILER and roles["qhd_reviewer"] == Role.REVIEWER
    assert roles["admin"] == Role.ADMIN
    assert (roles["sys_mgr"], roles["sec_mgr"], roles["audit_mgr"]) == (
        Role.ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    )
    assert (
        Account.objects.get(user__username="shg_filer").unit.name
        == "秦皇岛市山海关区残疾人联合会本级"
    )


def test_every_demo_account_names_a_person_with_a_phone(demo):
    """等保: every account belongs to a named person (name, unit, phone); the deployment
    superuser is the one login that is not a person's."""
    for account in Account.objects.select_related("user").exclude(user__username="admin"):
        assert account.user.first_name and account.phone, account.user.username
        assert (account.unit is None) == (
            account.role in (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
        )
    Account.objects.filter(user__username="shg_filer").update(phone="0335-5051234")
    call_command("load_demo", verbosity=0)
    assert Account.objects.get(user__username="shg_filer").phone == "0335-5051234"


def test_demo_accounts_have_example_org_addresses_and_keep_one_set_by_hand(demo):
    users = get_user_model().objects.filter(account__isnull=False)
    assert users.count() == 12  # 8 filers and reviewers, the superuser, 3 admin roles
    assert {u.email for u in users} == {f"{u.username}@example.org" for u in users}
    get_user_model().objects.filter(username="shg_filer").update(email="wang@shg.example.cn")
    get_user_model().objects.filter(username="cd_filer").update(email="")
    call_command("load_demo", verbosity=0)
    emails = dict(users.values_list("username", "email"))
    assert emails["shg_filer"] == "wang@shg.example.cn"
    assert emails["cd_filer"] == "cd_filer@example.org"


def test_a_demo_submission_is_mailed_to_the_reviewer_with_a_link_that_opens(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    table = ProjectTable.objects.filter(unit__name="秦皇岛市山海关区残疾人联合会本级").first()
    filer = get_user_model().objects.get(username="shg_filer")
    with django_capture_on_commit_callbacks(execute=True):
        submit_table(table=table, user=filer, acknowledge="演示")
    (message,) = mail.outbox
    assert message.to == ["qhd_reviewer@example.org"]
    assert f"查看：http://127.0.0.1:8000{table.get_absolute_url()}" in message.body


def test_load_demo_is_idempotent_and_keeps_edits(demo):
    table = ProjectTable.objects.filter(unit__name="秦皇岛市山海关区残疾人联合会本级").first()
    table.fund_use = "填报人修改过的内容"
    table.save()
    counts = (ProjectTable.objects.count(), ProjectIndicator.objects.count(), Unit.objects.count())
    call_command("load_demo", verbosity=0)
    assert (
        ProjectTable.objects.count(),
        ProjectIndicator.objects.count(),
        Unit.objects.count(),
    ) == counts
    table.refresh_from_db()
    assert table.fund_use == "填报人修改过的内容"
    call_command("load_demo", "--reset", verbosity=0)
    assert ProjectTable.objects.count() == counts[0]
    assert not ProjectTable.objects.filter(fund_use="填报人修改过的内容").exists()


def test_the_demo_superuser_is_created_only_with_debug_or_the_flag(db, settings):
    users = get_user_model().objects
    settings.DEBUG = False
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not users.filter(username="admin").exists()
    assert not users.filter(is_superuser=True).exists()
    assert "未创建演示超级管理员" in out.getvalue() and "admin," not in out.getvalue()

    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    assert users.get(username="admin").is_superuser

    users.filter(username="admin").delete()
    settings.DEBUG = False
    call_command("load_demo", with_admin=True, verbosity=0)
    assert users.get(username="admin").is_superuser


def test_the_deployment_section_suggests_no_demo_password():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    deployment = readme.split("## Deployment", 1)[1].split("\n## ", 1)[0]
    assert "demo1234" not in deployment
    assert "--with-admin" not in deployment
