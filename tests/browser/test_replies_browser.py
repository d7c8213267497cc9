"""In headless Chromium, by keyboard only: the filer answers a reviewer's comment under it on
the table page, the reviewer sees the reply in the thread; a user sets their phone on the
profile page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC

from budgetapp.review import services
from budgetapp.review.models import Notice, Reply
from budgetapp.units.models import Account
from tests.browser.test_filing_browser import log_in, wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPLY = "已按2024年工作计划重新测算，依据见附件。"


def tab_until(driver: WebDriver, selector: str, limit: int = 80):
    """Press Tab until the element matching `selector` has the focus (as a keyboard user)."""
    target = driver.find_element(By.CSS_SELECTOR, selector)
    for _ in range(limit):
        if driver.switch_to.active_element == target:
            return target
        driver.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_the_filer_replies_by_keyboard_and_the_reviewer_reads_the_thread(
    browser, live_server, users, project
):
    services.submit_table(table=project, user=users["owner"])
    comment = services.add_comment(
        table=project, user=users["reviewer"], text="满意度指标值偏低，请说明依据。"
    )

    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}{project.get_absolute_url()}")
    wait(browser).until(EC.presence_of_element_located((By.ID, f"comment-{comment.pk}")))
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    box = tab_until(browser, f"#reply-{comment.pk}")
    box.send_keys(REPLY)
    button = tab_until(browser, f"#comment-{comment.pk} [data-action=reply]")
    button.send_keys(Keys.ENTER)

    wait(browser).until(EC.url_contains(f"#comment-{comment.pk}"))
    thread = wait(browser).until(
        EC.presence_of_element_located(
            (By.CSS_SELECTOR, f"#comment-{comment.pk} [data-role=reply]")
        )
    )
    assert REPLY in thread.text
    assert Reply.objects.get().author == users["owner"]
    assert Notice.objects.filter(recipient=users["reviewer"], text__contains=REPLY).exists()

    browser.delete_all_cookies()
    log_in(browser, live_server.url, "reviewer")
    browser.get(f"{live_server.url}/notices/")
    link = wait(browser).until(EC.presence_of_element_located((By.PARTIAL_LINK_TEXT, "回复了")))
    link.send_keys(Keys.ENTER)
    wait(browser).until(EC.url_contains(project.get_absolute_url()))
    replies = browser.find_element(By.CSS_SELECTOR, f"#comment-{comment.pk} [data-role=replies]")
    assert REPLY in replies.text


def test_a_user_sets_their_phone_on_the_profile_page_by_keyboard(browser, live_server, users):
    log_in(browser, live_server.url, "owner")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    link = tab_until(browser, "nav a[href='/profile/']")
    link.send_keys(Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "id_phone")))
    assert browser.find_element(By.TAG_NAME, "h1").text == "个人资料"

    phone = tab_until(browser, "#id_phone")
    phone.send_keys("abc")
    phone.send_keys(Keys.ENTER)
    error = wait(browser).until(EC.presence_of_element_located((By.ID, "id_phone-error")))
    assert "请输入有效的联系电话" in error.text
    phone = browser.find_element(By.ID, "id_phone")
    assert phone.get_attribute("value") == "abc"

    phone.send_keys(Keys.CONTROL, "a")
    phone.send_keys("0335-5051234", Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".alert-success")))
    assert Account.objects.get(user=users["owner"]).phone == "0335-5051234"
    assert (
        "0335-5051234" in browser.find_element(By.CSS_SELECTOR, "[data-role=profile-changes]").text
    )
