"""In headless Chromium, by keyboard only: the 安全管理员's account pages (账户管理, 登录锁定,
双因素认证: disable, reset a password, unlock, reset a lost device) and the 审计管理员's audit
log (filter, download links), reached from the navigation and the 安全管理员's tabs with Tab
and Enter.

Each step checks that the focused control is visible (a focus ring) and is named for what it
acts on (its accessible name), that the write happened and is on the audit record, and every
page passes axe-core's WCAG 2.2 A/AA and structure rules (tests/browser/axe_check.py).
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC

from budgetapp.audit.models import AuditEvent, EventKind
from tests.browser.axe_check import assert_no_axe_violations
from tests.browser.test_filing_browser import wait
from tests.conftest import PASSWORD
from tests.identity_helpers import authenticator, current_code, prepare_browser_login
from tests.security_cast import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_TABS = 80


def _focused(driver: WebDriver):
    return driver.switch_to.active_element


def _focus_is_visible(driver: WebDriver) -> bool:
    """The focused control shows a focus ring (outline or Bootstrap's box-shadow)."""
    return driver.execute_script(
        """
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        const shadow = style.boxShadow && style.boxShadow !== 'none';
        const box = el.getBoundingClientRect();
        return (outline || shadow) && box.width > 0 && box.height > 0;
        """
    )


def _name(element) -> str:
    """The accessible name the browser computes (what a screen reader announces)."""
    return " ".join((element.accessible_name or "").split())


def _tab_to(driver: WebDriver, name: str) -> None:
    """Press Tab until the focused control's accessible name is `name` (links, buttons,
    fields by their label)."""
    for _ in range(MAX_TABS):
        _focused(driver).send_keys(Keys.TAB)
        if _name(_focused(driver)) == name:
            assert _focus_is_visible(driver), f"focus on {name!r} is not visible"
            return
    raise AssertionError(f"{name!r} is not reachable with Tab")


def _replaced(old: WebElement):
    """`EC.staleness_of(old)`, also when chromedriver answers a node of the page being replaced
    with "Node with given id does not belong to the document" (a plain WebDriverException that
    staleness_of lets through): either way the old document is gone."""

    def gone(_driver: WebDriver) -> bool:
        try:
            old.is_enabled()
        except WebDriverException:  # StaleElementReferenceException included
            return True
        return False

    return gone


def _activate(driver: WebDriver, name: str, url_part: str | None = None) -> None:
    _tab_to(driver, name)
    old = driver.find_element(By.TAG_NAME, "html")
    _focused(driver).send_keys(Keys.ENTER)
    wait(driver).until(_replaced(old))
    if url_part is not None:
        wait(driver).until(EC.url_contains(url_part))


def _log_in_by_keyboard(driver: WebDriver, base_url: str, username: str) -> None:
    device = prepare_browser_login(username)
    driver.get(f"{base_url}/accounts/login/")
    name = wait(driver).until(EC.presence_of_element_located((By.ID, "id_username")))
    name.send_keys(username, Keys.TAB, PASSWORD, Keys.ENTER)
    wait(driver).until(lambda d: "/accounts/login/" not in d.current_url)
    assert device is not None  # both admin roles sign in with a second factor
    token = wait(driver).until(EC.presence_of_element_located((By.ID, "id_token")))
    token.send_keys(current_code(device), Keys.ENTER)
    wait(driver).until(lambda d: "/accounts/otp/" not in d.current_url)
    assert "退出登录" in driver.find_element(By.TAG_NAME, "nav").text


def _heading(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def _message(driver: WebDriver) -> str:
    return (
        wait(driver)
        .until(EC.visibility_of_element_located((By.CSS_SELECTOR, 'main [role="alert"]')))
        .text
    )


def _axe(driver: WebDriver, page: str) -> None:
    # The page's own content. The navigation bar shared by every page is checked, with every
    # role's pages, by the accessibility sweep of issue 15 (tests/browser/).
    assert_no_axe_violations(driver, structure=True, context="main", page=page)


@pytest.fixture
def staff(users) -> dict:
    return make_staff(users)


def test_the_security_admin_works_the_account_pages_by_keyboard(browser, live_server, staff):
    driver = browser
    # A locked name (five wrong passwords) and an enrolled reviewer who lost their phone.
    for _ in range(5):
        Client().post(
            reverse("login"),
            {"username": "owner", "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.50",  # not the browser's address, which would be locked too
        )
    authenticator(staff["reviewer"])
    assert AccessAttempt.objects.filter(username="owner").exists()

    _log_in_by_keyboard(driver, live_server.url, "secadmin")
    nav = driver.find_element(By.TAG_NAME, "nav").text
    assert "审计日志" not in nav  # 三权分立: not the auditor's page

    # 账户管理: disable the colleague, reset the owner's password.
    _activate(driver, "账户管理", "/security/accounts/")
    assert _heading(driver) == "账户管理"
    _axe(driver, "账户管理")
    _activate(driver, "新建账户", "/security/accounts/new/")
    _axe(driver, "新建账户")
    _activate(driver, "账户管理", "/security/accounts/")
    _activate(driver, "停用 colleague")
    assert "账户 colleague 已停用" in _message(driver)
    assert not get_user_model().objects.get(username="colleague").is_active
    _axe(driver, "账户管理（已停用一个账户）")
    _activate(driver, "重置密码 owner")
    assert _heading(driver) == "密码已重置"
    password = driver.find_element(By.CSS_SELECTOR, '[data-role="one-time-password"]').text
    assert get_user_model().objects.get(username="owner").check_password(password)
    _axe(driver, "一次性密码")
    _activate(driver, "返回账户列表", "/security/accounts/")

    # 登录锁定: unlock the owner.
    _activate(driver, "登录锁定", "/accounts/locks/")
    assert _heading(driver) == "登录锁定"
    _axe(driver, "登录锁定")
    _activate(driver, "解锁 owner")
    assert "已解锁：owner" in _message(driver)
    _axe(driver, "登录锁定（已解锁）")
    assert not AccessAttempt.objects.filter(username="owner").exists()

    # 双因素认证: reset the reviewer's lost device.
    _activate(driver, "双因素认证", "/accounts/otp/accounts/")
    assert _heading(driver) == "双因素认证管理"
    _axe(driver, "双因素认证管理")
    _activate(driver, "重置 reviewer 的双因素认证")
    assert "已重置 reviewer 的双因素认证" in _message(driver)
    assert not TOTPDevice.objects.filter(user=staff["reviewer"]).exists()
    _axe(driver, "双因素认证管理（已重置）")

    done = set(
        AuditEvent.objects.filter(username="secadmin").values_list("kind", flat=True).distinct()
    )
    assert {
        EventKind.ACCOUNT_CHANGE,
        EventKind.PASSWORD_RESET,
        EventKind.UNLOCK,
        EventKind.OTP_RESET,
    } <= done


def test_the_auditor_filters_the_log_by_keyboard(browser, live_server, staff):
    driver = browser
    for _ in range(2):
        Client().post(
            reverse("login"),
            {"username": "owner", "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.50",
        )
    _log_in_by_keyboard(driver, live_server.url, "auditor")
    nav = driver.find_element(By.TAG_NAME, "nav").text
    assert "账户管理" not in nav and "登录锁定" not in nav  # 三权分立

    _activate(driver, "审计日志", "/security/audit/")
    assert _heading(driver) == "安全审计日志"
    _axe(driver, "安全审计日志")
    # Every filter has a visible label; type one by keyboard and submit with Enter.
    for control in driver.find_elements(By.CSS_SELECTOR, '[data-role="audit-filter"] [name]'):
        label = driver.find_element(By.CSS_SELECTOR, f'label[for="{control.get_attribute("id")}"]')
        assert label.text.strip()
    _tab_to(driver, "账户")  # the filter field, named by its label
    assert _focused(driver).get_attribute("id") == "id_who"
    old = driver.find_element(By.TAG_NAME, "html")
    _focused(driver).send_keys("auditor", Keys.ENTER)
    wait(driver).until(_replaced(old))
    assert "who=auditor" in driver.current_url
    rows = driver.find_elements(By.CSS_SELECTOR, '[data-role="audit-events"] tbody tr[data-kind]')
    accounts = {row.find_elements(By.TAG_NAME, "td")[2].text for row in rows}
    assert rows and accounts == {"auditor"}
    # The failed logins of `owner` are left out by the filter, and found without it.
    assert "login_failed" not in {row.get_attribute("data-kind") for row in rows}
    _axe(driver, "安全审计日志（已筛选）")

    # The downloads carry the filter and are reachable by keyboard.
    _tab_to(driver, "下载 CSV")
    assert "who=auditor" in _focused(driver).get_attribute("href")
    _tab_to(driver, "下载 Excel")
    assert "who=auditor" in _focused(driver).get_attribute("href")
