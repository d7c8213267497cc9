"""End to end in headless Debian Chromium: one project table through the whole review workflow.

The filer submits; the reviewer finds it on the dashboard, comments on the second indicator row
by clicking it in the official layout and returns the table; the filer sees the notice and the
comment, changes that row and submits again; the reviewer sees what changed, approves with a
grade and publishes. Every step goes through the pages as a person would, logging in and out
through the real forms.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from budgetapp.review.models import Action, Submission, Transition
from budgetapp.targets.models import Grade, Status
from tests.browser.test_filing_browser import (
    WAIT_SECONDS,
    all_rows,
    click,
    field,
    log_in,
    mark_page,
    save_and_wait_for_next_page,
    type_into,
    wait,
)

pytestmark = [
    pytest.mark.browser,
    # live_server needs real commits; the indicator frameworks come from a data migration,
    # so they are restored after the flush that ends each transactional test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMMENT = "满意度指标值偏低，请结合上年实际完成情况重新测算。"
RETURN_REASON = "请按审核意见修改第2行指标值后重新提交。"
NEW_TARGET = "≥98%"


# --- helpers -------------------------------------------------------------------------------


def click_and_wait_for_new_page(driver: WebDriver, element: WebElement) -> None:
    """Click something that posts a form or follows a link, and wait for the new document."""
    mark_page(driver)
    click(driver, element)
    # While the page is being replaced chromedriver may answer with transient errors; they
    # only mean "not yet".
    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && window.__sameDocument !== true;"
        )
    )


def log_out(driver: WebDriver) -> None:
    """The navbar's 退出登录 is a POST form; Django then shows the login page."""
    button = driver.find_element(By.XPATH, "//nav//form//button[normalize-space()='退出登录']")
    click_and_wait_for_new_page(driver, button)
    wait(driver).until(EC.url_contains("/accounts/login/"))
    assert "退出登录" not in driver.find_element(By.TAG_NAME, "nav").text


def switch_user(driver: WebDriver, base_url: str, username: str) -> None:
    log_out(driver)
    log_in(driver, base_url, username)


def open_table(driver: WebDriver, url: str) -> None:
    driver.get(url)
    wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".official-sheet .official-grid"))
    )


def status_text(driver: WebDriver) -> str:
    return driver.find_element(By.CSS_SELECTOR, '[data-role="status"]').text.strip()


def action_button(driver: WebDriver, action: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'button[data-action="{action}"]')


def do_action(driver: WebDriver, action: str, expected_status: str) -> None:
    """Click the action's button; approving and publishing ask on a page of their own first."""
    click_and_wait_for_new_page(driver, action_button(driver, action))
    if driver.find_elements(By.CSS_SELECTOR, '[data-role="confirm-page"]'):
        click_and_wait_for_new_page(driver, action_button(driver, "confirm"))
    wait(driver).until(lambda d: status_text(d) == expected_status)


def cells(driver: WebDriver, anchor: str) -> list[WebElement]:
    found = driver.find_elements(By.CSS_SELECTOR, f'.official-sheet td[data-anchor="{anchor}"]')
    assert found, f"the official layout has no cell for {anchor}"
    return found


def classes(cell: WebElement) -> set[str]:
    return set((cell.get_attribute("class") or "").split())


def main_text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


# --- test ----------------------------------------------------------------------------------


def test_table_goes_through_review_return_resubmit_approve_publish(
    browser, live_server, users, tree, project
):
    driver = browser
    base = live_server.url
    table_url = f"{base}/tables/project/{project.pk}/"
    first, second = project.indicators.order_by("order")
    first_anchor, second_anchor = f"indicator:{first.pk}", f"indicator:{second.pk}"
    second_label = f"绩效指标第2行：{second.name}"
    old_target = second.target

    # 1. The filer submits.
    log_in(driver, base, users["owner"].username)
    open_table(driver, table_url)
    assert status_text(driver) == "草稿"
    do_action(driver, "submit", "已提交")
    assert "已提交，等待审核。" in main_text(driver)
    assert not driver.find_elements(By.LINK_TEXT, "编辑")
    assert not driver.find_elements(By.CSS_SELECTOR, 'button[data-action="submit"]')

    # 2. The reviewer finds it on the dashboard, comments on row 2 and returns it.
    switch_user(driver, base, users["reviewer"].username)
    click_and_wait_for_new_page(driver, driver.find_element(By.LINK_TEXT, "审核工作台"))
    unit_row = wait(driver).until(
        EC.visibility_of_element_located(
            (By.CSS_SELECTOR, f'table[data-role="units"] tr[data-unit="{tree["own"].pk}"]')
        )
    )
    link = unit_row.find_element(By.CSS_SELECTOR, f'a[href="/tables/project/{project.pk}/"]')
    badge = link.find_element(By.XPATH, "following-sibling::span[1]")
    assert badge.text.strip() == "已提交"
    click_and_wait_for_new_page(driver, link)
    wait(driver).until(EC.url_to_be(table_url))
    wait(driver).until(lambda d: status_text(d) == "已提交")

    anchor_select = Select(driver.find_element(By.ID, "comment-anchor"))
    assert anchor_select.first_selected_option.get_attribute("value") == ""  # 整张表
    mark_page(driver)
    click(driver, cells(driver, second_anchor)[0])
    wait(driver).until(
        lambda d: d.find_element(By.ID, "comment-anchor").get_attribute("value") == second_anchor
    )
    assert anchor_select.first_selected_option.text.strip() == second_label
    assert driver.execute_script("return window.__sameDocument === true;"), "the page reloaded"
    text = driver.find_element(By.ID, "comment-text")
    type_into(driver, text, COMMENT)
    click_and_wait_for_new_page(driver, action_button(driver, "comment"))
    assert "意见已保存。" in main_text(driver)
    comment = wait(driver).until(
        EC.visibility_of_element_located(
            (By.CSS_SELECTOR, f'[data-role="comments"] li[data-anchor="{second_anchor}"]')
        )
    )
    assert comment.find_element(By.CSS_SELECTOR, ".fw-semibold").text.strip() == second_label
    assert COMMENT in comment.text

    type_into(driver, driver.find_element(By.ID, "return-reason"), RETURN_REASON)
    do_action(driver, "return", "已退回")
    assert "已退回给填报人。" in main_text(driver)

    # 3. The filer sees the notice and the comment, changes row 2 and submits again.
    switch_user(driver, base, users["owner"].username)
    unread = driver.find_element(By.CSS_SELECTOR, 'nav [data-role="unread"]')
    assert int(unread.text.strip()) >= 1
    open_table(driver, table_url)
    assert status_text(driver) == "已退回"
    comment = driver.find_element(
        By.CSS_SELECTOR, f'[data-role="comments"] li[data-anchor="{second_anchor}"]'
    )
    assert second_label in comment.text and COMMENT in comment.text
    assert all("cell-commented" in classes(c) for c in cells(driver, second_anchor))
    assert not any("cell-commented" in classes(c) for c in cells(driver, first_anchor))

    click_and_wait_for_new_page(driver, driver.find_element(By.LINK_TEXT, "编辑"))
    wait(driver).until(EC.url_contains(f"/projects/{project.pk}/"))
    wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, 'form[data-role="table-form"]'))
    )
    rows = all_rows(driver, "indicators")
    assert [field(r, "name").get_attribute("value") for r in rows] == [first.name, second.name]
    target = field(rows[1], "target")
    assert target.get_attribute("value") == old_target
    type_into(driver, target, NEW_TARGET)
    save_and_wait_for_next_page(driver)  # saved before leaving: no beforeunload prompt
    wait(driver).until(EC.url_to_be(table_url))
    assert "已保存。" in main_text(driver)
    assert status_text(driver) == "已退回"
    assert cells(driver, second_anchor)[2].text.strip() == NEW_TARGET
    do_action(driver, "submit", "已提交")

    # 4. The reviewer sees the change, approves with 优 and publishes.
    switch_user(driver, base, users["reviewer"].username)
    open_table(driver, table_url)
    assert status_text(driver) == "已提交"
    changes = driver.find_element(By.CSS_SELECTOR, '[data-role="changes"]')
    changes_text = changes.text
    assert "第2次提交与第1次提交相比" in changes_text
    assert second_label in changes_text
    assert f"指标值：{old_target} → {NEW_TARGET}" in changes_text
    assert first.name not in changes_text
    # Only the changed value's cell is marked, not the rest of its row (issue 12, bug 7).
    changed = [c.text.strip() for c in cells(driver, second_anchor) if "cell-changed" in classes(c)]
    assert changed == [NEW_TARGET]
    assert not any("cell-changed" in classes(c) for c in cells(driver, first_anchor))

    Select(driver.find_element(By.ID, "approve-grade")).select_by_visible_text("优")
    do_action(driver, "approve", "审核通过")
    assert "已审核通过。" in main_text(driver)
    assert "审核等级：优" in main_text(driver)
    do_action(driver, "publish", "已公开")
    assert "已公开。" in main_text(driver)

    history = driver.find_elements(
        By.CSS_SELECTOR, '[data-role="history"] li.list-group-item > .fw-semibold'
    )
    assert [h.text.strip() for h in history] == ["提交", "退回", "提交", "审核通过", "公开"]

    # And the database agrees.
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED
    assert project.grade == Grade.EXCELLENT
    second.refresh_from_db()
    assert second.target == NEW_TARGET
    records = {"content_type": ContentType.objects.get_for_model(project), "object_id": project.pk}
    transitions = list(Transition.objects.filter(**records).order_by("at", "pk"))
    assert [(t.action, t.actor.username) for t in transitions] == [
        (Action.SUBMIT, "owner"),
        (Action.RETURN, "reviewer"),
        (Action.SUBMIT, "owner"),
        (Action.APPROVE, "reviewer"),
        (Action.PUBLISH, "reviewer"),
    ]
    assert transitions[1].comment == RETURN_REASON
    assert transitions[3].grade == Grade.EXCELLENT
    assert list(Submission.objects.filter(**records).values_list("number", flat=True)) == [1, 2]
