"""End to end in headless Debian Chromium: a filer files a 项目支出绩效目标表 through the page.

Logs in through the real login form, creates a project table with three indicator rows,
deletes one and reorders the rest with the page script (no reload), saves, and reads the table
back in the official-layout view (regrouped by 一级) and in the database. A second test checks that a failed save
shows the Chinese messages next to the fields and keeps everything typed.
"""

from __future__ import annotations

import re

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from budgetapp.indicators.models import Category
from budgetapp.targets.models import ProjectIndicator, ProjectTable
from budgetapp.targets.views.editing import REGROUPED_MESSAGE
from tests.conftest import PASSWORD
from tests.identity_helpers import current_code, prepare_browser_login

pytestmark = [
    pytest.mark.browser,
    # live_server needs real commits; the indicator frameworks come from a data migration,
    # so they are restored after the flush that ends each transactional test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 15
LEVEL1_NAMES = ["产出指标", "效益指标", "满意度指标"]

ROWS = [
    {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "残疾人康复服务人数",
        "description": "全年为残疾人提供康复服务的人数",
        "target": "≥200人",
        "basis": "年度工作计划",
    },
    {
        "level1": "效益指标",
        "level2": "社会效益指标",
        "name": "残疾人生活质量改善情况",
        "description": "受助残疾人生活质量是否改善",
        "target": "有所改善",
        "basis": "历史数据",
    },
    {
        "level1": "满意度指标",
        "level2": "服务对象满意度指标",
        "name": "服务对象满意度",
        "description": "接受服务的残疾人满意度",
        "target": "≥95%",
        "basis": "满意度调查",
    },
]


# --- helpers -------------------------------------------------------------------------------


def wait(driver: WebDriver) -> WebDriverWait:
    return WebDriverWait(driver, WAIT_SECONDS)


def click(driver: WebDriver, element: WebElement) -> None:
    """Scroll the element to the middle (clear of the sticky save bar) and click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    wait(driver).until(EC.element_to_be_clickable(element))
    element.click()


def type_into(driver: WebDriver, element: WebElement, text: str) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.clear()
    element.send_keys(text)


def log_in(driver: WebDriver, base_url: str, username: str) -> None:
    """The login form, then the second factor for the roles that need one."""
    device = prepare_browser_login(username)
    driver.get(f"{base_url}/accounts/login/")
    wait(driver).until(EC.presence_of_element_located((By.ID, "id_username")))
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    wait(driver).until(lambda d: "/accounts/login/" not in d.current_url)
    if device is not None:
        wait(driver).until(EC.presence_of_element_located((By.ID, "id_token")))
        driver.find_element(By.ID, "id_token").send_keys(current_code(device))
        click(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        wait(driver).until(lambda d: "/accounts/otp/" not in d.current_url)
    assert "退出登录" in driver.find_element(By.TAG_NAME, "nav").text


def open_new_project_form(driver: WebDriver, base_url: str, year: int) -> None:
    driver.get(f"{base_url}/?year={year}")
    link = wait(driver).until(EC.element_to_be_clickable((By.LINK_TEXT, "新建项目支出绩效目标表")))
    click(driver, link)
    wait(driver).until(EC.url_contains(f"/projects/new/{year}/"))
    wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, 'form[data-role="table-form"]'))
    )


def section(driver: WebDriver, prefix: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'section[data-formset="{prefix}"]')


def all_rows(driver: WebDriver, prefix: str) -> list[WebElement]:
    return section(driver, prefix).find_elements(
        By.CSS_SELECTOR, '[data-role="rows"] > [data-role="row"]'
    )


def visible_rows(driver: WebDriver, prefix: str) -> list[WebElement]:
    return [row for row in all_rows(driver, prefix) if row.is_displayed()]


def add_row(driver: WebDriver, prefix: str) -> WebElement:
    before = len(all_rows(driver, prefix))
    click(driver, section(driver, prefix).find_element(By.CSS_SELECTOR, '[data-action="add-row"]'))
    wait(driver).until(lambda d: len(all_rows(d, prefix)) == before + 1)
    return all_rows(driver, prefix)[-1]


def field(row: WebElement, name: str) -> WebElement:
    return row.find_element(By.CSS_SELECTOR, f'[name$="-{name}"]:not([type="hidden"])')


def offered_level2(driver: WebDriver, row: WebElement) -> list[str]:
    """The 二级 options a person can see: the page script hides the others (option.hidden)."""
    select = row.find_element(By.CSS_SELECTOR, 'select[data-role="level2"]')
    return driver.execute_script(
        "return Array.from(arguments[0].options)"
        "  .filter(o => o.value && !o.hidden).map(o => o.text.trim());",
        select,
    )


def children_of(level1: str, framework) -> list[str]:
    return list(
        Category.objects.filter(framework=framework, parent__name=level1, parent__parent=None)
        .order_by("order", "pk")
        .values_list("name", flat=True)
    )


def fill_indicator(driver: WebDriver, row: WebElement, data: dict, framework) -> None:
    level1 = Select(row.find_element(By.CSS_SELECTOR, 'select[data-role="level1"]'))
    assert [o.text.strip() for o in level1.options if o.get_attribute("value")] == LEVEL1_NAMES
    level1.select_by_visible_text(data["level1"])
    expected = children_of(data["level1"], framework)
    assert expected, f"the legacy framework has no 二级 under {data['level1']}"
    # The change handler filters synchronously, but wait rather than assume.
    wait(driver).until(lambda d: offered_level2(d, row) == expected)
    Select(row.find_element(By.CSS_SELECTOR, 'select[data-role="level2"]')).select_by_visible_text(
        data["level2"]
    )
    for name in ("name", "description", "target", "basis"):
        type_into(driver, field(row, name), data[name])


def row_number(row: WebElement) -> str:
    return row.find_element(By.CSS_SELECTOR, '[data-role="row-number"]').text.strip()


def row_order(row: WebElement) -> str:
    return row.find_element(By.CSS_SELECTOR, 'input[data-role="order"]').get_attribute("value")


def mark_page(driver: WebDriver) -> None:
    """Leave a mark in the page's JavaScript world: a reload or navigation would wipe it."""
    driver.execute_script("window.__sameDocument = true;")


def page_was_not_reloaded(driver: WebDriver) -> bool:
    return driver.execute_script("return window.__sameDocument === true;")


def save_and_wait_for_next_page(driver: WebDriver) -> None:
    """Click 保存 and wait until the server's answer is a new, fully loaded document."""
    mark_page(driver)
    click(driver, driver.find_element(By.CSS_SELECTOR, 'button[data-action="save"]'))
    # While the page is being replaced chromedriver may answer with transient errors
    # ("Node ... does not belong to the document"); they only mean "not yet".
    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && window.__sameDocument !== true;"
        )
    )


def field_error(driver: WebDriver, name: str) -> str:
    """The message crispy-forms prints under a table field, inside that field's own block."""
    wrapper = driver.find_element(By.ID, f"div_id_{name}")
    assert "is-invalid" in wrapper.find_element(By.ID, f"id_{name}").get_attribute("class")
    return " ".join(e.text for e in wrapper.find_elements(By.CSS_SELECTOR, ".invalid-feedback"))


def fill_table_fields(driver: WebDriver, values: dict[str, str]) -> None:
    for name, value in values.items():
        type_into(driver, driver.find_element(By.ID, f"id_{name}"), value)


# --- tests ---------------------------------------------------------------------------------


def test_filer_creates_project_table_and_reads_official_layout(
    browser, live_server, users, tree, year
):
    driver = browser
    log_in(driver, live_server.url, users["owner"].username)
    open_new_project_form(driver, live_server.url, year.year)

    fill_table_fields(
        driver,
        {
            "name": "残疾人康复服务项目",
            "budget_total": "110000",
            "budget_fiscal": "110000",
            "fund_use": "用于残疾人康复训练和辅助器具适配",
            "plan_march": "25",
            "plan_june": "50",
            "plan_october": "75",
            "plan_december": "100",
        },
    )
    goal = add_row(driver, "goals")
    type_into(driver, field(goal, "text"), "为辖区残疾人提供基本康复服务")

    for _ in range(3):
        add_row(driver, "indicators")
    rows = all_rows(driver, "indicators")
    assert len(rows) == 3
    for row, data in zip(rows, ROWS, strict=True):
        fill_indicator(driver, row, data, year.framework)
    assert [row_number(r) for r in rows] == ["1", "2", "3"]

    # Delete the second row: it disappears in place, without a reload.
    mark_page(driver)
    second = rows[1]
    click(driver, second.find_element(By.CSS_SELECTOR, '[data-action="delete-row"]'))
    wait(driver).until(EC.invisibility_of_element(second))
    assert page_was_not_reloaded(driver)
    assert second.find_element(By.CSS_SELECTOR, '[data-role="delete"]').is_selected()
    kept = visible_rows(driver, "indicators")
    assert [field(r, "name").get_attribute("value") for r in kept] == [
        ROWS[0]["name"],
        ROWS[2]["name"],
    ]
    assert [row_number(r) for r in kept] == ["1", "2"]

    # Move the third row above the first.
    click(driver, rows[2].find_element(By.CSS_SELECTOR, '[data-action="move-up"]'))
    wait(driver).until(
        lambda d: (
            [field(r, "name").get_attribute("value") for r in visible_rows(d, "indicators")]
            == [ROWS[2]["name"], ROWS[0]["name"]]
        )
    )
    assert page_was_not_reloaded(driver)
    kept = visible_rows(driver, "indicators")
    assert [row_number(r) for r in kept] == ["1", "2"]
    assert [row_order(r) for r in kept] == ["1", "2"]

    save_and_wait_for_next_page(driver)
    assert re.search(r"/tables/project/\d+/$", driver.current_url), driver.current_url
    sheet = wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".official-sheet .official-document"))
    )
    assert "已保存。" in driver.find_element(By.TAG_NAME, "main").text
    # The page put 满意度 above 产出; the save puts the rows back in the framework's category
    # order, so the official layout merges each 一级 run, and says so.
    assert REGROUPED_MESSAGE in driver.find_element(By.TAG_NAME, "main").text

    # The official layout: the two kept indicators, 产出 before 满意度.
    cells = sheet.find_elements(By.CSS_SELECTOR, 'td[data-anchor^="indicator:"]')
    by_row: dict[str, list[str]] = {}
    for cell in cells:
        by_row.setdefault(cell.get_attribute("data-anchor"), []).append(cell.text.strip())
    printed = list(by_row.values())  # each: [三级, 描述, 指标值, 依据]
    assert [(r[0], r[2]) for r in printed] == [
        (ROWS[0]["name"], ROWS[0]["target"]),
        (ROWS[2]["name"], ROWS[2]["target"]),
    ]
    assert [r[1] for r in printed] == [ROWS[0]["description"], ROWS[2]["description"]]
    sheet_text = sheet.text
    assert ROWS[1]["name"] not in sheet_text
    assert ROWS[1]["target"] not in sheet_text
    budget = sheet.find_element(By.CSS_SELECTOR, 'td[data-anchor="field:budget_total"]')
    assert budget.text.strip() == "110,000.00"
    fiscal = sheet.find_element(By.CSS_SELECTOR, 'td[data-anchor="field:budget_fiscal"]')
    assert fiscal.text.strip() == "110,000.00"
    assert (
        "残疾人康复服务项目"
        in sheet.find_element(By.CSS_SELECTOR, 'td[data-anchor="field:name"]').text
    )

    # And the database agrees.
    pk = int(re.search(r"/tables/project/(\d+)/$", driver.current_url).group(1))
    table = ProjectTable.objects.get(pk=pk)
    assert table.unit == tree["own"] and table.year == year
    assert str(table.budget_total) == "110000.00"
    assert ProjectIndicator.objects.filter(table=table).count() == 2
    saved = list(
        table.indicators.order_by("order").values_list(
            "order", "name", "target", "level1__name", "level2__name"
        )
    )
    assert saved == [
        (1, ROWS[0]["name"], ROWS[0]["target"], ROWS[0]["level1"], ROWS[0]["level2"]),
        (2, ROWS[2]["name"], ROWS[2]["target"], ROWS[2]["level1"], ROWS[2]["level2"]),
    ]
    assert list(table.goals.values_list("text", flat=True)) == ["为辖区残疾人提供基本康复服务"]


def test_failed_save_shows_chinese_errors_and_keeps_everything_typed(
    browser, live_server, users, tree, year
):
    driver = browser
    log_in(driver, live_server.url, users["owner"].username)
    open_new_project_form(driver, live_server.url, year.year)

    fill_table_fields(
        driver,
        {
            "name": "残疾人托养服务项目",
            "budget_total": "十一万",
            "budget_fiscal": "110000",
            "plan_march": "25",
            "plan_june": "150",
        },
    )
    # What a filer types must reach the server as typed. An <input type="number"> would
    # silently drop the letters, and the server could only answer 请填写预算数.
    assert driver.find_element(By.ID, "id_budget_total").get_attribute("value") == "十一万", (
        "the browser refused the letters typed into 预算数: it is rendered as "
        f'<input type="{driver.find_element(By.ID, "id_budget_total").get_attribute("type")}">'
    )
    for _ in range(3):
        add_row(driver, "indicators")
    rows = all_rows(driver, "indicators")
    for row, data in zip(rows, ROWS, strict=True):
        fill_indicator(driver, row, data, year.framework)
    click(driver, rows[1].find_element(By.CSS_SELECTOR, '[data-action="delete-row"]'))
    wait(driver).until(EC.invisibility_of_element(rows[1]))

    url_before = driver.current_url
    save_and_wait_for_next_page(driver)
    wait(driver).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, 'form[data-role="table-form"]'))
    )
    assert driver.current_url == url_before
    main_text = driver.find_element(By.TAG_NAME, "main").text
    assert "保存失败：请按页面上的红色提示修改后再保存，您填写的内容都已保留。" in main_text

    assert "请输入金额数字，例如 1273.72（不能包含文字或其他符号）。" in field_error(
        driver, "budget_total"
    )
    assert "百分比不能超过 100%（您填写的值超出了范围）。" in field_error(driver, "plan_june")

    # Everything typed is still there.
    value = lambda name: driver.find_element(By.ID, f"id_{name}").get_attribute("value")  # noqa: E731
    assert value("name") == "残疾人托养服务项目"
    assert value("budget_total") == "十一万"
    assert value("budget_fiscal") == "110000"
    assert value("plan_march") == "25"
    assert value("plan_june") == "150"

    rows = all_rows(driver, "indicators")
    assert len(rows) == 3  # the deleted row comes back ticked for deletion, and hidden
    assert rows[1].find_element(By.CSS_SELECTOR, '[data-role="delete"]').is_selected()
    assert not rows[1].is_displayed()
    kept = visible_rows(driver, "indicators")
    assert [row_number(r) for r in kept] == ["1", "2"]
    for row, data in zip(kept, [ROWS[0], ROWS[2]], strict=True):
        level1 = Select(row.find_element(By.CSS_SELECTOR, 'select[data-role="level1"]'))
        level2 = Select(row.find_element(By.CSS_SELECTOR, 'select[data-role="level2"]'))
        assert level1.first_selected_option.text.strip() == data["level1"]
        assert level2.first_selected_option.text.strip() == data["level2"]
        assert offered_level2(driver, row) == children_of(data["level1"], year.framework)
        for name in ("name", "description", "target", "basis"):
            assert field(row, name).get_attribute("value") == data[name]

    assert not ProjectTable.objects.exists()
    assert not ProjectIndicator.objects.exists()
