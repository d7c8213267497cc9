"""The public portal by keyboard alone, in headless Chromium: from a unit's year page to a
corrected table, its 更正说明 and its earlier version."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from budgetapp.review import services
from budgetapp.targets.models import ProjectTable
from tests.browser.test_filing_browser import wait
from tests.conftest import publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tab_to(driver: WebDriver, text: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text contains `text`, then Enter."""
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(limit):
        focused = driver.switch_to.active_element
        if text in focused.text:
            focused.send_keys(Keys.ENTER)
            return
        focused.send_keys(Keys.TAB)
    raise AssertionError(f"no focusable element with {text!r}")


def test_a_reader_finds_the_correction_and_the_earlier_version_by_keyboard(
    browser, live_server, users, project
):
    publish(project, users)
    services.reopen_table(table=project, user=users["admin"], reason="项目名称有误，予以更正")
    ProjectTable.objects.filter(pk=project.pk).update(name="更正后的项目名称")
    project.refresh_from_db()
    publish(project, users)
    driver = browser
    driver.get(f"{live_server.url}/public/units/{project.unit.pk}/2021/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "山海关区残联本级 2021年预算绩效目标"

    tab_to(driver, "更正后的项目名称")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-role=correction]"))
    assert (
        "项目名称有误，予以更正"
        in driver.find_element(By.CSS_SELECTOR, "[data-role=correction]").text
    )

    tab_to(driver, "第1版")
    wait(driver).until(lambda d: "已被更正" in d.find_element(By.TAG_NAME, "main").text)
    assert "残疾人就业服务中心运转经费" in driver.find_element(By.TAG_NAME, "main").text
