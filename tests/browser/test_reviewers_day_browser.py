"""Issue 15 in headless Chromium: the reviewer's day by keyboard, and reflow at 320 CSS px
(what a 1280 px screen shows at 400 % zoom, a 640 px one at 200 %)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from budgetapp.targets.models import Grade, Status
from budgetapp.units.models import BudgetYear
from tests.browser.axe_check import assert_no_axe_violations
from tests.browser.test_accessibility_browser import sign_in
from tests.browser.test_filing_browser import log_in, wait
from tests.browser.test_review_browser import click_and_wait_for_new_page, status_text
from tests.conftest import publish
from tests.test_workflow import extra_project
from tests.test_workflow_access import bring_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@contextmanager
def viewport(driver: WebDriver, width: int, height: int = 800) -> Iterator[None]:
    """Lay pages out `width` CSS px wide (as a phone, or a zoomed desktop window would)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def focused(driver: WebDriver):
    return driver.switch_to.active_element


def press_tab_until(driver: WebDriver, matches, limit: int = 80) -> None:
    """Tab forward until the focused element satisfies `matches`."""
    for _ in range(limit):
        focused(driver).send_keys(Keys.TAB)
        if matches(focused(driver)):
            return
    raise AssertionError("no focusable element found by Tab")


HEADINGS = ["单位", "表格", "草稿", "已提交", "已退回", "审核通过", "已公开", "项目预算数（万元）", "公开期限（20天）", "操作"]  # fmt: skip


def heading_lines(driver: WebDriver) -> dict[str, int]:
    """How many lines each column heading of the dashboard's table takes."""
    return driver.execute_script(
        "const lines = {};"
        "for (const th of document.querySelectorAll('[data-role=units] thead th')) {"
        "  const range = document.createRange(); range.selectNodeContents(th);"
        "  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));"
        "  lines[th.textContent.trim()] = tops.size;"
        "}"
        "return lines;"
    )


def test_a_reviewers_day_by_keyboard(browser, live_server, users, project, year):
    BudgetYear.objects.create(year=2022, framework=year.framework)  # newer, nothing filed yet
    for number in range(2, 14):
        extra_project(project.unit, year, f"残疾人康复服务第{number}号补助项目", sequence=number)
    bring_to(project, Status.SUBMITTED, users)
    driver = browser
    with viewport(driver, 1366, 900):
        log_in(driver, live_server.url, "reviewer")

        # Signing in lands on the dashboard of the year with work waiting, on 待审核.
        wait(driver).until(EC.url_contains("/review/"))
        assert driver.find_element(By.TAG_NAME, "h1").text == "审核工作台（2021年）"
        assert Select(driver.find_element(By.ID, "f-filter")).first_selected_option.text == "待审核"
        waiting = driver.find_element(By.CSS_SELECTOR, '[data-role="state-counts"] [aria-current]')
        assert waiting.text.split() == ["待审核", "1", "张表"]
        assert waiting.value_of_css_property("border-top-color") == "rgba(176, 42, 55, 1)"
        rows = driver.find_elements(By.CSS_SELECTOR, "tr[data-unit]")
        assert [r.get_attribute("data-unit") for r in rows] == [str(project.unit.pk)]
        # Every column heading on one line at 1366 px, next to a unit with a dozen tables
        # (they wrapped a character per line).
        assert heading_lines(driver) == {name: 1 for name in HEADINGS}
        driver.execute_script(
            "const sheet = [...document.styleSheets].find((s) => s.href.endsWith('app.css'));"
            "sheet.insertRule('.dashboard-table thead th { white-space: normal !important; }');"
            "sheet.insertRule('.dashboard-table .unit-cell { min-width: 0 !important; }');"
        )
        assert max(heading_lines(driver).values()) > 1  # the check sees the old layout
        driver.refresh()
        assert_no_axe_violations(driver, structure=True, page="审核工作台")

        # To the table, by keyboard.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        press_tab_until(
            driver, lambda e: (e.get_attribute("href") or "").endswith(project.get_absolute_url())
        )
        focused(driver).send_keys(Keys.ENTER)
        wait(driver).until(EC.url_to_be(live_server.url + project.get_absolute_url()))
        assert status_text(driver) == "已提交"

        # 审核通过… asks first, on a page of its own; 取消 would change nothing.
        Select(driver.find_element(By.ID, "approve-grade")).select_by_visible_text("优")
        driver.find_element(By.ID, "approve-grade").send_keys(Keys.TAB)
        assert focused(driver).get_attribute("data-action") == "approve"
        focused(driver).send_keys(Keys.ENTER)
        wait(driver).until(EC.url_contains("/approve/confirm/"))
        assert driver.find_element(By.TAG_NAME, "h1").text == "确认审核通过"
        assert driver.find_element(By.CSS_SELECTOR, '[data-role="confirm-grade"]').text == "优"
        assert_no_axe_violations(driver, structure=True, page="确认审核通过")
        project.refresh_from_db()
        assert project.status == Status.SUBMITTED
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        press_tab_until(driver, lambda e: e.get_attribute("data-action") == "confirm")
        assert focused(driver).text == "确认审核通过"
        focused(driver).send_keys(Keys.ENTER)
        wait(driver).until(EC.url_to_be(live_server.url + project.get_absolute_url()))
        assert status_text(driver) == "审核通过"

        # 公开此表… asks too.
        click_and_wait_for_new_page(
            driver, driver.find_element(By.CSS_SELECTOR, 'button[data-action="publish"]')
        )
        assert driver.find_element(By.TAG_NAME, "h1").text == "确认公开此表"
        project.refresh_from_db()
        assert project.status == Status.APPROVED
        click_and_wait_for_new_page(
            driver, driver.find_element(By.CSS_SELECTOR, 'button[data-action="confirm"]')
        )
        assert status_text(driver) == "已公开"
    project.refresh_from_db()
    assert (project.status, project.grade) == (Status.PUBLISHED, Grade.EXCELLENT)


def page_width(driver: WebDriver) -> int:
    return driver.execute_script("return document.documentElement.scrollWidth;")


def assert_table_scrolls_in_its_region(driver: WebDriver, selector: str) -> None:
    """The table is wider than the screen, its region scrolls, the page does not."""
    region = driver.find_element(By.CSS_SELECTOR, selector)
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
    assert driver.execute_script(
        "return arguments[0].scrollWidth > arguments[0].clientWidth;", region
    )
    caption = region.find_elements(By.TAG_NAME, "caption")
    assert caption and caption[0].is_displayed() and caption[0].text
    region_label = region.get_attribute("aria-labelledby")
    assert region_label == caption[0].get_attribute("id")
    # By keyboard: focus the region and press → to scroll it.
    driver.execute_script("arguments[0].focus();", region)
    region.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    wait(driver).until(lambda d: d.execute_script("return arguments[0].scrollLeft > 0;", region))


def test_pages_reflow_at_320_css_pixels(browser, live_server, users, project):
    driver = browser
    publish(project, users)
    with viewport(driver, 320):
        sign_in(driver, live_server.url, "owner")
        driver.get(f"{live_server.url}/?year=2021")
        assert page_width(driver) <= 320

        # The navigation collapses behind 菜单, which opens by keyboard.
        toggle = driver.find_element(By.CSS_SELECTOR, '[data-role="nav-toggle"]')
        profile = driver.find_element(By.CSS_SELECTOR, '#main-nav a[href$="/profile/"]')
        assert toggle.is_displayed() and not profile.is_displayed()
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        assert focused(driver).text == "跳到主要内容"
        press_tab_until(driver, lambda e: e.get_attribute("data-role") == "nav-toggle", limit=3)
        assert toggle.get_attribute("aria-expanded") == "false"
        focused(driver).send_keys(Keys.ENTER)
        wait(driver).until(lambda d: profile.is_displayed())
        assert toggle.get_attribute("aria-expanded") == "true"
        focused(driver).send_keys(Keys.TAB)
        assert "退出登录" not in focused(driver).text and focused(driver).tag_name == "a"
        assert page_width(driver) <= 320

        assert_table_scrolls_in_its_region(
            driver, f'[aria-labelledby="unit-{project.unit.pk}-caption"]'
        )
        assert_no_axe_violations(driver, structure=True, page="首页（320 px）")

        sign_in(driver, live_server.url, "reviewer")
        driver.get(f"{live_server.url}/review/?year=2021&filter=all")
        assert page_width(driver) <= 320
        assert_table_scrolls_in_its_region(driver, '[aria-labelledby="units-caption"]')
        assert_no_axe_violations(driver, structure=True, page="审核工作台（320 px）")

        driver.delete_all_cookies()
        driver.get(f"{live_server.url}/public/tables/project/{project.pk}/")
        assert page_width(driver) <= 320
        sheet = driver.find_element(By.CSS_SELECTOR, ".official-sheet")
        assert sheet.get_attribute("role") == "region" and sheet.get_attribute("aria-label")
        assert driver.execute_script(
            "return arguments[0].scrollWidth > arguments[0].clientWidth;", sheet
        )
        assert_no_axe_violations(driver, structure=True, page="公开的表（320 px）")
