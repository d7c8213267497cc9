"""End to end in headless Debian Chromium: paste rows from Excel, pick from the indicator library.

A filer opens a project table, puts three rows copied from a spreadsheet on the real system
clipboard (tab-separated, as Excel and WPS write them, with a merged 一级 cell left blank and a
quoted cell holding a line break) and presses Ctrl+V in the 一级指标 of a new row: three rows
appear, filled column by column. Then they type in another new row's 三级指标, choose an
indicator from the library's list with the keyboard, and see name, description, basis and
categories filled while 指标值 stays empty for them to set. The saved table holds all of it.
"""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from budgetapp.library.models import LibraryEntry
from budgetapp.targets.models import ProjectIndicator

from .test_filing_browser import (
    add_row,
    all_rows,
    click,
    field,
    log_in,
    save_and_wait_for_next_page,
    type_into,
    wait,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Three rows as Excel puts them on the clipboard: \t between cells, \r\n after each row; the
# second row's 一级 was a merged cell (blank when copied); a cell with a line break is quoted.
CLIPBOARD = (
    "产出指标\t数量指标\t残疾人康复训练人数\t全年提供康复训练的人数\t≥120人\t年度工作计划\r\n"
    '\t质量指标\t康复训练达标率\t"训练达标的比例\n（按评估结果）"\t≥90%\t历史数据\r\n'
    "效益\t社会效益指标\t残疾人生活自理能力\t受训残疾人自理能力的变化\t有所提高\t部门工作目标\r\n"
)
PASTED = [
    ("产出指标", "数量指标", "残疾人康复训练人数", "全年提供康复训练的人数", "≥120人", "年度工作计划"),
    ("产出指标", "质量指标", "康复训练达标率", "训练达标的比例\n（按评估结果）", "≥90%", "历史数据"),
    ("效益指标", "社会效益指标", "残疾人生活自理能力", "受训残疾人自理能力的变化", "有所提高", "部门工作目标"),
]  # fmt: skip
COLUMNS = ["level1", "level2", "name", "description", "target", "basis"]


def put_on_clipboard(driver, origin: str, text: str) -> None:
    """Write to the system clipboard through the page, as a person's copy would."""
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    error = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.writeText(arguments[0])"
        "  .then(() => navigator.clipboard.readText())"
        "  .then((back) => done(back === arguments[0] ? null : 'read back: ' + back))"
        "  .catch((e) => done(String(e)));",
        text,
    )
    assert error is None, f"the clipboard refused the text: {error}"


def row_values(row) -> tuple[str, ...]:
    values = []
    for name in COLUMNS:
        element = field(row, name)
        if element.tag_name == "select":
            values.append(Select(element).first_selected_option.text.strip())
        else:
            values.append(element.get_attribute("value"))
    return tuple(values)


def test_paste_three_rows_and_pick_one_from_the_library(browser, live_server, users, project):
    driver = browser
    log_in(driver, live_server.url, users["owner"].username)
    driver.get(f"{live_server.url}/projects/{project.pk}/edit/")
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#library-config")))
    assert len(all_rows(driver, "indicators")) == 2

    # Paste: Ctrl+V into the 一级指标 of a new row, from the real clipboard.
    first = add_row(driver, "indicators")
    put_on_clipboard(driver, live_server.url, CLIPBOARD)
    level1 = field(first, "level1")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", level1)
    driver.execute_script("arguments[0].focus();", level1)
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
    wait(driver).until(lambda d: len(all_rows(d, "indicators")) == 5)
    message = driver.find_element(By.CSS_SELECTOR, '[data-role="paste-message"]')
    assert message.text == "已粘贴 3 行。"
    rows = all_rows(driver, "indicators")
    assert [row_values(r) for r in rows[2:]] == PASTED
    assert [r.find_element(By.CSS_SELECTOR, '[data-role="row-number"]').text for r in rows] == [
        "1", "2", "3", "4", "5",
    ]  # fmt: skip

    # Library: type into a new row's 三级指标, choose with ↓ and Enter.
    picked = add_row(driver, "indicators")
    name = field(picked, "name")
    type_into(driver, name, "家人满意")
    listbox = driver.find_element(By.ID, "library-listbox")

    def first_option_name(_driver) -> str:
        names = listbox.find_elements(By.CSS_SELECTOR, '[role="option"] .library-name')
        return listbox.is_displayed() and names and names[0].text

    # Focusing the empty input first lists suggestions for the project; the typed text wins.
    wait(driver).until(lambda d: first_option_name(d) == "家人满意度")
    assert name.get_attribute("aria-expanded") == "true"
    assert name.get_attribute("role") == "combobox"
    options = listbox.find_elements(By.CSS_SELECTOR, '[role="option"]')
    name.send_keys(Keys.ARROW_DOWN)
    assert name.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    assert options[0].get_attribute("aria-selected") == "true"
    name.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: not listbox.is_displayed())

    entry = LibraryEntry.objects.get(name="家人满意度")
    target = field(picked, "target")
    assert row_values(picked) == (
        "满意度指标",
        "服务对象满意度指标",
        "家人满意度",
        entry.description,
        "",  # the filer sets the target value
        entry.basis,
    )
    assert target.get_attribute("placeholder") == "≥ 数值 %"
    assert driver.switch_to.active_element == target
    assert "请填写指标值" in picked.find_element(By.CSS_SELECTOR, '[data-role="library-hint"]').text
    assert re.search(r"/projects/\d+/edit/$", driver.current_url)  # Enter did not submit

    save_and_wait_for_next_page(driver)
    assert "已保存。" in driver.find_element(By.TAG_NAME, "main").text
    # A browser sends a textarea's line breaks as \r\n (HTML form submission).
    saved = [
        (*row[:3], row[3].replace("\r\n", "\n"), *row[4:])
        for row in ProjectIndicator.objects.filter(table=project)
        .order_by("order")
        .values_list("level1__name", "level2__name", "name", "description", "target", "basis")
    ]
    # Saving regroups the rows by 一级/二级 (the pasted 产出 rows join the fixture's 产出 row),
    # keeping the typed order within each group.
    assert len(saved) == 6 and set(PASTED) <= set(saved)
    assert (
        "满意度指标",
        "服务对象满意度指标",
        "家人满意度",
        entry.description,
        "",
        entry.basis,
    ) in saved
    level1_runs = [name for i, (name, *_) in enumerate(saved) if i == 0 or saved[i - 1][0] != name]
    assert len(level1_runs) == len(set(level1_runs))
    assert [row[2] for row in saved] == [
        "保障正常办公人数",  # 产出/数量, the fixture's
        "残疾人康复训练人数",  # 产出/数量, pasted
        "康复训练达标率",  # 产出/质量
        "残疾人生活自理能力",  # 效益
        "单位工作人员满意度",  # 满意度, the fixture's
        "家人满意度",  # 满意度, from the library
    ]


def test_single_cell_paste_stays_an_ordinary_paste(browser, live_server, users, project):
    driver = browser
    log_in(driver, live_server.url, users["owner"].username)
    driver.get(f"{live_server.url}/projects/{project.pk}/edit/")
    row = add_row(driver, "indicators")
    put_on_clipboard(driver, live_server.url, "≥95%")
    target = field(row, "target")
    click(driver, target)
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
    wait(driver).until(lambda d: target.get_attribute("value") == "≥95%")
    assert len(all_rows(driver, "indicators")) == 3
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-role="paste-message"]')


def test_paste_parses_excel_quoting_and_reports_what_it_could_not_place(
    browser, live_server, users, project
):
    driver = browser
    log_in(driver, live_server.url, users["owner"].username)
    driver.get(f"{live_server.url}/projects/{project.pk}/edit/")
    parsed = driver.execute_script(
        "return window.Paste.parseBlock(arguments[0]);",
        'a\t"say ""hi""\tthere"\tc\n\n\t\t\nx\t"two\r\nlines"\n',
    )
    assert parsed == [["a", 'say "hi"\tthere', "c"], ["x", "two\r\nlines"]]

    # Pasted into 三级指标: columns start there; an unknown 二级 and extra cells are reported.
    row = add_row(driver, "indicators")
    put_on_clipboard(
        driver,
        live_server.url,
        "残疾人辅具适配人数\t辅具适配服务人数\t≥50人\t工作计划\t多余一列\r\n",
    )
    name = field(row, "name")
    click(driver, name)
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
    message = wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-role="paste-message"]'))
    )
    assert message.text == "已粘贴 1 行。 有 1 个单元格超出表格的列，未粘贴。"
    assert row_values(row)[2:] == ("残疾人辅具适配人数", "辅具适配服务人数", "≥50人", "工作计划")
    assert len(all_rows(driver, "indicators")) == 3

    put_on_clipboard(driver, live_server.url, "产出指标\t满意度\t某指标\r\n")
    level1 = field(row, "level1")
    driver.execute_script("arguments[0].focus();", level1)
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
    wait(driver).until(lambda d: "不在可选范围内" in message.text)
    assert "第 1 行的二级指标“满意度”不在可选范围内，请手工选择。" in message.text
    assert row_values(row)[:3] == ("产出指标", "（无）", "某指标")


def test_paste_follows_the_hubei_department_grids_own_columns(
    browser, live_server, users, tree, year
):
    from budgetapp.targets.models import DepartmentIndicator, DepartmentTable

    unit = tree["own"]
    unit.layout_override = "hubei"
    unit.save()
    table = DepartmentTable.objects.create(unit=unit, year=year, framework=year.framework)
    driver = browser
    log_in(driver, live_server.url, users["owner"].username)
    driver.get(f"{live_server.url}/department/{table.pk}/edit/")
    first = add_row(driver, "indicators")
    # 年度目标, 一级, 二级, 三级, 描述, 前年, 上年, 预期当年实现值, 依据 — as the Hubei table prints.
    put_on_clipboard(
        driver,
        live_server.url,
        "2\t产出指标\t数量指标\t残疾人康复救助补贴人次\t\t1000人次\t1100人次\t1200人次\t历史数据\r\n"
        "2\t\t\t残疾人乘车持卡人数\t\t4800人\t5000人\t5200人\t历史数据\r\n",
    )
    goal_no = field(first, "goal_no")
    click(driver, goal_no)
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
    wait(driver).until(lambda d: len(all_rows(d, "indicators")) == 2)
    save_and_wait_for_next_page(driver)
    saved = list(
        DepartmentIndicator.objects.filter(table=table)
        .order_by("order")
        .values_list(
            "goal_no",
            "level1__name",
            "level2__name",
            "name",
            "value_prev2",
            "value_prev1",
            "target",
            "basis",
        )
    )
    assert saved == [
        (2, "产出指标", "数量指标", "残疾人康复救助补贴人次", "1000人次", "1100人次", "1200人次", "历史数据"),
        (2, "产出指标", "数量指标", "残疾人乘车持卡人数", "4800人", "5000人", "5200人", "历史数据"),
    ]  # fmt: skip
