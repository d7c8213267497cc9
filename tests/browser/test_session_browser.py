"""In headless Chromium: the idle warning dialog, 继续, and typed work offered back after the
session ended (timeouts shortened through settings)."""

from __future__ import annotations

import contextlib
import time

import pytest
from django.urls import reverse
from selenium.common.exceptions import NoAlertPresentException, UnexpectedAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_filing_browser import click, log_in, type_into, wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DIALOG = '[role="alertdialog"]'


def _arrive_accepting_leave_prompt(driver, path: str) -> None:
    """Follow a link away from the editor: it asks before leaving unsaved changes (formset.js),
    and the person says yes."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(NoAlertPresentException):
            driver.switch_to.alert.accept()
        with contextlib.suppress(UnexpectedAlertPresentException):
            if path in driver.current_url:
                wait(driver).until(EC.presence_of_element_located((By.ID, "id_username")))
                return
        time.sleep(0.2)
    raise AssertionError(f"never reached {path}: {driver.current_url}")


def _dialog(driver):
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, DIALOG)))


def test_idle_warning_takes_focus_and_continue_extends(browser, live_server, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 12
    settings.SESSION_WARNING_SECONDS = 8
    driver = browser
    log_in(driver, live_server.url, users["owner"].username)
    loaded = time.monotonic()
    dialog = _dialog(driver)
    assert "即将自动退出登录" in dialog.text
    assert dialog.get_attribute("aria-modal") == "true"
    focused = driver.switch_to.active_element
    assert focused.text == "继续"
    assert driver.execute_script("return arguments[0].contains(document.activeElement)", dialog)
    focused.send_keys(Keys.ENTER)  # by keyboard
    wait(driver).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, DIALOG)))

    # Past the first deadline: still signed in, because 继续 restarted the idle clock.
    time.sleep(max(0.0, 13 - (time.monotonic() - loaded)))
    driver.get(f"{live_server.url}/")
    assert "/accounts/login/" not in driver.current_url
    assert "退出登录" in driver.find_element(By.TAG_NAME, "nav").text


def test_typed_work_is_offered_back_after_the_session_ended(
    browser, live_server, users, project, settings
):
    settings.SESSION_IDLE_TIMEOUT = 8
    settings.SESSION_WARNING_SECONDS = 4
    driver = browser
    edit_url = live_server.url + reverse("targets:project_edit", args=[project.pk])
    log_in(driver, live_server.url, users["owner"].username)
    driver.get(edit_url)
    name = wait(driver).until(EC.presence_of_element_located((By.ID, "id_fund_use")))
    typed = "会话结束前输入、尚未保存的资金用途说明"
    type_into(driver, name, typed)

    # The session ends while the filer is away; the dialog says the input is kept.
    WebDriverWait(driver, 20).until(
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, DIALOG), "已自动退出登录")
    )
    click(driver, driver.find_element(By.LINK_TEXT, "重新登录"))
    _arrive_accepting_leave_prompt(driver, "/accounts/login/")

    log_in(driver, live_server.url, users["owner"].username)
    driver.get(edit_url)
    offer = wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-role="draft-offer"]'))
    )
    assert "未保存的输入" in offer.text
    assert driver.find_element(By.ID, "id_fund_use").get_attribute("value") != typed
    click(driver, offer.find_element(By.XPATH, ".//button[text()='恢复未保存的输入']"))
    assert driver.find_element(By.ID, "id_fund_use").get_attribute("value") == typed
