"""Acceptance of issue 12 in headless Chromium: the Guangdong filer files the department table.

`lj_filer` of the demo (廉江市残联, Guangdong layout) opens the 2024 部门整体预算绩效目标表 from
the home page, edits a figure, adds an indicator row at the end of the grid under 产出指标 and
saves: the save succeeds (it could not before: the rows required the Hubei-only 年度目标), and
the new row joins its 产出指标/数量指标 group. The 智能审核 errors the published table carries
(targets without a unit) are then fixed in the editor by following the panel's findings, and
the table is submitted with an explanation for each remaining warning.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from budgetapp.demo.loader import DEMO_PASSWORD
from budgetapp.targets.models import DepartmentTable, Status
from budgetapp.targets.views.editing import REGROUPED_MESSAGE
from tests.browser.test_filing_browser import (
    all_rows,
    fill_indicator,
    mark_page,
    section,
    wait,
)
from tests.browser.test_review_browser import main_text, status_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("checks_on"),
]

UNIT = "廉江市残疾人联合会"
NEW_ROW = {
    "level1": "产出指标",
    "level2": "数量指标",
    "name": "残疾人辅助器具适配人数",
    "description": "全年为残疾人适配辅助器具的人数",
    "target": "≥150人",
    "basis": "工作计划",
}


def scroll_to(driver: WebDriver, element: WebElement) -> None:
    # Instantly: Bootstrap makes scrolling smooth, and a long editor would still be moving
    # when the click lands (the other tests' pages are short enough not to notice).
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )


def click(driver: WebDriver, element: WebElement) -> None:
    scroll_to(driver, element)
    wait(driver).until(EC.element_to_be_clickable(element))
    element.click()


def type_into(driver: WebDriver, element: WebElement, text: str) -> None:
    scroll_to(driver, element)
    element.clear()
    element.send_keys(text)


def add_row(driver: WebDriver, prefix: str) -> WebElement:
    before = len(all_rows(driver, prefix))
    click(driver, section(driver, prefix).find_element(By.CSS_SELECTOR, '[data-action="add-row"]'))
    wait(driver).until(lambda d: len(all_rows(d, prefix)) == before + 1)
    return all_rows(driver, prefix)[-1]


def click_and_wait_for_new_page(driver: WebDriver, element: WebElement) -> None:
    mark_page(driver)
    click(driver, element)
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && window.__sameDocument !== true;"
        )
    )


def save_and_wait_for_next_page(driver: WebDriver) -> None:
    click_and_wait_for_new_page(
        driver, driver.find_element(By.CSS_SELECTOR, 'button[data-action="save"]')
    )


def log_in_demo(driver: WebDriver, base_url: str, username: str) -> None:
    driver.get(f"{base_url}/accounts/login/")
    wait(driver).until(EC.presence_of_element_located((By.ID, "id_username")))
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(DEMO_PASSWORD)
    click(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    wait(driver).until(lambda d: "/accounts/login/" not in d.current_url)


def error_findings(driver: WebDriver) -> list[tuple[str, str]] | None:
    """(input name, message) of the panel's errors; None while the panel is being redrawn."""
    try:
        summary = driver.find_element(By.CSS_SELECTOR, '[data-role="checks-summary"]').text
        if "正在检查" in summary:
            return None
        return [
            (item.get_attribute("data-input"), item.text)
            for item in driver.find_elements(
                By.CSS_SELECTOR, '[data-role="checks-panel"] [data-role="finding"]'
            )
            if item.get_attribute("data-severity") == "error"
        ]
    except StaleElementReferenceException:
        return None


def fixed_target(row_name: str, value: str) -> str:
    """What the filer types for a 指标值 the panel says has no unit."""
    comparator = "" if value[:1] in "≥≤=＞＜><" else "≥"
    unit = "%" if "满意度" in row_name else ("人次" if "人次" in row_name else "人")
    return f"{comparator}{value}{unit}"


def test_guangdong_filer_saves_fixes_findings_and_submits(browser, live_server):
    call_command("load_demo", verbosity=0)
    table = DepartmentTable.objects.get(unit__name=UNIT)
    rows_before = table.indicators.count()
    driver = browser
    base = live_server.url
    log_in_demo(driver, base, "lj_filer")

    # From the home page to the editor of 廉江's 2024 department table.
    driver.get(f"{base}/?year={table.year.year}")
    edit = wait(driver).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, f'a[href="/department/{table.pk}/edit/"]'))
    )
    click_and_wait_for_new_page(driver, edit)
    wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, 'form[data-role="table-form"]'))
    )
    assert "版式：广东（部门整体预算绩效目标表）" in main_text(driver)

    # Edit a figure and add an indicator row at the very end, under 产出指标 again.
    type_into(driver, driver.find_element(By.ID, "id_staff_count"), "35")
    row = add_row(driver, "indicators")
    fill_indicator(driver, row, NEW_ROW, table.framework)
    save_and_wait_for_next_page(driver)
    wait(driver).until(EC.url_to_be(f"{base}{table.get_absolute_url()}"))
    text = main_text(driver)
    assert "已保存。" in text and REGROUPED_MESSAGE in text
    table.refresh_from_db()
    assert table.staff_count == 35 and table.version == 2
    names = list(table.indicators.order_by("order").values_list("level2__name", "name"))
    assert len(names) == rows_before + 1
    # The new row closes the 数量指标 run instead of opening a second 产出指标 block.
    quantity = [name for level2, name in names if level2 == "数量指标"]
    assert quantity[-1] == NEW_ROW["name"]
    assert names.index(("数量指标", NEW_ROW["name"])) == len(quantity) - 1
    # The table page tells the filer what blocks submission.
    assert driver.find_elements(By.CSS_SELECTOR, '[data-role="submit-blocked"]')

    # Back in the editor: follow the 智能审核 panel and fix every error it lists.
    driver.get(f"{base}/department/{table.pk}/edit/")
    wait(driver).until(lambda d: error_findings(d))
    errors = error_findings(driver)
    assert errors and all(name for name, _ in errors), errors
    for input_name, _message in errors:
        target = driver.find_element(By.NAME, input_name)
        row_name = target.find_element(By.XPATH, "./ancestor::tr[1]").find_element(
            By.CSS_SELECTOR, '[name$="-name"]'
        )
        type_into(
            driver,
            target,
            fixed_target(row_name.get_attribute("value"), target.get_attribute("value")),
        )
    wait(driver).until(lambda d: error_findings(d) == [])
    assert "0 个错误" in driver.find_element(By.CSS_SELECTOR, '[data-role="checks-summary"]').text
    save_and_wait_for_next_page(driver)
    wait(driver).until(EC.url_to_be(f"{base}{table.get_absolute_url()}"))
    assert "已保存。" in main_text(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-role="submit-blocked"]')

    # Submit: each remaining warning needs a word of explanation.
    warnings = driver.find_elements(By.CSS_SELECTOR, '[data-role="submit-checks"] textarea')
    assert warnings
    for box in warnings:
        type_into(driver, box, "按上年实际完成数填写，为确切值。")
    click_and_wait_for_new_page(
        driver,
        driver.find_element(By.CSS_SELECTOR, '[data-role="submit-checks"] [data-action="submit"]'),
    )
    wait(driver).until(lambda d: status_text(d) == "已提交")
    table.refresh_from_db()
    assert table.status == Status.SUBMITTED
    assert table.indicators.count() == rows_before + 1
