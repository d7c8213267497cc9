"""The editors' grid with a keyboard only, in headless Chromium (issue 15).

- The keyboard walk: a filer logs in, opens a project table from the home page, adds an
  indicator row, picks its 三级指标 from the library, types the value, moves the row up and
  saves, with keys only; after every step the test asserts where focus is and that the focused
  element is in the window and under no sticky element (their bounding rectangles).
- The grid's keys: arrows (the caret first inside text), Enter (down, never a submission; from
  the last row to the add button), Tab, Ctrl+Z / Ctrl+Y, Ctrl+S.
- A failed save: focus on the error summary, each link to its field, in sight.
- Columns sized to content at 1366 px in the three layouts; one card per row at 390 px and at
  200 % zoom (1366 px at 200 % is 683 CSS px).
The server's half (labels, aria attributes, summary HTML) is tests/test_editor_accessibility.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from django.urls import reverse
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from budgetapp.demo.loader import DEMO_PASSWORD
from budgetapp.targets.models import DepartmentTable, ProjectTable
from tests.conftest import PASSWORD

from .test_filing_browser import all_rows, field, mark_page, page_was_not_reloaded, wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 15


# --- the window -----------------------------------------------------------------------------


@pytest.fixture
def viewport(browser: WebDriver) -> Iterator[Callable[..., None]]:
    """Sets the page's CSS viewport exactly (a laptop's 1366×768 by default); a zoom of 2
    renders a 1366 px window at 200 %: 683 CSS px, each drawn twice as large."""

    def resize(width: int = 1366, height: int = 768, zoom: int = 1) -> None:
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width // zoom,
                "height": height // zoom,
                "deviceScaleFactor": zoom,
                "mobile": False,
            },
        )

    resize()
    yield resize
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# --- keys -----------------------------------------------------------------------------------


def press(driver: WebDriver, *keys: str) -> None:
    ActionChains(driver).send_keys(*keys).perform()


def chord(driver: WebDriver, modifier: str, key: str) -> None:
    ActionChains(driver).key_down(modifier).send_keys(key).key_up(modifier).perform()


def active(driver: WebDriver) -> WebElement:
    return driver.switch_to.active_element


def tab_until(driver: WebDriver, matches: Callable[[WebElement], bool], limit: int = 250) -> None:
    for _ in range(limit):
        press(driver, Keys.TAB)
        if matches(active(driver)):
            return
    pytest.fail("Tab never reached the element")


def settle(driver: WebDriver) -> None:
    """Waits for smooth scrolling (Bootstrap's) to come to rest."""
    last = None
    for _ in range(60):
        now = driver.execute_script(
            "const r = document.activeElement.getBoundingClientRect();"
            "return [scrollX, scrollY, r.top, r.left,"
            " ...Array.from(document.querySelectorAll('.table-responsive'), e => e.scrollLeft)];"
        )
        if now == last:
            return
        last = now
        driver.execute_script("return new Promise(r => setTimeout(r, 60));")


# Every element the page pins (sticky or fixed) that is drawn over the focused element; and
# where the focused element lies against the window and its scrolling container.
IN_SIGHT_JS = """
const el = document.activeElement;
const r = el.getBoundingClientRect();
const problems = [];
if (r.width === 0 || r.height === 0) problems.push('not drawn');
if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth)
  problems.push(`outside the window: ${JSON.stringify(r)} in ${innerWidth}x${innerHeight}`);
const box = el.closest('.table-responsive');
if (box) {
  const b = box.getBoundingClientRect();
  if (r.left < b.left - 1 || r.right > b.right + 1) problems.push('scrolled out of its table');
}
for (const other of document.querySelectorAll('body *')) {
  const position = getComputedStyle(other).position;
  if (position !== 'sticky' && position !== 'fixed') continue;
  if (other.contains(el) || other.offsetParent === null && position !== 'fixed') continue;
  const o = other.getBoundingClientRect();
  if (o.width === 0 || o.height === 0) continue;
  const overlap = r.bottom > o.top + 0.5 && r.top < o.bottom - 0.5 && r.right > o.left && r.left < o.right;
  if (overlap) problems.push(`under ${position} ${other.tagName}.${other.className}`);
}
return problems;
"""


def assert_in_sight(driver: WebDriver) -> None:
    settle(driver)
    problems = driver.execute_script(IN_SIGHT_JS)
    what = driver.execute_script(
        "const e = document.activeElement; return e.id || e.name || e.outerHTML.slice(0, 80);"
    )
    assert problems == [], f"focused {what}: {problems}"


def said(driver: WebDriver, text: str) -> None:
    """The polite live region says exactly `text` (it is set a moment after being emptied)."""
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: (
            d.find_element(By.ID, "grid-status").text == text
            or d.execute_script("return document.getElementById('grid-status').textContent") == text
        )
    )


def wait_for_new_page(driver: WebDriver) -> None:
    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && window.__sameDocument !== true;"
        )
    )


def log_in_with_keys(driver: WebDriver, base_url: str, username: str, password: str) -> None:
    driver.get(f"{base_url}/accounts/login/")
    wait(driver).until(EC.presence_of_element_located((By.ID, "id_username")))
    driver.find_element(By.ID, "id_username").send_keys(
        username
    )  # the page focuses it? type anyway
    press(driver, Keys.TAB)
    assert active(driver).get_attribute("id") == "id_password"
    press(driver, password, Keys.ENTER)
    wait(driver).until(lambda d: "/accounts/login/" not in d.current_url)


def caret(driver: WebDriver) -> tuple[int, int]:
    return tuple(
        driver.execute_script(
            "const e = document.activeElement; return [e.selectionStart, e.selectionEnd];"
        )
    )


def is_field(element: WebElement, row: WebElement, name: str) -> bool:
    return element == field(row, name)


# --- the keyboard walk ----------------------------------------------------------------------


def test_keyboard_walk_add_pick_type_move_save(browser, viewport, live_server, users, project):
    driver = browser
    log_in_with_keys(driver, live_server.url, users["owner"].username, PASSWORD)

    # Home page: Tab to the table's 编辑 link, Enter.
    edit_url = reverse("targets:project_edit", args=[project.pk])
    driver.get(f"{live_server.url}/?year={project.year.year}")
    tab_until(driver, lambda e: (e.get_attribute("href") or "").endswith(edit_url))
    assert_in_sight(driver)
    press(driver, Keys.ENTER)
    wait(driver).until(EC.url_contains(edit_url))
    wait(driver).until(EC.presence_of_element_located((By.ID, "grid-status")))
    assert len(all_rows(driver, "indicators")) == 2

    # Add a row: focus goes to the new row's first cell, and the page says so.
    tab_until(
        driver,
        lambda e: e.get_attribute("data-action") == "add-row" and "添加指标" in e.text,
    )
    assert_in_sight(driver)
    press(driver, Keys.ENTER)
    wait(driver).until(lambda d: len(all_rows(d, "indicators")) == 3)
    row = all_rows(driver, "indicators")[2]
    assert active(driver) == field(row, "level1")
    assert active(driver).get_attribute("type") != "checkbox"
    said(driver, "已添加第3行")
    assert_in_sight(driver)
    assert (
        driver.execute_script(
            "return document.activeElement.labels[0].textContent.replace(/\\s+/g, ' ').trim()"
        )
        == "第3行 一级指标"
    )

    # → → to 三级指标 (a drop-down keeps its value: the arrows move between cells).
    press(driver, Keys.ARROW_RIGHT)
    assert active(driver) == field(row, "level2")
    press(driver, Keys.ARROW_RIGHT)
    name = field(row, "name")
    assert active(driver) == name
    assert_in_sight(driver)

    # Pick a 三级指标 from the library: type, ↓, Enter. Focus goes on to 指标值.
    press(driver, "家人满意")
    listbox = driver.find_element(By.ID, "library-listbox")
    wait(driver).until(
        lambda d: (
            listbox.is_displayed()
            and listbox.find_elements(By.CSS_SELECTOR, '[role="option"] .library-name')
            and listbox.find_element(By.CSS_SELECTOR, '[role="option"] .library-name').text
            == "家人满意度"
        )
    )
    press(driver, Keys.ARROW_DOWN)
    assert active(driver) == name  # the list is navigated with aria-activedescendant
    press(driver, Keys.ENTER)
    wait(driver).until(lambda d: not listbox.is_displayed())
    assert name.get_attribute("value") == "家人满意度"
    assert Select(field(row, "level1")).first_selected_option.text.strip() == "满意度指标"
    target = field(row, "target")
    assert active(driver) == target
    assert_in_sight(driver)

    # Type the value.
    press(driver, "≥90%")
    assert target.get_attribute("value") == "≥90%"

    # Tab to the row's 上移 button and press Enter: the row moves up, focus stays with it.
    tab_until(driver, lambda e: e.get_attribute("data-action") == "move-up", limit=4)
    button = active(driver)
    assert button.get_attribute("aria-label") == "上移第3行"
    press(driver, Keys.ENTER)
    wait(driver).until(lambda d: all_rows(d, "indicators")[1] == row)
    assert active(driver) == button
    assert button.get_attribute("aria-label") == "上移第2行"
    said(driver, "已将第3行上移到第2行")
    assert_in_sight(driver)
    assert driver.current_url.endswith(edit_url)

    # Ctrl+S saves.
    mark_page(driver)
    chord(driver, Keys.CONTROL, "s")
    wait_for_new_page(driver)
    assert driver.current_url.endswith(project.get_absolute_url())
    assert "已保存。" in driver.find_element(By.TAG_NAME, "main").text
    saved = list(project.indicators.order_by("order").values_list("name", "target"))
    assert saved == [
        ("保障正常办公人数", "17人"),
        ("家人满意度", "≥90%"),
        ("单位工作人员满意度", "≥95%"),
    ]


# --- the grid's keys ------------------------------------------------------------------------


def open_editor(driver: WebDriver, base_url: str, username: str, table) -> None:
    log_in_with_keys(driver, base_url, username, PASSWORD)
    url = reverse("targets:project_edit", args=[table.pk])
    driver.get(f"{base_url}{url}")
    wait(driver).until(EC.presence_of_element_located((By.ID, "grid-status")))
    mark_page(driver)


def focus(driver: WebDriver, element: WebElement) -> None:
    """Where a test starts: the element, as a click would leave it (caret at the end)."""
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"
        "arguments[0].focus();"
        "if (arguments[0].setSelectionRange) arguments[0].setSelectionRange(9999, 9999);",
        element,
    )


def test_grid_keys_arrows_enter_tab_undo_save(browser, viewport, live_server, users, project):
    driver = browser
    open_editor(driver, live_server.url, users["owner"].username, project)
    first, second = all_rows(driver, "indicators")

    # ←/→ inside text move the caret; at the text's start ← goes to the cell on the left.
    name = field(first, "name")
    focus(driver, name)
    length = len(name.get_attribute("value"))
    press(driver, Keys.ARROW_LEFT)
    assert active(driver) == name and caret(driver) == (length - 1, length - 1)
    press(driver, Keys.HOME, Keys.ARROW_LEFT)
    assert active(driver) == field(first, "level2")
    level2_before = Select(field(first, "level2")).first_selected_option.text
    press(driver, Keys.ARROW_RIGHT)
    assert active(driver) == name and caret(driver) == (length, length)
    # At the text's end → goes right.
    press(driver, Keys.ARROW_RIGHT)
    assert active(driver) == field(first, "description")
    press(driver, Keys.ARROW_LEFT)
    assert active(driver) == field(first, "description")  # the caret moved inside first
    press(driver, Keys.HOME, Keys.ARROW_LEFT)
    assert active(driver) == name

    # ↑/↓ between rows; a drop-down keeps its value.
    press(driver, Keys.ARROW_DOWN)
    assert active(driver) == field(second, "name")
    press(driver, Keys.ARROW_UP)
    assert active(driver) == name
    focus(driver, field(first, "level2"))
    press(driver, Keys.ARROW_DOWN)
    assert active(driver) == field(second, "level2")
    assert Select(field(first, "level2")).first_selected_option.text == level2_before
    press(driver, Keys.ARROW_UP)
    assert active(driver) == field(first, "level2")
    assert Select(field(first, "level2")).first_selected_option.text == level2_before
    assert_in_sight(driver)

    # Enter moves down and never submits; from the last row it reaches the add button.
    focus(driver, name)
    press(driver, Keys.ENTER)
    assert active(driver) == field(second, "name")
    press(driver, Keys.ENTER)
    add = driver.find_element(
        By.CSS_SELECTOR, 'section[data-formset="indicators"] [data-action="add-row"]'
    )
    assert active(driver) == add
    said(driver, "已是最后一行；按回车键可添加一行")
    assert_in_sight(driver)
    assert page_was_not_reloaded(driver)
    # Shift+Enter moves up.
    focus(driver, field(second, "target"))
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
    assert active(driver) == field(first, "target")
    assert page_was_not_reloaded(driver)

    # Tab moves right.
    focus(driver, field(first, "name"))
    press(driver, Keys.TAB)
    assert active(driver) == field(first, "description")
    press(driver, Keys.TAB)
    assert active(driver) == field(first, "target")

    # A multi-line cell: Alt+Enter breaks the line; ↑ first moves the caret up a line, then
    # leaves for the cell above.
    description = field(second, "description")
    focus(driver, description)
    press(driver, "第一行")
    ActionChains(driver).key_down(Keys.ALT).send_keys(Keys.ENTER).key_up(Keys.ALT).perform()
    press(driver, "第二行")
    assert description.get_attribute("value") == "第一行\n第二行"
    press(driver, Keys.ARROW_UP)
    assert active(driver) == description
    assert caret(driver)[0] <= 3  # on the first line now
    press(driver, Keys.ARROW_UP)
    # On the first line Chromium on Linux takes the caret to the start of the text (the edge);
    # where it cannot move, the same ↑ leaves. Either way the next ↑ at the edge leaves.
    if active(driver) == description:
        assert caret(driver) == (0, 0)
        press(driver, Keys.ARROW_UP)
    WebDriverWait(driver, 3).until(lambda d: active(d) == field(first, "description"))

    # Ctrl+Z undoes the last cell change (the description just left) and goes back to it;
    # Ctrl+Y redoes it.
    chord(driver, Keys.CONTROL, "z")
    assert description.get_attribute("value") == ""
    assert active(driver) == description
    said(driver, "已撤销：第2行 绩效指标描述")
    chord(driver, Keys.CONTROL, "y")
    assert description.get_attribute("value") == "第一行\n第二行"
    said(driver, "已恢复：第2行 绩效指标描述")

    # In a cell being typed in, Ctrl+Z first takes back what was typed there (the browser's
    # own undo of the typing).
    target = field(second, "target")
    focus(driver, target)
    press(driver, "以上")
    assert target.get_attribute("value") == "≥95%以上"
    chord(driver, Keys.CONTROL, "z")
    assert target.get_attribute("value") == "≥95%"
    assert active(driver) == target

    # A new value, committed by Enter, then Ctrl+S saves.
    first_target = field(first, "target")
    focus(driver, first_target)
    press(driver, Keys.BACKSPACE * 5, "≥20人", Keys.ENTER)
    assert active(driver) == target
    assert page_was_not_reloaded(driver)
    chord(driver, Keys.CONTROL, "s")
    wait_for_new_page(driver)
    assert "已保存。" in driver.find_element(By.TAG_NAME, "main").text
    saved = list(project.indicators.order_by("order").values_list("target", "description"))
    assert saved == [("≥20人", "保障正常办公人数"), ("≥95%", "第一行\r\n第二行")]


def test_a_failed_save_focuses_the_summary_whose_links_focus_each_field(
    browser, viewport, live_server, users, project
):
    driver = browser
    open_editor(driver, live_server.url, users["owner"].username, project)
    budget = driver.find_element(By.ID, "id_budget_total")
    focus(driver, budget)
    press(driver, Keys.BACKSPACE * 12, "十一万")
    first = all_rows(driver, "indicators")[0]
    focus(driver, field(first, "name"))
    press(driver, Keys.BACKSPACE * 20)
    chord(driver, Keys.CONTROL, "s")
    wait_for_new_page(driver)

    assert active(driver).get_attribute("id") == "error-summary"
    assert_in_sight(driver)
    links = driver.find_elements(By.CSS_SELECTOR, '#error-summary a[data-role="error-link"]')
    assert [link.text for link in links] == [
        "预算数：请输入金额数字，例如 1273.72（不能包含文字或其他符号）。",
        "绩效指标第1行 三级指标：请填写三级指标名称。",
    ]
    press(driver, Keys.TAB)
    assert active(driver) == links[0]
    press(driver, Keys.ENTER)
    assert active(driver).get_attribute("id") == "id_budget_total"
    assert active(driver).get_attribute("aria-invalid") == "true"
    assert_in_sight(driver)
    # Back to the summary and on to the row's field.
    focus(driver, links[1])
    press(driver, Keys.ENTER)
    assert active(driver).get_attribute("id") == "id_indicators-0-name"
    assert_in_sight(driver)
    described = active(driver).get_attribute("aria-describedby")
    assert driver.find_element(By.ID, described).text == "请填写三级指标名称。"


# --- columns and cards ----------------------------------------------------------------------


def _grid_metrics(driver: WebDriver) -> dict:
    return driver.execute_script(
        """
        const section = document.querySelector('section[data-formset="indicators"]');
        const box = section.querySelector('.table-responsive');
        const width = (name) => {
          const cell = section.querySelector(`tbody td.col-${name}`);
          return cell ? cell.getBoundingClientRect().width : null;
        };
        const controls = Array.from(section.querySelectorAll(
          'tbody [data-role="row"] td :is(input:not([type=hidden]):not([type=checkbox]), select, textarea)'));
        const clipped = controls.filter(c => c.tagName === 'INPUT' && c.scrollWidth > c.clientWidth + 1)
          .map(c => c.name);
        const row = section.querySelector('tbody [data-role="row"]');
        return {
          overflow: box.scrollWidth - box.clientWidth,
          name: width('name'), target: width('target'), goal_no: width('goal_no'),
          narrowest: Math.min(...controls.map(c => c.getBoundingClientRect().width)),
          clipped: clipped,
          rowDisplay: getComputedStyle(row).display,
          labelShown: row.querySelector('.cell-label').getBoundingClientRect().height > 1,
          headShown: section.querySelector('thead').getBoundingClientRect().height > 1,
          sectionWidth: section.getBoundingClientRect().width,
        };
        """
    )


def _editors(live_server) -> list[tuple[str, str]]:
    """(filer, editor URL) of the three layouts' indicator grids in the demo."""
    hebei = ProjectTable.objects.filter(unit__name__contains="山海关").order_by("sequence")[0]
    return [
        ("shg_filer", reverse("targets:project_edit", args=[hebei.pk])),
        (
            "lj_filer",
            reverse(
                "targets:department_edit",
                args=[DepartmentTable.objects.get(unit__name="廉江市残疾人联合会").pk],
            ),
        ),
        (
            "cd_filer",
            reverse(
                "targets:department_edit",
                args=[DepartmentTable.objects.get(unit__name__contains="蔡甸").pk],
            ),
        ),
    ]


def test_columns_fit_their_content_and_narrow_screens_get_cards(browser, viewport, live_server):
    call_command("load_demo", verbosity=0)
    driver = browser
    for username, url in _editors(live_server):
        driver.delete_all_cookies()
        log_in_with_keys(driver, live_server.url, username, DEMO_PASSWORD)
        viewport(1366, 768)
        driver.get(f"{live_server.url}{url}")
        wait(driver).until(EC.presence_of_element_located((By.ID, "grid-status")))
        wide = _grid_metrics(driver)
        where = f"{username} at 1366 px: {wide}"
        assert wide["rowDisplay"] == "table-row", where
        assert wide["overflow"] <= 0, where  # the whole grid fits a laptop's width
        assert wide["name"] >= 176, where  # 三级指标: at least 11rem
        assert wide["name"] > 1.5 * wide["target"], where  # values are narrow
        assert wide["clipped"] == [], where  # no name or value cut off
        assert not wide["labelShown"] and wide["headShown"], where

        for width, zoom in ((390, 1), (1366, 2)):
            viewport(width, 844 if zoom == 1 else 768, zoom)
            driver.get(f"{live_server.url}{url}")
            wait(driver).until(EC.presence_of_element_located((By.ID, "grid-status")))
            narrow = _grid_metrics(driver)
            where = f"{username} at {width} px × {zoom}: {narrow}"
            assert narrow["rowDisplay"] == "block", where  # one card per row
            assert narrow["labelShown"] and not narrow["headShown"], where
            assert narrow["overflow"] <= 0, where
            # Every field spans the card (not 20 px wide as in the squeezed table).
            assert narrow["narrowest"] >= narrow["sectionWidth"] - 60, where


def test_long_text_grows_the_cell(browser, viewport, live_server, users, project):
    first = project.indicators.order_by("order")[0]
    first.description = (
        "通过节日慰问使得残疾人度过快乐祥和的节日，感受到来自各级党委和政府的关心和温暖" * 2
    )
    first.save()
    driver = browser
    open_editor(driver, live_server.url, users["owner"].username, project)
    row = all_rows(driver, "indicators")[0]
    description = field(row, "description")
    height, scroll = driver.execute_script(
        "return [arguments[0].clientHeight, arguments[0].scrollHeight]", description
    )
    assert height >= scroll  # nothing hidden inside the box
    line = driver.execute_script(
        "return parseFloat(getComputedStyle(arguments[0]).lineHeight)", description
    )
    assert height > 2.5 * line  # it grew to several lines
    # And it grows as one types.
    focus(driver, description)
    press(driver, "再加一段很长的说明文字" * 8)
    grown = driver.execute_script("return arguments[0].clientHeight", description)
    assert grown > height
    assert re.search(r"/edit/$", driver.current_url)


# --- every focus stop in sight --------------------------------------------------------------

# The pinned (sticky or fixed) elements of the page, found once; then, for each focus stop,
# whether it lies in the window and under none of them.
PINNED_JS = """
window.__pinned = Array.from(document.querySelectorAll('body *')).filter((e) => {
  const p = getComputedStyle(e).position; return p === 'sticky' || p === 'fixed';
});
return window.__pinned.length;
"""
STOP_JS = """
const el = document.activeElement;
if (el === document.body) return null;
const r = el.getBoundingClientRect();
const name = el.id || el.name || el.textContent.trim().slice(0, 12);
const bad = [];
if (r.top < 0 || r.bottom > innerHeight) bad.push('outside the window');
for (const other of window.__pinned) {
  if (other.contains(el)) continue;
  const o = other.getBoundingClientRect();
  if (o.width && o.height && r.bottom > o.top + 0.5 && r.top < o.bottom - 0.5
      && r.right > o.left && r.left < o.right) bad.push('under ' + other.className);
}
return [name, bad];
"""


@pytest.mark.parametrize("zoom", [1, 2], ids=["1366x768", "200%"])
def test_no_focus_stop_of_the_editor_is_hidden(
    browser, viewport, live_server, users, project, zoom
):
    """WCAG 2.4.11: Tab through every focus stop of the project editor, from the first to the
    last; none may end up under the sticky 保存 bar (before: 6月底, 10月底, 12月底 and the rows
    near the bottom) or outside the window."""
    driver = browser
    open_editor(driver, live_server.url, users["owner"].username, project)
    viewport(1366, 768, zoom)
    driver.get(driver.current_url)
    wait(driver).until(EC.presence_of_element_located((By.ID, "grid-status")))
    assert driver.execute_script(PINNED_JS) >= 1  # the save bar at least
    stops, hidden = [], []
    for _ in range(300):
        press(driver, Keys.TAB)
        settle(driver)
        result = driver.execute_script(STOP_JS)
        if result is None or (stops and result[0] == stops[0]):
            break
        name, bad = result
        stops.append(name)
        if bad:
            hidden.append((name, bad))
    for plan in ("id_plan_march", "id_plan_june", "id_plan_october", "id_plan_december"):
        assert plan in stops
    assert "id_indicators-1-basis" in stops
    assert hidden == [], f"{len(hidden)} of {len(stops)} focus stops hidden: {hidden}"


# --- rows deleted, Enter outside the grid ---------------------------------------------------


def test_deleting_a_row_hands_focus_on_and_says_so(browser, viewport, live_server, users, project):
    driver = browser
    open_editor(driver, live_server.url, users["owner"].username, project)
    first, second = all_rows(driver, "indicators")
    delete = first.find_element(By.CSS_SELECTOR, '[data-action="delete-row"]')
    focus(driver, delete)
    press(driver, Keys.ENTER)
    wait(driver).until(EC.invisibility_of_element(first))
    assert active(driver) == second.find_element(By.CSS_SELECTOR, '[data-action="delete-row"]')
    assert active(driver).get_attribute("aria-label") == "删除第1行"
    said(driver, "已删除第1行（保存后生效），现共1行")
    assert_in_sight(driver)
    # The last row gone: focus goes to the add button, never to <body>.
    press(driver, Keys.ENTER)
    wait(driver).until(EC.invisibility_of_element(second))
    add = driver.find_element(
        By.CSS_SELECTOR, 'section[data-formset="indicators"] [data-action="add-row"]'
    )
    assert active(driver) == add
    said(driver, "已删除第1行（保存后生效），现共0行")


def test_enter_in_a_header_field_moves_on_and_does_not_submit(
    browser, viewport, live_server, users, project
):
    driver = browser
    open_editor(driver, live_server.url, users["owner"].username, project)
    focus(driver, driver.find_element(By.ID, "id_plan_march"))
    press(driver, Keys.ENTER)
    assert active(driver).get_attribute("id") == "id_plan_june"
    assert_in_sight(driver)
    assert page_was_not_reloaded(driver)
    # In a multi-line header field Enter is a line break, as ever.
    fund_use = driver.find_element(By.ID, "id_fund_use")
    focus(driver, fund_use)
    press(driver, Keys.ENTER, "第二段")
    assert fund_use.get_attribute("value") == "保障单位正常运转\n第二段"
    assert page_was_not_reloaded(driver)
    # Ctrl+Z takes back the typing step by step (the browser's own undo), not the whole text.
    press(driver, Keys.ARROW_LEFT, Keys.ARROW_RIGHT, "。")
    assert fund_use.get_attribute("value") == "保障单位正常运转\n第二段。"
    chord(driver, Keys.CONTROL, "z")
    assert fund_use.get_attribute("value") == "保障单位正常运转\n第二段"
    assert active(driver) == fund_use


# --- the 智能审核 panel speaks one line, only when it changes -------------------------------


def _watch_checks(driver: WebDriver) -> None:
    """Counts the panel's finished checks from now on (its line set to anything but 正在检查)."""
    driver.execute_script(
        "const line = document.querySelector('[data-role=\"checks-summary\"]');"
        "window.__checksDone = 0;"
        "window.__checksWatch?.disconnect();"
        "window.__checksWatch = new MutationObserver(() => {"
        "  if (!line.textContent.includes('正在检查')) window.__checksDone += 1; });"
        "window.__checksWatch.observe(line, {childList: true, characterData: true, subtree: true});"
    )


def _checked(driver: WebDriver) -> str:
    """The panel's summary line once a check started after _watch_checks has answered."""
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return window.__checksDone > 0")
    )
    return driver.find_element(By.CSS_SELECTOR, '[data-role="checks-summary"]').text


def _announced(driver: WebDriver) -> str:
    return driver.execute_script(
        "return document.querySelector('[data-role=\"checks-announce\"]').textContent"
    )


@pytest.mark.usefixtures("checks_on")
def test_the_checks_panel_says_its_summary_only_when_it_changes(
    browser, viewport, live_server, users, project
):
    driver = browser
    open_editor(driver, live_server.url, users["owner"].username, project)
    panel = driver.find_element(By.CSS_SELECTOR, '[data-role="checks-panel"]')
    assert panel.get_attribute("aria-live") is None
    before = driver.find_element(By.CSS_SELECTOR, '[data-role="checks-summary"]').text
    # Typing that changes no finding: checked (正在检查 shown), nothing said.
    row = all_rows(driver, "indicators")[0]
    focus(driver, field(row, "description"))
    _watch_checks(driver)
    press(driver, "（含临时人员）")
    assert _checked(driver) == before
    assert _announced(driver) == ""
    # A mistake: the line changes and is said, once, with its new counts.
    december = driver.find_element(By.ID, "id_plan_december")
    focus(driver, december)
    _watch_checks(driver)
    press(driver, Keys.BACKSPACE * 6, "90")
    after = _checked(driver)
    assert after != before
    assert _announced(driver) == f"智能审核：{after}"
    # The list itself is not a live region, whatever it holds now.
    live = driver.execute_script(
        "return Array.from(arguments[0].querySelectorAll('[aria-live], [role=status], [role=alert]'))"
        ".map(e => e.dataset.role)",
        panel,
    )
    assert live == ["checks-announce"]
