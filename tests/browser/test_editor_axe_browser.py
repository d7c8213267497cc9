"""axe-core over both editors in every layout, with and without errors (issue 15).

The demo's filers open the project editor (Hebei) and the department editor of each layout
(Hebei narrative, Guangdong, Hubei) with the 智能审核 rules on, so the panel lists findings;
each page is checked as loaded, then after a failed save (a refused value in a header field and
in the first row of every row list: the error summary, red fields, their messages), and the
project editor also as cards at 390 px with the indicator library's list open. WCAG 2.0–2.2 A
and AA rules plus the structure rules (one h1, landmarks, heading order): tests/browser/axe_check.py.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from budgetapp.demo.loader import DEMO_PASSWORD
from budgetapp.targets.models import DepartmentTable, ProjectTable

from .axe_check import assert_no_axe_violations
from .test_filing_browser import mark_page, wait
from .test_grid_browser import log_in_with_keys, viewport  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("checks_on"),
]

# A character every text field refuses (core/text.py), set by script: what the check is about
# is the page that answers, not the typing.
BREAK_FIELDS_JS = r"""
const form = document.querySelector('form[data-role="table-form"]');
const text = (el) => (el.tagName === 'TEXTAREA' || el.type === 'text') && !el.inputMode
  && el.offsetParent !== null;
const header = Array.from(form.querySelectorAll('input, textarea'))
  .filter((el) => text(el) && !el.closest('section[data-formset]'));
const broken = [header[0]];
for (const section of form.querySelectorAll('section[data-formset]')) {
  const row = section.querySelector('[data-role="rows"] > [data-role="row"]');
  if (!row) continue;
  const cell = Array.from(row.querySelectorAll('td input, td textarea')).find(text);
  if (cell) broken.push(cell);
}
for (const el of broken) el.value = '坏\u0007字';
return broken.map((el) => el.name);
"""


def _editors() -> list[tuple[str, str, str]]:
    """(what, filer, editor URL) of both editors in every layout of the demo."""
    hebei_project = ProjectTable.objects.filter(unit__name__contains="山海关").order_by("sequence")[
        0
    ]
    department = {
        layout: DepartmentTable.objects.get(unit__name__contains=name)
        for layout, name in (("hebei", "山海关"), ("guangdong", "廉江"), ("hubei", "蔡甸"))
    }
    return [
        ("项目支出绩效目标表（河北）", "shg_filer", reverse("targets:project_edit", args=[hebei_project.pk])),
        ("部门整体绩效目标（河北）", "shg_filer", reverse("targets:department_edit", args=[department["hebei"].pk])),
        ("部门整体绩效目标（广东）", "lj_filer", reverse("targets:department_edit", args=[department["guangdong"].pk])),
        ("部门整体绩效目标（湖北）", "cd_filer", reverse("targets:department_edit", args=[department["hubei"].pk])),
    ]  # fmt: skip


def _open(driver, url: str) -> None:
    driver.get(url)
    wait(driver).until(EC.presence_of_element_located((By.ID, "grid-status")))
    # The live 智能审核 check has answered (the panel's line is no longer 正在检查).
    wait(driver).until(
        lambda d: (
            "正在检查" not in d.find_element(By.CSS_SELECTOR, '[data-role="checks-summary"]').text
        )
    )


def test_both_editors_in_every_layout_with_and_without_errors(browser, viewport, live_server):  # noqa: F811
    call_command("load_demo", verbosity=0)
    driver = browser
    for what, username, path in _editors():
        driver.delete_all_cookies()
        log_in_with_keys(driver, live_server.url, username, DEMO_PASSWORD)
        _open(driver, f"{live_server.url}{path}")
        assert_no_axe_violations(driver, structure=True, page=what)

        broken = driver.execute_script(BREAK_FIELDS_JS)
        assert len(broken) >= 2, broken
        mark_page(driver)
        driver.execute_script(
            "document.querySelector('form[data-role=\"table-form\"]')"
            ".requestSubmit(document.querySelector('[data-action=\"save\"]'));"
        )
        WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return document.readyState === 'complete' && window.__sameDocument !== true;"
            )
        )
        summary = driver.find_element(By.ID, "error-summary")
        assert len(summary.find_elements(By.CSS_SELECTOR, '[data-role="error-link"]')) == len(
            broken
        )
        assert len(driver.find_elements(By.CSS_SELECTOR, '[aria-invalid="true"]')) == len(broken)
        assert_no_axe_violations(driver, structure=True, page=f"{what}，保存失败")


def test_the_project_editor_as_cards_with_the_library_open(
    browser,
    viewport,  # noqa: F811
    live_server,
):
    call_command("load_demo", verbosity=0)
    driver = browser
    _, username, path = _editors()[0]
    log_in_with_keys(driver, live_server.url, username, DEMO_PASSWORD)
    viewport(390, 844)
    _open(driver, f"{live_server.url}{path}")
    section = driver.find_element(By.CSS_SELECTOR, 'section[data-formset="indicators"]')
    add = section.find_element(By.CSS_SELECTOR, '[data-action="add-row"]')
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", add
    )
    add.click()
    name = section.find_elements(By.CSS_SELECTOR, 'input[name$="-name"]')[-1]
    name.send_keys("满意")
    wait(driver).until(lambda d: d.find_element(By.ID, "library-listbox").is_displayed())
    assert_no_axe_violations(driver, structure=True, page="项目支出绩效目标表，390 px，指标库列表")
