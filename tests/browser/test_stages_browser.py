"""In headless Chromium, by keyboard only: a filer fills and submits one monitoring sheet and
one self-evaluation; both pages pass axe (WCAG 2.2 AA) as a whole."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.monitoring.lights import Light
from budgetapp.monitoring.services import open_round
from budgetapp.targets.models import Status
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


def _choose(driver, selector: str, presses: int) -> None:
    """A select by keyboard: focus it with Tab, then ↓ as many times as the option is far."""
    field = tab_until(driver, selector)
    for _ in range(presses):
        field.send_keys(Keys.ARROW_DOWN)


def test_filer_fills_a_monitoring_sheet_by_keyboard(
    browser, live_server, users, tree, year, approved
):
    round_ = open_round(
        user=users["reviewer"],
        region=tree["city"].region,
        year=year,
        cutoff_month=6,
        due_date=date(2021, 7, 15),
    )
    sheet = round_.sheets.get()
    first, second = sheet.rows.order_by("order")
    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/monitoring/sheets/{sheet.pk}/")
    wait(browser).until(EC.presence_of_element_located((By.ID, "id_spent")))
    assert_no_axe_violations(browser)

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _type(browser, "#id_spent", "55000")
    _type(browser, "#id_projected_spend", "110000")
    _type(browser, f"#id_row-{first.pk}-to_date", "17人")
    _choose(browser, f"#id_row-{first.pk}-likelihood", 1)  # 确定能
    _type(browser, f"#id_row-{second.pk}-to_date", "90%")
    _choose(browser, f"#id_row-{second.pk}-likelihood", 2)  # 有可能
    tab_until(browser, f"#id_row-{second.pk}-causes_0").send_keys(Keys.SPACE)  # 经费保障
    _type(browser, f"#id_row-{second.pk}-measures", "下半年开展满意度回访")
    tab_until(browser, "main form button.btn-primary").send_keys(Keys.ENTER)
    wait(browser).until(
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "已保存")
    )

    sheet.refresh_from_db()
    rows = {row.name: row for row in sheet.rows.all()}
    assert str(sheet.spent) == "55000.00"
    assert rows["保障正常办公人数"].light == Light.GREEN
    assert rows["单位工作人员满意度"].light == Light.AMBER
    assert rows["单位工作人员满意度"].causes == ["funding"]
    assert_no_axe_violations(browser)

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_until(browser, "form[action$='/submit/'] button").send_keys(Keys.ENTER)
    wait(browser).until(
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "已提交")
    )
    sheet.refresh_from_db()
    assert sheet.status == Status.SUBMITTED


def test_filer_self_evaluates_by_keyboard(browser, live_server, users, approved):
    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/evaluation/")
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_until(browser, f"form[action$='/start/{approved.pk}/'] button").send_keys(Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "id_fiscal_executed")))
    evaluation = SelfEvaluation.objects.get()
    first, second = evaluation.rows.order_by("order")
    assert_no_axe_violations(browser)

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _type(browser, "#id_fiscal_executed", "99000")
    _type(browser, "#id_goal_actual", "保障了全年正常运转")
    _type(browser, f"#id_row-{first.pk}-actual", "17人")
    _type(browser, f"#id_row-{second.pk}-actual", "76%")
    _type(browser, f"#id_row-{second.pk}-analysis", "办公条件待改善，明年改造")
    tab_until(browser, "main form button.btn-primary").send_keys(Keys.ENTER)
    wait(browser).until(
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "已保存")
    )
    evaluation.refresh_from_db()
    assert evaluation.total_score == 96 and evaluation.grade == "优"
    assert "96" in browser.find_element(By.TAG_NAME, "main").text

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_until(browser, "form[action$='/submit/'] button").send_keys(Keys.ENTER)
    wait(browser).until(
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "已提交")
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Status.SUBMITTED


def test_admin_reopens_a_published_self_evaluation_by_keyboard(
    browser, live_server, users, approved
):
    """The 重新打开以更正 control of a published self-evaluation passes axe and works by
    keyboard; the public version stays until the correction is published."""
    from budgetapp.evaluation.publishing import publish_evaluation
    from budgetapp.evaluation.services import (
        EvaluationInput,
        approve_evaluation,
        save_evaluation,
        start_evaluation,
    )
    from budgetapp.exports.models import Publication

    evaluation = start_evaluation(user=users["owner"], table=approved)
    save_evaluation(
        user=users["owner"],
        evaluation=evaluation,
        data=EvaluationInput(
            money={}, goal_actual="保障了全年正常运转", weights_reason="", rows={}
        ),
        loaded_version=evaluation.version,
    )
    evaluation.refresh_from_db()
    evaluation.status = Status.SUBMITTED  # the checks are not what this test is about
    evaluation.save(update_fields=["status"])
    approve_evaluation(evaluation=evaluation, user=users["reviewer"])
    publish_evaluation(evaluation=evaluation, user=users["reviewer"])

    log_in(browser, live_server.url, "sysadmin")
    browser.get(f"{live_server.url}/evaluation/{evaluation.pk}/")
    wait(browser).until(EC.presence_of_element_located((By.ID, "reopen-reason")))
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _type(browser, "#reopen-reason", "实际完成值录入有误")
    tab_until(browser, "[data-action='reopen']").send_keys(Keys.ENTER)
    wait(browser).until(
        EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert-success"), "已重新打开")
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Status.RETURNED
    assert Publication.objects.filter(kind="evaluation").count() == 1
    assert (
        "实际完成值录入有误"
        in browser.find_element(By.ID, "history-title").find_element(By.XPATH, "..").text
    )
    assert_no_axe_violations(browser)


def test_reviewer_moves_between_the_dashboard_tabs_by_keyboard(
    browser, live_server, users, tree, year, approved
):
    """目标表 → 执行监控 → 绩效自评 of the same year with Tab and Enter; each view passes axe
    and says which tab it is (aria-current)."""
    open_round(
        user=users["reviewer"],
        region=tree["city"].region,
        year=year,
        cutoff_month=6,
        due_date=date(2021, 7, 15),
    )
    log_in(browser, live_server.url, "reviewer")
    browser.get(f"{live_server.url}/review/?year=2021")
    current = '[data-role="dashboard-tabs"] a[aria-current="page"]'
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, current)))
    assert browser.find_element(By.CSS_SELECTOR, current).text == "目标表"
    assert_no_axe_violations(browser)
    for tab, label, marker in (
        ("monitoring", "执行监控", '[data-role="monitoring-lights"]'),
        ("evaluation", "绩效自评", '[data-role="evaluation-overview"]'),
    ):
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        tab_until(browser, f'[data-role="dashboard-tabs"] a[data-tab="{tab}"]').send_keys(
            Keys.ENTER
        )
        wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, marker)))
        assert browser.current_url.endswith(f"/{tab}/dashboard/?year=2021")
        assert browser.find_element(By.CSS_SELECTOR, current).text == label
        assert "山海关区残联本级" in browser.find_element(By.CSS_SELECTOR, marker).text
        assert_no_axe_violations(browser)
