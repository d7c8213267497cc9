"""A filer downloads a large book (issue 17 §4) in headless Chromium, by keyboard: the home page's
link offers to print it in the background, the progress page shows it done and offers the
file. What both pages add (their main content) passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from budgetapp.exports.models import ExportJob, JobStatus
from budgetapp.targets.models import ProjectTable
from tests.browser.axe_check import assert_no_axe_violations
from tests.browser.test_filing_browser import log_in, wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_large_book_is_printed_in_the_background_and_downloaded_by_keyboard(
    browser, live_server, users, project, settings
):
    settings.EXPORT_BOOK_INLINE_TABLES = 3
    for sequence in range(2, 6):
        ProjectTable.objects.create(
            unit=project.unit, year=project.year, framework=project.framework,
            sequence=sequence, name=f"第{sequence}个康复项目", budget_total=Decimal("1.00"),
        )  # fmt: skip
    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/?year=2021")
    link = browser.find_element(By.CSS_SELECTOR, '[data-role="book-downloads"] a')
    assert link.text == "PDF"
    link.send_keys(Keys.ENTER)

    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main form button")))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "共有 5 张绩效目标表" in main and "后台生成" in main
    assert_no_axe_violations(browser, context="main", page="开始生成全本")
    button = browser.find_element(By.CSS_SELECTOR, "main form button")
    button.send_keys(Keys.ENTER)

    wait(browser).until(EC.presence_of_element_located((By.ID, "export-job")))
    job = ExportJob.objects.get()
    assert job.status == JobStatus.DONE  # the tests run tasks at once
    download = browser.find_element(By.CSS_SELECTOR, '[data-role="download"]')
    wait(browser).until(lambda d: download.is_displayed())
    assert download.text == "下载 PDF"
    assert "已完成 5 / 5 张表" in browser.find_element(By.ID, "export-job").text
    assert_no_axe_violations(browser, context="main", page="全本导出进度")
