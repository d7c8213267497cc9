"""Every page of every role passes axe-core (WCAG 2.0-2.2 A/AA and the structure rules) in
headless Chromium, and the check can fail (issue 15, docs/accessibility.md).

The pages are the demo's (`load_demo`, with 张家口 2021 published as `make run` does), walked as
each role sees them: the filer's home, editors of every layout with and without errors, table
pages with their review forms, the reviewer's dashboard and confirmation pages, notices,
import, carry-forward, the library, export jobs, the administrators' pages and the whole portal.
Each page must also have exactly one h1. Violations of all pages are reported together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC

from budgetapp.demo.loader import DEMO_PASSWORD
from budgetapp.demo.publishing import ACKNOWLEDGE, publish_demo_unit
from budgetapp.demo.stages import load_stage_demo
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.exports.jobs import INTERRUPTED
from budgetapp.exports.models import ExportJob, JobStatus, Publication
from budgetapp.exports.registry import export_unit_book
from budgetapp.imports import services as import_services
from budgetapp.monitoring.models import MonitoringRound, MonitoringSheet
from budgetapp.review import services
from budgetapp.targets.models import DepartmentTable, ProjectTable, Revision
from budgetapp.units.models import BudgetYear, Unit
from tests.browser.axe_check import axe_violations, format_violations
from tests.browser.test_filing_browser import wait
from tests.conftest import login
from tests.identity_helpers import current_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHG = "秦皇岛市山海关区残疾人联合会本级"
ZJK = "张家口市残疾人联合会本级"
LJ = "廉江市残疾人联合会"
CD = "武汉市蔡甸区残疾人联合会"


@dataclass
class Sweep:
    """Visits pages and collects what axe (and the one-h1 rule) finds on each."""

    driver: WebDriver
    base: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def check(self, label: str, *, disable: tuple[str, ...] = ()) -> None:
        driver = self.driver
        wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.visited.append(label)
        violations = axe_violations(driver, structure=True, disable=disable)
        if violations:
            self.problems.append(format_violations(violations, url=f"{label} {driver.current_url}"))
        h1 = len(driver.find_elements(By.TAG_NAME, "h1"))
        if h1 != 1:
            self.problems.append(f"{label} {driver.current_url}: {h1} h1 elements, expected 1")

    def page(self, label: str, path: str, **options) -> None:
        self.driver.get(self.base + path)
        self.check(label, **options)

    def as_user(self, username: str) -> None:
        sign_in(self.driver, self.base, username)

    def anonymous(self) -> None:
        self.driver.delete_all_cookies()

    def report(self) -> str:
        return "\n\n".join(self.problems)


def sign_in(driver: WebDriver, base: str, username: str) -> None:
    """Sign in through the session cookie of a test client (second factor completed by
    tests/conftest.py's `login`); the login form itself is checked on its own."""
    client = login(Client(), get_user_model().objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    driver.get(base + "/public/")
    driver.delete_all_cookies()
    driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})


@pytest.fixture
def demo(transactional_db) -> None:
    call_command("load_demo", with_admin=True, verbosity=0)
    publish_demo_unit()


@pytest.fixture
def sweep(browser, live_server, demo) -> Sweep:
    return Sweep(browser, live_server.url)


def _unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def _first_project(unit_name: str) -> ProjectTable:
    return ProjectTable.objects.filter(unit__name=unit_name).order_by("year__year", "sequence")[0]


def _department(unit_name: str) -> DepartmentTable:
    return DepartmentTable.objects.get(unit__name=unit_name)


def _submit_with_errors(sweep: Sweep, label: str, clear: Callable[[WebDriver], None]) -> None:
    """Break a field in the editor, save without the browser's own validation, check the page
    that comes back."""
    driver = sweep.driver
    clear(driver)
    driver.execute_script(
        "const form = document.querySelector('form[data-role=table-form]');"
        "form.noValidate = true; form.requestSubmit(form.querySelector('[data-action=save]'));"
    )
    wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".invalid-feedback, .errorlist"))
    )
    sweep.check(label)


def _save(driver: WebDriver) -> None:
    """Save the editor as it is (a new revision), and wait for the table page."""
    driver.execute_script(
        "const form = document.querySelector('form[data-role=table-form]');"
        "form.requestSubmit(form.querySelector('[data-action=save]'));"
    )
    wait(driver).until(EC.url_matches(r"/tables/(project|department)/\d+/$"))


def _set_field(name: str, value: str) -> Callable[[WebDriver], None]:
    """Type a value the server refuses (the browser's own limits lifted)."""

    def clear(driver: WebDriver) -> None:
        driver.execute_script(
            "const field = document.querySelector(`[name='${arguments[0]}']`);"
            "field.required = false; field.removeAttribute('maxlength');"
            "if (field.type === 'number') field.type = 'text';"
            "field.value = arguments[1];",
            name,
            value,
        )

    return clear


def test_the_filers_pages_pass_axe(sweep):
    shg_project = _first_project(SHG)
    shg_department = _department(SHG)
    BudgetYear.objects.get_or_create(year=2022, defaults={"framework": shg_project.framework})
    sweep.anonymous()
    sweep.as_user("shg_filer")
    sweep.page("首页", "/?year=2021")
    sweep.page("首页（新的一年）", "/?year=2022")
    sweep.page("项目表页面（提交前的警告说明）", f"/tables/project/{shg_project.pk}/")
    sweep.page("项目表编辑", f"/projects/{shg_project.pk}/edit/")
    _save(sweep.driver)
    sweep.page("项目表编辑", f"/projects/{shg_project.pk}/edit/")
    _submit_with_errors(sweep, "项目表编辑（有错误）", _set_field("name", ""))
    sweep.page("新建项目表", "/projects/new/2021/")
    sweep.page("部门整体（河北）页面", f"/tables/department/{shg_department.pk}/")
    sweep.page("部门整体（河北）编辑", f"/department/{shg_department.pk}/edit/")
    _submit_with_errors(
        sweep, "部门整体（河北）编辑（有错误）", _set_field("sub_goals-0-title", "长" * 201)
    )
    revision = (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(ProjectTable), object_id=shg_project.pk
        )
        .order_by("-version")
        .first()
    )
    assert revision is not None, "saving the project table through the editor left no revision"
    sweep.page("历史版本", f"/tables/project/{shg_project.pk}/revisions/{revision.version}/")
    sweep.page("从上年结转", f"/units/{shg_project.unit.pk}/2022/carry-forward/")
    sweep.driver.find_element(By.CSS_SELECTOR, "[data-action=carry]").click()
    wait(sweep.driver).until(EC.url_contains("/carry-forward/done/"))
    sweep.check("结转结果")
    sweep.page("导入 Excel", "/imports/?year=2021")
    batch, _ = import_services.create_batch(
        user=get_user_model().objects.get(username="shg_filer"),
        unit=shg_project.unit,
        year=2021,
        filename="山海关区2021.xlsx",
        data=export_unit_book(shg_project.unit, 2021, "xlsx").content,
    )
    sweep.page("导入预览", f"/imports/{batch.pk}/")
    sweep.page("指标库提议", "/library/proposals/")
    sweep.page("通知", "/notices/")
    sweep.page("个人资料", "/profile/")
    sweep.page("修改密码", "/accounts/password/")
    sweep.page("启用双因素验证", "/accounts/otp/setup/")
    pending = TOTPDevice.objects.get(user__username="shg_filer", confirmed=False)
    sweep.driver.find_element(By.ID, "id_token").send_keys(current_code(pending))
    sweep.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(sweep.driver).until(EC.url_contains("/accounts/otp/setup/"))
    wait(sweep.driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=backup-codes]"))
    )
    sweep.check("备用验证码")
    sweep.page("填报帮助", "/help/indicators/")
    sweep.page("空白模板", "/blank/")
    sweep.page("找不到页面", "/tables/project/999999/")

    sweep.as_user("lj_filer")
    lj = _department(LJ)
    sweep.page("部门整体（广东）页面", f"/tables/department/{lj.pk}/")
    sweep.page("部门整体（广东）编辑", f"/department/{lj.pk}/edit/")
    _submit_with_errors(sweep, "部门整体（广东）编辑（有错误）", _set_field("staff_count", "很多"))

    sweep.as_user("cd_filer")
    cd = _department(CD)
    cd_project = _first_project(CD)
    sweep.page("部门整体（湖北）页面", f"/tables/department/{cd.pk}/")
    sweep.page("部门整体（湖北）编辑", f"/department/{cd.pk}/edit/")
    _submit_with_errors(
        sweep, "部门整体（湖北）编辑（有错误）", _set_field("income_fiscal", "很多")
    )
    sweep.page("项目表（湖北）编辑", f"/projects/{cd_project.pk}/edit/")

    sweep.as_user("zjk_filer")
    sweep.page("已公开的表（填报人）", f"/tables/project/{_first_project(ZJK).pk}/")
    assert len(sweep.visited) == 32
    assert not sweep.problems, sweep.report()


def test_the_reviewers_and_administrators_pages_pass_axe(sweep):
    filer = get_user_model().objects.get(username="shg_filer")
    reviewer = get_user_model().objects.get(username="qhd_reviewer")
    submitted = _first_project(SHG)
    services.submit_table(table=submitted, user=filer, acknowledge=ACKNOWLEDGE)
    returned = ProjectTable.objects.filter(unit__name=SHG).order_by("sequence")[1]
    services.submit_table(table=returned, user=filer, acknowledge=ACKNOWLEDGE)
    services.return_table(table=returned, user=reviewer, reason="预算数与资金用途不符")
    approved = ProjectTable.objects.filter(unit__name=SHG).order_by("sequence")[2]
    services.submit_table(table=approved, user=filer, acknowledge=ACKNOWLEDGE)
    services.approve_table(table=approved, user=reviewer, grade="good")
    job = ExportJob.objects.create(
        requested_by=reviewer, year=BudgetYear.objects.get(year=2021), total=2
    )

    sweep.anonymous()
    sweep.as_user("qhd_reviewer")
    sweep.page("审核工作台", "/review/")
    sweep.page("审核工作台（全部）", "/review/?year=2021&filter=all")
    sweep.page("待审核的表（审核表单）", f"/tables/project/{submitted.pk}/")
    sweep.page("已退回的表", f"/tables/project/{returned.pk}/")
    services.add_comment(table=submitted, user=reviewer, text="满意度指标值请结合上年实际测算。")
    sweep.page("有审核意见的表（回复表单）", f"/tables/project/{submitted.pk}/")
    sweep.page("确认审核通过", f"/tables/project/{submitted.pk}/approve/confirm/?grade=good")
    sweep.page("确认公开此表", f"/tables/project/{approved.pk}/publish/confirm/")
    sweep.page("确认公开单位的表", f"/units/{approved.unit_id}/2021/publish/confirm/")
    sweep.page("通知（有未读）", "/notices/")
    sweep.page("导出任务（排队中）", f"/exports/jobs/{job.pk}/")
    interrupted = ExportJob.objects.create(
        requested_by=reviewer, year=job.year, total=2, done=1, status=JobStatus.FAILED,
        error=INTERRUPTED,
    )  # fmt: skip
    sweep.page("导出任务（中断，重新导出）", f"/exports/jobs/{interrupted.pk}/")

    sweep.as_user("zjk_reviewer")
    sweep.page("审核工作台（张家口）", "/review/?year=2021&filter=all")
    sweep.page("已公开的表（审核人）", f"/tables/project/{_first_project(ZJK).pk}/")

    sweep.as_user("sys_mgr")
    sweep.page("已公开的表（重新打开表单）", f"/tables/project/{_first_project(ZJK).pk}/")
    sweep.page("管理后台", "/admin/")
    sweep.as_user("admin")
    sweep.page("管理后台（超级管理员）", "/admin/")
    admin_text = sweep.driver.find_element(By.TAG_NAME, "body").text
    assert "后台任务记录" in admin_text and "身份验证器" in admin_text
    for english in ("Task Results", "Tasks Database Backend", "Access attempts", "TOTP devices"):
        assert english not in admin_text
    sweep.page("后台任务记录", "/admin/django_tasks_database/dbtaskresult/")
    sweep.as_user("sec_mgr")
    sweep.page("账户管理", "/security/accounts/")
    sweep.page("新建账户", "/security/accounts/new/")
    sweep.page("编辑账户", f"/security/accounts/{filer.pk}/")
    sweep.page("登录锁定", "/accounts/locks/")
    sweep.page("两步验证重置", "/accounts/otp/accounts/")
    sweep.as_user("audit_mgr")
    sweep.page("审计日志", "/security/audit/")
    assert len(sweep.visited) == 23
    assert not sweep.problems, sweep.report()


def test_the_login_pages_and_the_portal_pass_axe(sweep):
    zjk = _unit(ZJK)
    project = _first_project(ZJK)
    department = _department(ZJK)
    sweep.anonymous()
    sweep.page("登录", "/accounts/login/")
    driver = sweep.driver
    driver.find_element(By.ID, "id_username").send_keys("shg_filer")
    driver.find_element(By.ID, "id_password").send_keys("wrong password")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    sweep.check("登录（密码错误）")
    driver.find_element(By.ID, "id_username").clear()
    driver.find_element(By.ID, "id_username").send_keys("qhd_reviewer")
    driver.find_element(By.ID, "id_password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "id_token")))
    sweep.check("双因素验证")
    driver.find_element(By.ID, "id_token").send_keys("000000")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    sweep.check("双因素验证（验证码错误）")
    sweep.anonymous()
    sweep.page("管理后台登录", "/admin/login/")
    sweep.page("公开：首页", "/public/")
    sweep.page("公开：搜索", "/public/search/?q=残联")
    sweep.page("公开：地区", f"/public/regions/{zjk.region.pk}/")
    sweep.page("公开：单位", f"/public/units/{zjk.pk}/")
    sweep.page("公开：单位年度", f"/public/units/{zjk.pk}/2021/")
    sweep.page("公开：项目表", f"/public/tables/project/{project.pk}/")
    sweep.page("公开：部门整体", f"/public/tables/department/{department.pk}/")
    sweep.page("公开：版本", f"/public/tables/project/{project.pk}/v/1/")
    sweep.page("公开：搜索无结果", "/public/search/?q=没有这个单位")
    stored = Publication.objects.get(kind="project", object_id=project.pk).files.get(fmt="pdf")
    with open(stored.file.path, "ab") as handle:
        handle.write(b"changed on disk")
    sweep.page("公开：文件暂不可用", f"/public/tables/project/{project.pk}/download/pdf/")
    assert len(sweep.visited) == 15
    assert not sweep.problems, sweep.report()


def test_the_monitoring_and_self_evaluation_pages_pass_axe(sweep):
    """The year's later stages (issue 18), on the demo's 1–7月 round and self-evaluations."""
    load_stage_demo()
    monitoring_round = MonitoringRound.objects.get()
    sheet = MonitoringSheet.objects.order_by("pk").first()
    evaluation = SelfEvaluation.objects.order_by("pk").first()
    sweep.anonymous()
    for username, role in (("zjk_filer", "填报人"), ("zjk_reviewer", "审核人")):
        sweep.as_user(username)
        sweep.page(f"运行监控（{role}）", "/monitoring/")
        sweep.page(f"监控轮次（{role}）", f"/monitoring/rounds/{monitoring_round.pk}/")
        sweep.page(f"运行监控表（{role}）", f"/monitoring/sheets/{sheet.pk}/")
        sweep.page(f"绩效自评（{role}）", "/evaluation/")
        sweep.page(f"绩效自评表（{role}）", f"/evaluation/{evaluation.pk}/")
    sweep.page("新建监控轮次", "/monitoring/rounds/new/")
    sweep.page("监控批次亮灯规则", f"/monitoring/rounds/{monitoring_round.pk}/rules/")
    # 审核工作台's tabs of the same year (the reviewer is still signed in).
    sweep.page("审核工作台：目标表", "/review/?year=2021")
    sweep.page("审核工作台：执行监控", "/monitoring/dashboard/?year=2021")
    sweep.page("审核工作台：绩效自评", "/evaluation/dashboard/?year=2021")
    assert len(sweep.visited) == 15
    assert not sweep.problems, sweep.report()


# The bar as it was before issue 15: Bootstrap's bg-primary with navbar-dark's link colour.
OLD_NAVBAR_CSS = [
    ".app-navbar { background-color: #0d6efd !important; }",
    ".app-navbar .nav-link, .app-navbar .navbar-text"
    " { color: rgba(255, 255, 255, 0.55) !important; }",
    # Bootstrap's .nav-link fades its colour over 0.15 s: without this, axe could read a link
    # half-way through the fade (still contrasting enough) and flag only the navbar text.
    ".app-navbar .nav-link { transition: none !important; }",
]


def test_the_check_fails_when_the_old_navbar_colour_comes_back(browser, live_server, users):
    """The sweep above can fail: with the old colours back, axe reports the bar's contrast."""
    sign_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/?year=2021")
    assert axe_violations(browser) == []
    browser.execute_script(
        "const sheet = [...document.styleSheets].find((s) => s.href.endsWith('app.css'));"
        "for (const rule of arguments[0]) sheet.insertRule(rule, sheet.cssRules.length);",
        OLD_NAVBAR_CSS,
    )
    violations = axe_violations(browser)
    assert [v["id"] for v in violations] == ["color-contrast"]
    report = format_violations(violations)
    assert "contrast of 2.36 (foreground color: #92befe, background color: #0d6efd" in report
    flagged = {" ".join(node["target"]) for node in violations[0]["nodes"]}
    assert ".navbar-text" in flagged and 'a[href$="profile/"]' in flagged


def test_the_check_fails_when_a_label_goes_missing(browser, live_server, users):
    sign_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/?year=2021")
    browser.execute_script("document.querySelector('label[for=year-select]').remove();")
    violations = axe_violations(browser)
    assert [v["id"] for v in violations] == ["select-name"]
    assert violations[0]["nodes"][0]["target"] == ["#year-select"]
