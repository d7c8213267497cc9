"""Shared fixtures: a small unit tree with an owner, a colleague elsewhere and a reviewer.

Every access test meets the same cast (STYLE.md): the filer of the unit, a filer of another
county, a reviewer of the city, a reviewer of another city, an administrator and an anonymous
visitor.
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from budgetapp.indicators.frameworks import LEGACY
from budgetapp.indicators.models import Category, Framework
from budgetapp.targets.models import ProjectGoal, ProjectIndicator, ProjectTable
from budgetapp.units.models import (
    Account,
    BudgetYear,
    LayoutFamily,
    Region,
    RegionLevel,
    Role,
    Unit,
)

# The later stages' fixtures (`approved`, `round_`, `sheet`).
pytest_plugins = ["tests.stage_fixtures"]

PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Stored files (published PDFs, export ZIPs) go to a throw-away folder, never `media/`."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def audit_anchor_file(settings, tmp_path):
    """Each test anchors its audit records in its own file (budgetapp/audit/anchor.py), as each
    test has its own database rows; never the checkout's `var/`."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchor" / "anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with the default cache and the 智能审核's empty (cached portal pages are
    keyed by the newest publication's id, which a later test's rolled-back database can
    repeat)."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["checks"].clear()
    yield
    cache.clear()
    caches["checks"].clear()


@pytest.fixture
def checks_on() -> None:
    """Opt in to the 智能审核 rules (`pytestmark = pytest.mark.usefixtures("checks_on")`)."""


@pytest.fixture(autouse=True)
def _print_config_kept():
    """How exports print (accelerators on, the print font's folder) is the session's again
    after each test, even one that changed it (e.g. by running the exports app's `ready`)."""
    from budgetapp.exports import pdf_render

    saved = pdf_render.current_config()
    yield
    if pdf_render.current_config() != saved:
        pdf_render.configure(saved)


@pytest.fixture(autouse=True)
def _checks_off_unless_asked(request) -> None:
    """The rules are data (`checks.CheckRule`), switched on by their migration. Tests of other
    features submit small fixture tables (two indicator rows, no 效益指标) that the target
    tables' rules would rightly refuse, so those tests run with the target rules switched off;
    the checks' own tests and whoever asks for `checks_on` run with every shipped rule as
    installed. The later stages' rules (运行监控, 绩效自评) stay on: a stage's tests fill its
    sheets as a filer would, and its submit gate is part of what they test."""
    names = set(request.fixturenames)
    if "checks_on" in names:
        return
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
    elif "db" in names or "transactional_db" in names:
        request.getfixturevalue("db" if "db" in names else "transactional_db")
    else:
        return
    from budgetapp.checks.models import CheckRule, Stage

    CheckRule.objects.filter(stage=Stage.TARGET).update(enabled=False)


@pytest.fixture
def framework(db) -> Framework:
    return Framework.objects.get(code=LEGACY)


@pytest.fixture
def category(framework):
    def find(level1: str, level2: str | None = None) -> Category:
        parent = Category.objects.get(framework=framework, parent=None, name=level1)
        if level2 is None:
            return parent
        return Category.objects.get(framework=framework, parent=parent, name=level2)

    return find


@pytest.fixture
def year(framework) -> BudgetYear:
    return BudgetYear.objects.create(year=2021, framework=framework)


@pytest.fixture
def tree(db) -> dict[str, Unit]:
    hebei = Region.objects.create(
        name="河北省", level=RegionLevel.PROVINCE, layout=LayoutFamily.HEBEI
    )
    qinhuangdao = Region.objects.create(name="秦皇岛市", level=RegionLevel.CITY, parent=hebei)
    shanhaiguan = Region.objects.create(
        name="山海关区", level=RegionLevel.COUNTY, parent=qinhuangdao
    )
    beidaihe = Region.objects.create(name="北戴河区", level=RegionLevel.COUNTY, parent=qinhuangdao)
    zhangjiakou = Region.objects.create(name="张家口市", level=RegionLevel.CITY, parent=hebei)
    return {
        "city": Unit.objects.create(region=qinhuangdao, name="秦皇岛市残疾人联合会"),
        "own": Unit.objects.create(region=shanhaiguan, code="762001", name="山海关区残联本级"),
        "other": Unit.objects.create(region=beidaihe, code="762001", name="北戴河区残联本级"),
        "other_city": Unit.objects.create(
            region=zhangjiakou, code="762001", name="张家口市残联本级"
        ),
    }


def _user(username: str, role: str, unit: Unit | None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    Account.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def users(tree) -> dict:
    return {
        "owner": _user("owner", Role.FILER, tree["own"]),
        "colleague": _user("colleague", Role.FILER, tree["other"]),
        "reviewer": _user("reviewer", Role.REVIEWER, tree["city"]),
        "other_reviewer": _user("other_reviewer", Role.REVIEWER, tree["other_city"]),
        "admin": _user("sysadmin", Role.ADMIN, None, is_staff=True, is_superuser=True),
    }


@pytest.fixture
def project(tree, year, category) -> ProjectTable:
    table = ProjectTable.objects.create(
        unit=tree["own"],
        year=year,
        framework=year.framework,
        money_unit="元",
        sequence=1,
        code="1303032128HRAXGII0LHI",
        name="残疾人就业服务中心运转经费",
        budget_total=Decimal("110000.00"),
        budget_fiscal=Decimal("110000.00"),
        budget_other=Decimal("0"),
        fund_use="保障单位正常运转",
        plan_march=Decimal("25"),
        plan_june=Decimal("50"),
        plan_october=Decimal("75"),
        plan_december=Decimal("100"),
    )
    ProjectGoal.objects.create(table=table, order=1, text="保障业务正常开展，单位正常运转")
    ProjectIndicator.objects.create(
        table=table,
        order=1,
        level1=category("产出指标"),
        level2=category("产出指标", "数量指标"),
        name="保障正常办公人数",
        description="保障正常办公人数",
        target="17人",
        basis="工作计划",
    )
    ProjectIndicator.objects.create(
        table=table,
        order=2,
        level1=category("满意度指标"),
        level2=category("满意度指标", "服务对象满意度指标"),
        name="单位工作人员满意度",
        target="≥95%",
        basis="工作计划",
    )
    return table


def login(client, user):
    """Sign in without the login form; the second factor is completed too where it is needed
    (tests/identity_helpers.py). Tests of logging in itself post to the login page."""
    from tests.identity_helpers import complete_second_factor

    client.force_login(user)
    complete_second_factor(client, user)
    return client


def publish(table, users: dict, *, filer: str = "owner"):
    """Take a draft table through submit, approve and publish, as the real roles would."""
    from budgetapp.review import services

    services.submit_table(table=table, user=users[filer])
    services.approve_table(table=table, user=users["reviewer"])
    services.publish_table(table=table, user=users["reviewer"])
    table.refresh_from_db()
    return table


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF with all white space removed (cells wrap, lines break anywhere)."""
    result = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return re.sub(r"\s+", "", result.stdout.decode())
