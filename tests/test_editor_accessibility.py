"""The editors' accessibility as the server renders it (issue 15): labels, errors, live regions.

Every editor of every layout (the Hebei project table; the Hebei, Guangdong and Hubei
department tables), opened by its demo filer, and posted back with mistakes:
- every field has a label, and every field of a row names its row: 第3行 三级指标;
- on a failed save, every field in error says so (aria-invalid) and is described by its message
  (aria-describedby pointing at ids that exist), header fields and row fields alike; the summary
  at the top lists each error as a link to that field;
- the 智能审核 panel is not one live region: only its summary line is (tests/browser checks what
  is announced);
- a warning's explanation on the submit form is required.
The keys and what a browser shows are tested in tests/browser/test_grid_browser.py.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.units.models import Account

from .a11y_html import Page
from .conftest import login
from .html_forms import read_form
from .test_checks_workflow import make_clean, with_warning

FAILED = "保存失败：请按页面上的红色提示修改后再保存，您填写的内容都已保留。"
BAD_TEXT = "坏\x07字"  # a control character: refused by every text field (core/text.py)

# (demo filer, editor kind): the project editor and the department editor of each layout.
EDITORS = [
    ("shg_filer", "project"),
    ("shg_filer", "department"),  # Hebei: narrative, 分项目标 and 保障措施 rows
    ("lj_filer", "department"),  # Guangdong: figures, tasks and indicators
    ("cd_filer", "department"),  # Hubei: indicators with 年度目标, 前年, 上年
]


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _editor_url(client, username: str, kind: str) -> str:
    account = Account.objects.select_related("unit", "user").get(user__username=username)
    client.force_login(account.user)
    if kind == "project":
        table = ProjectTable.objects.filter(unit=account.unit).order_by("sequence").first()
        return reverse("targets:project_edit", args=[table.pk])
    table = DepartmentTable.objects.get(unit=account.unit)
    return reverse("targets:department_edit", args=[table.pk])


def _headings(page: Page, section) -> dict[str, str]:
    """Column name → heading, from the section's table head (th.col-<name>)."""
    headings = {}
    for th in page.find(lambda n: n.tag == "th" and section in n.ancestors()):
        if any(a.tag == "thead" for a in th.ancestors()):
            for css in th.classes():
                if css.startswith("col-"):
                    headings[css[4:]] = th.text()
    return headings


def _rows(page: Page, section):
    return page.find(
        lambda n: n.tag == "tr" and n.attrs.get("data-role") == "row" and section in n.ancestors()
    )


def _column_of(control) -> str:
    cell = next(a for a in control.node.ancestors() if a.tag == "td")
    return next(css[4:] for css in cell.classes() if css.startswith("col-"))


def _assert_labelled(page: Page, *, deleted: set[str] = frozenset()) -> int:
    """Every control of the editor has a label; a row's names its row. Returns the rows seen."""
    form = page.form()
    unlabelled = [c.name for c in page.controls(form) if not c.label]
    assert unlabelled == []
    assert page.duplicate_ids == []
    assert page.dangling_references() == []
    sections = page.find(lambda n: n.tag == "section" and "data-formset" in n.attrs)
    assert sections, "the editor has no row list"
    seen = 0
    for section in sections:
        headings = _headings(page, section)
        number = 0
        for row in _rows(page, section):
            controls = page.controls(row)
            if controls and controls[0].name.rsplit("-", 1)[0] in deleted:
                continue
            number += 1
            for control in controls:
                assert control.label == f"第{number}行 {headings[_column_of(control)]}", (
                    control.name
                )
            buttons = page.find(lambda n, r=row: n.tag == "button" and r in n.ancestors())
            assert {b.attrs.get("aria-label") for b in buttons} == {
                f"上移第{number}行",
                f"下移第{number}行",
                f"删除第{number}行",
            }
            seen += 1
    return seen


@pytest.mark.parametrize(("username", "kind"), EDITORS)
def test_every_field_is_labelled_and_a_row_field_names_its_row(client, demo, username, kind):
    html = client.get(_editor_url(client, username, kind)).content.decode()
    assert "{#" not in html and "#}" not in html  # a template comment printed as text
    page = Page(html)
    assert _assert_labelled(page) > 0
    # Without a failed save there is no error state anywhere.
    assert [c.name for c in page.controls(page.form()) if c.invalid] == []
    assert 'id="error-summary"' not in html
    # The header's fields are labelled by their own label (crispy), e.g. 项目名称 / 填报人.
    header = [c for c in page.controls(page.form()) if "-" not in c.name]
    assert header and all(not c.label.startswith("第") for c in header)


def _bad_post(html: str) -> tuple[dict[str, str], list[str]]:
    """The page's own form with a mistake in the first header text field and in a text cell
    of the first row of every row list; returns the data and the names made wrong."""
    page = Page(html)
    form = read_form(html)
    data = form.as_dict()
    controls = page.controls(page.form())
    wrong = []
    header_text = next(
        c.name
        for c in controls
        if "-" not in c.name
        and c.node.tag in {"input", "textarea"}
        and "inputmode" not in c.node.attrs
    )
    wrong.append(header_text)
    for section in page.find(lambda n: n.tag == "section" and "data-formset" in n.attrs):
        first_row = _rows(page, section)[0]
        cell = next(
            c.name
            for c in page.controls(first_row)
            if c.node.tag in {"input", "textarea"} and "inputmode" not in c.node.attrs
        )
        wrong.append(cell)
    for name in wrong:
        data[name] = BAD_TEXT
    return data, wrong


@pytest.mark.parametrize(("username", "kind"), EDITORS)
def test_a_failed_save_marks_describes_and_lists_every_error(client, demo, username, kind):
    url = _editor_url(client, username, kind)
    data, wrong = _bad_post(client.get(url).content.decode())
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert FAILED in html
    page = Page(html)
    _assert_labelled(page)

    controls = {c.name: c for c in page.controls(page.form())}
    invalid = {name for name, c in controls.items() if c.invalid}
    assert invalid == set(wrong)
    for name in wrong:
        control = controls[name]
        assert "is-invalid" in control.node.classes()
        assert control.described_by, name
        assert page.missing_ids(" ".join(control.described_by)) == []
        # What it is described by is its own message (core/text.py), not some other text.
        assert "含有不可见的控制字符" in page.text_of_ids(" ".join(control.described_by)), name

    # The summary: focusable, one link per error, each to the field in error, named by row.
    summary = page.by_id["error-summary"]
    assert summary.attrs.get("tabindex") == "-1"
    links = [n for n in page.live if n.tag == "a" and n.attrs.get("data-role") == "error-link"]
    targets = [link.attrs["href"].removeprefix("#") for link in links]
    assert sorted(targets) == sorted(controls[name].id for name in wrong)
    for link in links:
        field = page.control(page.by_id[link.attrs["href"][1:]])
        assert field.invalid
        if "-" in field.name:  # a row field: 绩效指标第1行 三级指标：…
            assert re.match(r"^.+第1行 \S+：", link.text()), link.text()
            assert field.label.split(" ", 1)[1] in link.text()
        else:
            assert link.text().startswith(f"{field.label}：")
    assert f"共 {len(links)} 处问题" in summary.text()


def test_rows_marked_for_deletion_are_not_counted(client, demo):
    url = _editor_url(client, "shg_filer", "project")
    data = read_form(client.get(url).content.decode()).as_dict()
    data["indicators-0-DELETE"] = "on"
    data["indicators-1-name"] = ""
    response = client.post(url, data)
    html = response.content.decode()
    assert FAILED in html
    page = Page(html)
    _assert_labelled(page, deleted={"indicators-0"})
    link = page.find(lambda n: n.attrs.get("href") == "#id_indicators-1-name")
    assert [n.text() for n in link] == ["绩效指标第1行 三级指标：请填写三级指标名称。"]
    assert page.control(page.by_id["id_indicators-1-name"]).label == "第1行 三级指标"


def test_a_failed_save_without_a_field_to_link_lists_the_problem_unlinked(client, demo):
    url = _editor_url(client, "shg_filer", "project")
    data = read_form(client.get(url).content.decode()).as_dict()
    data["loaded_version"] = "abc"
    html = client.post(url, data).content.decode()
    page = Page(html)
    summary = page.by_id["error-summary"]
    items = [n for n in page.live if n.tag == "li" and summary in n.ancestors()]
    assert [i.text() for i in items] == ["页面版本：页面数据不完整，请刷新页面后重新保存。"]
    assert not [n for n in page.live if n.attrs.get("data-role") == "error-link"]


def test_the_checks_panel_announces_only_its_summary_line(client, demo):
    html = client.get(_editor_url(client, "shg_filer", "project")).content.decode()
    page = Page(html)
    (panel,) = page.find(lambda n: n.attrs.get("data-role") == "checks-panel")
    assert "aria-live" not in panel.attrs
    live = [
        n
        for n in page.live
        if (n.attrs.get("role") in {"status", "alert", "log"} or "aria-live" in n.attrs)
        and panel in n.ancestors()
    ]
    assert [n.attrs.get("data-role") for n in live] == ["checks-announce"]
    # Nothing is said on arrival: the line is filled only when a check changes it.
    assert live[0].text() == ""
    # The list itself is plain content.
    (findings,) = page.find(lambda n: n.attrs.get("data-role") == "checks-list")
    assert "aria-live" not in findings.attrs and "role" not in findings.attrs


def test_the_grid_status_region_exists_before_anything_happens(client, demo):
    """Live regions added later are often not announced: #grid-status is in the page from the
    start, empty, for formset.js and grid.js."""
    for username, kind in EDITORS:
        page = Page(client.get(_editor_url(client, username, kind)).content.decode())
        status = page.by_id["grid-status"]
        assert status.attrs.get("role") == "status"
        assert status.attrs.get("aria-live") == "polite"
        assert status.text() == ""


@pytest.mark.usefixtures("checks_on")
def test_warning_explanations_are_required(client, users, project, category):
    with_warning(make_clean(project, category))
    login(client, users["owner"])
    page = Page(client.get(project.get_absolute_url()).content.decode())
    boxes = page.find(
        lambda n: n.tag == "textarea" and n.attrs.get("name", "").startswith("explain-")
    )
    assert boxes
    for box in boxes:
        assert "required" in box.attrs
        assert page.control(box).label  # its label is the warning itself


def test_the_help_page_lists_the_grid_keys_the_save_bar_links_to(client, demo):
    html = client.get(_editor_url(client, "shg_filer", "project")).content.decode()
    page = Page(html)
    (hint,) = page.find(lambda n: n.attrs.get("data-role") == "key-hint")
    assert "hidden" in hint.attrs  # shown by grid.js: without it the keys do nothing
    (link,) = [n for n in page.live if n.tag == "a" and hint in n.ancestors()]
    assert link.attrs["href"] == reverse("guide:indicators") + "#keys"
    help_page = Page(client.get(reverse("guide:indicators")).content.decode())
    (table,) = help_page.find(lambda n: n.attrs.get("data-role") == "keys-table")
    keys = [n.text() for n in help_page.live if n.tag == "th" and table in n.ancestors()]
    for key in ("← →", "↑ ↓", "回车", "Tab / Shift+Tab", "Ctrl+S", "Ctrl+Z", "Ctrl+Y"):
        assert key in keys
    assert "keys" in help_page.by_id
