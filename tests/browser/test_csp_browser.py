"""Under the Content-Security-Policy (no inline script or style) the pages still behave: the
year list reloads the start page, deleting a table asks first, the official layout keeps its
column widths. Headless Debian Chromium enforces the real header."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from budgetapp.targets.models import ProjectTable
from budgetapp.units.models import BudgetYear
from tests.browser.test_filing_browser import click, log_in, wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pages_work_without_inline_script_or_style(browser, live_server, users, project):
    BudgetYear.objects.create(year=2030, framework=project.framework)
    base = live_server.url
    log_in(browser, base, "owner")

    # <select data-autosubmit>: choosing a year reloads the page for it.
    browser.get(f"{base}/?year={project.year.year}")
    select = wait(browser).until(EC.presence_of_element_located((By.ID, "year-select")))
    Select(select).select_by_value("2030")
    wait(browser).until(EC.url_contains("year=2030"))

    # The official layout's columns keep their widths (classes from app.css, not inline style).
    browser.get(f"{base}/tables/project/{project.pk}/")
    first_col = wait(browser).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".official-grid col"))
    )
    col_class = first_col.get_attribute("class")
    assert col_class.startswith("cw-")
    percent = int(col_class[3:]) / 2
    table = browser.find_element(By.CSS_SELECTOR, ".official-grid")
    cell = table.find_element(By.CSS_SELECTOR, "tr td, tr th")
    assert abs(cell.size["width"] / table.size["width"] * 100 - percent) < 3

    # <form data-confirm>: deleting asks; cancelling keeps the table.
    click(browser, browser.find_element(By.CSS_SELECTOR, "form[data-confirm] button"))
    alert = wait(browser).until(EC.alert_is_present())
    assert "删除后不能恢复" in alert.text
    alert.dismiss()
    assert ProjectTable.objects.filter(pk=project.pk).exists()
