"""In headless Chromium: the downloads of the later stages' books and city summaries are on the
pages where a reviewer and a filer look for them, reachable and used by keyboard, and the pages
pass axe (WCAG 2.2 AA) with them."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from budgetapp.audit.models import AuditEvent
from budgetapp.evaluation.services import start_evaluation
from budgetapp.exports.models import ExportJob, JobStatus
from budgetapp.monitoring.services import open_round
from budgetapp.review import services as review
from tests.browser.axe_check import assert_no_axe_violations
from tests.browser.test_filing_browser import log_in, wait
from tests.browser.test_replies_browser import tab_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def stages(project, users, tree, year):
    review.submit_table(table=project, user=users["owner"])
    review.approve_table(table=project, user=users["reviewer"])
    round_ = open_round(
        user=users["reviewer"],
        region=tree["city"].region,
        year=year,
        cutoff_month=6,
        due_date=date(2021, 7, 15),
    )
    start_evaluation(user=users["owner"], table=project)
    return round_


def _download_by_keyboard(browser, selector: str, export: str) -> None:
    """Tab to the link, press Enter: the server records the download (the file itself is
    checked in tests/test_stage_books.py)."""

    def recorded() -> int:
        return sum(
            1
            for event in AuditEvent.objects.all()
            if export in (event.details.get("export"), event.details.get("contents"))
        )

    before = recorded()
    tab_until(browser, selector).send_keys(Keys.ENTER)
    wait(browser).until(lambda _: recorded() == before + 1)


def test_reviewer_downloads_the_round_summary_and_the_citys_evaluation_summary(
    browser, live_server, stages
):
    log_in(browser, live_server.url, "reviewer")
    browser.get(f"{live_server.url}/monitoring/rounds/{stages.pk}/")
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=round-summary]"))
    )
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _download_by_keyboard(browser, "[data-role=round-summary] a", "monitoring_summary")

    browser.get(f"{live_server.url}/evaluation/")
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=evaluation-downloads]"))
    )
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _download_by_keyboard(browser, "[data-role=evaluation-downloads] a", "evaluation_summary")

    # The dashboard offers the city's self-evaluation summary beside the targets' summary.
    browser.get(f"{live_server.url}/review/?year=2021")
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=city-exports]"))
    )
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _download_by_keyboard(
        browser, "[data-role=city-exports] a[href*='/evaluation/summary/']", "evaluation_summary"
    )


def test_filer_downloads_the_stage_books(browser, live_server, stages):
    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/monitoring/")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=stage-book]")))
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _download_by_keyboard(browser, "[data-role=stage-book] a", "monitoring")

    browser.get(f"{live_server.url}/evaluation/")
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=evaluation-downloads]"))
    )
    assert_no_axe_violations(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    _download_by_keyboard(browser, "[data-role=evaluation-downloads] a", "evaluation")

    browser.get(f"{live_server.url}/")
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=book-downloads]"))
    )
    assert_no_axe_violations(browser)
    links = browser.find_elements(By.CSS_SELECTOR, "[data-role=book-downloads] a")
    assert [link.get_attribute("aria-label") for link in links[2:]] == [
        "全年合订本 PDF",
        "全年合订本 Excel",
    ]


def test_a_large_whole_year_book_is_printed_in_the_background_by_keyboard(
    browser, live_server, stages, settings
):
    settings.EXPORT_BOOK_INLINE_TABLES = 2  # one target table, one 监控表, one 自评表: 3
    log_in(browser, live_server.url, "owner")
    browser.get(f"{live_server.url}/?year=2021")
    wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-role=book-downloads]"))
    )
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_until(browser, '[data-role=book-downloads] a[aria-label="全年合订本 PDF"]').send_keys(
        Keys.ENTER
    )
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main form button")))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert (
        "全年合订本共有 3 张表" in main
        and "全年合订本" in browser.find_element(By.TAG_NAME, "h1").text
    )
    assert_no_axe_violations(browser, context="main", page="开始生成全年合订本")
    browser.find_element(By.CSS_SELECTOR, "main form button").send_keys(Keys.ENTER)

    wait(browser).until(EC.presence_of_element_located((By.ID, "export-job")))
    job = ExportJob.objects.get()
    assert (job.contents, job.status) == ("year", JobStatus.DONE)  # tasks run at once in tests
    download = browser.find_element(By.CSS_SELECTOR, '[data-role="download"]')
    wait(browser).until(lambda d: download.is_displayed())
    assert "全年合订本" in browser.find_element(By.TAG_NAME, "h1").text
    assert "已完成 3 / 3 张表" in browser.find_element(By.ID, "export-job").text
    assert_no_axe_violations(browser, context="main", page="全年合订本导出进度")
