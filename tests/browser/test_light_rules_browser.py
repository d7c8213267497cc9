"""In headless Chromium, by keyboard only: the round's opener changes its lights' thresholds,
is refused with the message beside the field (what was typed kept), fixes it and saves; the
page passes axe (WCAG 2.2 AA) before and after the refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from budgetapp.monitoring.models import MonitoringRound
from budgetapp.monitoring.services import open_round
from budgetapp.review import services as review
from tests.browser.axe_check import assert_no_axe_violations
from tests.browser.test_filing_browser import log_in, wait
from tests.browser.test_replies_browser import tab_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _type(driver, selector: str, text: str) -> None:
    field = tab_until(driver, selector)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text)


def test_opener_changes_a_rounds_light_rules_by_keyboard(
    browser, live_server, users, tree, year, project
):
    review.submit_table(table=project, user=users["owner"])
    review.approve_table(table=project, user=users["reviewer"])
    round_ = open_round(
        user=users["reviewer"],
        region=tree["city"].region,
        year=year,
        cutoff_month=6,
        due_date=date(2021, 7, 15),
    )
    log_in(browser, live_server.url, "reviewer")
    browser.get(f"{live_server.url}/monitoring/rounds/{round_.pk}/")
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=light-rules]"))
    )
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_until(browser, f'a[href$="/monitoring/rounds/{round_.pk}/rules/"]').send_keys(Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "id_green_share")))
    assert_no_axe_violations(browser)

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _type(browser, "#id_green_share", "15")  # above the 黄 tolerance of 10
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "id_amber_share_error")))
    assert "黄灯容差不能小于绿灯容差" in browser.find_element(By.ID, "id_amber_share_error").text
    assert browser.find_element(By.ID, "id_green_share").get_attribute("value") == "15"
    assert_no_axe_violations(browser)

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _type(browser, "#id_amber_share", "20")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=light-rules]"))
    )
    assert (
        "不超过 20% 为黄灯" in browser.find_element(By.CSS_SELECTOR, "[data-role=light-rules]").text
    )
    rules = MonitoringRound.objects.get(pk=round_.pk).light_rules
    assert (rules.green_share, rules.amber_share) == (Decimal("0.15"), Decimal("0.2"))


def test_an_administrator_picks_a_citys_round_by_keyboard(
    browser, live_server, users, tree, year, project
):
    """With every city's round in the year, the 执行监控 tab offers a 地区 list and 查看: reached
    and used by keyboard, the page passes axe, the chosen city's units show."""
    review.submit_table(table=project, user=users["owner"])
    review.approve_table(table=project, user=users["reviewer"])
    for who, unit in (("reviewer", "city"), ("admin", "other_city")):
        open_round(
            user=users[who],
            region=tree[unit].region,
            year=year,
            cutoff_month=6,
            due_date=date(2021, 7, 15),
        )
    log_in(browser, live_server.url, "sysadmin")
    browser.get(f"{live_server.url}/monitoring/dashboard/?year=2021")
    wait(browser).until(EC.presence_of_element_located((By.ID, "round-choice")))
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    chooser = tab_until(browser, "#round-choice")
    first = chooser.get_attribute("value")
    chooser.send_keys(Keys.ARROW_DOWN)
    chosen = browser.find_element(By.ID, "round-choice").get_attribute("value")
    assert chosen != first
    browser.switch_to.active_element.send_keys(Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: f"round={chosen}" in d.current_url)
    lights = browser.find_element(By.CSS_SELECTOR, '[data-role="monitoring-lights"]').text
    shown = MonitoringRound.objects.get(pk=chosen)
    assert shown.region.name in lights
    assert ("山海关区残联本级" in lights) == (shown.region == tree["city"].region)
    assert_no_axe_violations(browser)
