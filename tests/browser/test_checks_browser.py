"""智能审核 in headless Chromium: the panel follows what the filer types, and points at the row."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.test_filing_browser import all_rows, click, field, log_in, type_into, wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("checks_on"),
]


def findings(driver: WebDriver) -> list[str]:
    """The panel's findings as shown; empty while the panel is being redrawn (the script
    replaces its items on every answer, so an item found a moment ago may be gone)."""
    try:
        return [
            item.text
            for item in driver.find_elements(
                By.CSS_SELECTOR, '[data-role="checks-panel"] [data-role="finding"]'
            )
        ]
    except StaleElementReferenceException:
        return []


def locate(driver: WebDriver, expected: str) -> bool:
    """Click the finding's 定位 link; False (try again) if the panel was redrawn meanwhile."""
    try:
        for item in driver.find_elements(By.CSS_SELECTOR, '[data-role="finding"]'):
            if expected in item.text:
                click(driver, item.find_element(By.CSS_SELECTOR, '[data-action="locate-finding"]'))
                return True
    except StaleElementReferenceException:
        pass
    return False


def test_the_panel_follows_typing_and_locates_the_row(browser, live_server, users, project):
    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/projects/{project.pk}/edit/")
    wait(browser).until(lambda d: any("效益指标" in text for text in findings(d)))

    row = all_rows(browser, "indicators")[1]
    type_into(browser, field(row, "target"), "是/否")
    expected = "第 2 行“单位工作人员满意度”是满意度，指标值应为百分比（如“≥90%”），不能是“是/否”。"
    wait(browser).until(lambda d: any(expected in text for text in findings(d)))

    wait(browser).until(lambda d: locate(d, expected))
    wait(browser).until(
        lambda d: "checks-located" in all_rows(d, "indicators")[1].get_attribute("class")
    )

    type_into(browser, field(row, "target"), "≥95%")
    wait(browser).until(lambda d: not any(expected in text for text in findings(d)))
    # Nothing was saved by checking.
    project.refresh_from_db()
    assert project.indicators.get(order=2).target == "≥95%" and project.version == 1


def _help_links(driver: WebDriver) -> dict[str, str]:
    """rule code -> the finding's 怎么改 link, for the findings the panel shows now."""
    try:
        return {
            item.get_attribute("data-rule"): item.find_element(
                By.CSS_SELECTOR, '[data-role="rule-help"]'
            ).get_attribute("href")
            for item in driver.find_elements(
                By.CSS_SELECTOR, '[data-role="checks-panel"] [data-role="finding"]'
            )
        }
    except StaleElementReferenceException:
        return {}


def test_findings_drawn_while_typing_link_to_their_rule_on_the_help_page(
    browser, live_server, users, project
):
    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/projects/{project.pk}/edit/")
    wait(browser).until(lambda d: "level1_present" in _help_links(d))

    row = all_rows(browser, "indicators")[1]
    type_into(browser, field(row, "target"), "是/否")  # drawn by checks.js, not the server
    wait(browser).until(lambda d: "rate_is_percent" in _help_links(d))

    href = _help_links(browser)["rate_is_percent"]
    assert href == f"{live_server.url}/help/indicators/#rule-rate_is_percent"
    browser.get(href)
    section = browser.find_element(By.ID, "rule-rate_is_percent")
    assert "“率”和满意度指标用百分比" in section.text and "怎么改" in section.text
