"""Blank templates: the official layouts with no values, as XLSX (filled in and imported back)
and PDF (printed), from the same layout description; the page listing them and who may use it."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from budgetapp.exports.blank import BLANK_LAYOUTS, ROWS_PER_LEVEL1, blank_book, blank_document
from budgetapp.exports.registry import EXPORTERS
from budgetapp.imports.apply import import_workbook
from budgetapp.imports.reader import read_workbook
from budgetapp.indicators.models import Category
from budgetapp.layouts.document import Grid
from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.units.models import LayoutFamily, Region, RegionLevel, Unit

from .conftest import login, pdf_text
from .test_workflow_access import assert_sent_to_login

LEVEL1 = ["产出指标", "效益指标", "满意度指标"]  # the legacy framework of the `year` fixture


def _sheet(layout: str, year, money_unit: str = "元"):
    content = EXPORTERS["xlsx"](blank_book(layout, year, money_unit)).content
    return openpyxl.load_workbook(BytesIO(content))


def _find(ws, text: str):
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == text:
                return cell
    raise AssertionError(f"“{text}” not on the sheet")


def _right_of(ws, text: str, value) -> None:
    label = _find(ws, text)
    ws.cell(row=label.row, column=label.column + 1, value=value)


def _below(ws, text: str, value) -> None:
    label = _find(ws, text)
    ws.cell(row=label.row + 1, column=label.column, value=value)


def _bytes(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problems(result) -> list[str]:
    return [str(p) for p in result.all_problems]


def _unit_in(layout: str, name: str) -> Unit:
    province = Region.objects.create(name=f"{name}省", level=RegionLevel.PROVINCE, layout=layout)
    return Unit.objects.create(region=province, code="900001", name=name)


def _filer_of(unit: Unit):
    from .conftest import _user

    return _user(f"filer-{unit.pk}", "filer", unit)


# --- what a blank holds ---------------------------------------------------------------------


@pytest.mark.parametrize("layout", BLANK_LAYOUTS)
def test_a_blank_has_the_layout_and_empty_rows_under_each_level1_of_the_framework(
    year, category, layout
):
    document = blank_document(layout, year)

    texts = [cell.text for grid in document.grids() for _, _, cell in grid.placed()]
    if layout == LayoutFamily.HEBEI:
        headings = [b.text for b in document.blocks if not isinstance(b, Grid)]
        assert {"一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施"} <= set(headings)
        return
    for name in LEVEL1:
        assert texts.count(name) == 1  # one 一级 cell, merged over its rows
    level1_cells = [
        cell for grid in document.grids() for _, _, cell in grid.placed() if cell.text in LEVEL1
    ]
    assert [cell.rowspan for cell in level1_cells] == [ROWS_PER_LEVEL1] * len(LEVEL1)
    # Nothing typed anywhere: every value cell is empty (labels and 一级 names only).
    assert not any(
        cell.number is not None for grid in document.grids() for *_, cell in grid.placed()
    )


def test_the_2021_framework_gives_its_four_level1_categories(year, category):
    from budgetapp.indicators.models import Framework

    year.framework = Framework.objects.exclude(pk=year.framework_id).get()
    document = blank_document("project", year)

    texts = {cell.text for grid in document.grids() for *_, cell in grid.placed()}
    level1 = Category.objects.filter(framework=year.framework, parent=None)
    assert "成本指标" in {c.name for c in level1}
    assert {c.name for c in level1} <= texts


@pytest.mark.parametrize("layout", BLANK_LAYOUTS)
def test_the_pdf_prints_the_layout_without_a_draft_mark(year, category, layout):
    export = EXPORTERS["pdf"](blank_book(layout, year, "万元"))

    text = pdf_text(export.content)
    assert export.filename == f"空白模板_2021_{BLANK_LAYOUTS[layout]}.pdf"
    assert "草稿" not in text
    if layout == "project":
        assert "项目编码" in text and "单位：万元" in text and "产出指标" in text
    elif layout == LayoutFamily.HEBEI:
        assert "二、分项绩效目标" in text
    else:
        assert "满意度指标" in text


# --- filled in Excel, imported back ---------------------------------------------------------


def test_a_filled_project_template_imports_into_a_new_table(year, category, tree, users):
    workbook = _sheet("project", year, "万元")
    ws = workbook.active
    _right_of(ws, "项目编码", "13070021F97VGKGDY9NNO")
    _right_of(ws, "项目名称", "残疾人康复服务经费")
    _right_of(ws, "预算数", 82.16)
    _right_of(ws, "其中：财政资金", 80)
    _right_of(ws, "其他资金", 2.16)
    fund_use = _find(ws, "预算规模及资金用途")
    ws.cell(row=fund_use.row + 1, column=2, value="为残疾儿童提供康复训练")
    for month, value in (("3月底", 0.25), ("6月底", 0.5), ("10月底", 0.75), ("12月底", 1)):
        _below(ws, month, value)
    _right_of(ws, "绩效目标", "1.完成残疾儿童康复救助\n2.提高康复服务质量")
    header = _find(ws, "一级指标").row
    filled = {
        header + 1: ("数量指标", "康复救助人数", "接受康复救助的残疾儿童人数", "≥120人", "工作计划"),
        header + 2: ("质量指标", "康复训练达标率", "训练评估达标人数占比", "≥90%", "历史数据"),
        header + 1 + ROWS_PER_LEVEL1: ("社会效益指标", "家庭负担", "残疾儿童家庭负担变化", "有所减轻", "工作计划"),
        header + 1 + 2 * ROWS_PER_LEVEL1 + 1: ("服务对象满意度指标", "家长满意度", "抽样调查满意率", "≥95%", "抽样调查"),
    }  # fmt: skip
    for row, (level2, name, description, target, basis) in filled.items():
        for column, value in zip(
            (2, 3, 4, 6, 7), (level2, name, description, target, basis), strict=True
        ):
            ws.cell(row=row, column=column, value=value)

    parsed = read_workbook(_bytes(workbook))
    result = import_workbook(
        user=users["owner"], unit=tree["own"], year=2021, parsed=parsed, dry_run=False
    )

    assert result.applied, _problems(result)
    table = ProjectTable.objects.get(unit=tree["own"], name="残疾人康复服务经费")
    assert table.code == "13070021F97VGKGDY9NNO" and table.money_unit == "万元"
    assert (table.budget_total, table.budget_fiscal, table.budget_other) == (
        Decimal("82.16"),
        Decimal("80"),
        Decimal("2.16"),
    )
    assert table.fund_use == "为残疾儿童提供康复训练"
    assert [table.plan_march, table.plan_june, table.plan_october, table.plan_december] == [
        25,
        50,
        75,
        100,
    ]
    assert [g.text for g in table.goals.all()] == ["完成残疾儿童康复救助", "提高康复服务质量"]
    rows = [
        (r.level1.name, r.level2.name, r.name, r.target, r.basis) for r in table.indicator_rows()
    ]
    assert rows == [
        ("产出指标", "数量指标", "康复救助人数", "≥120人", "工作计划"),
        ("产出指标", "质量指标", "康复训练达标率", "≥90%", "历史数据"),
        ("效益指标", "社会效益指标", "家庭负担", "有所减轻", "工作计划"),
        ("满意度指标", "服务对象满意度指标", "家长满意度", "≥95%", "抽样调查"),
    ]


def test_a_filled_guangdong_template_imports_into_a_guangdong_unit(year, category):
    unit = _unit_in(LayoutFamily.GUANGDONG, "廉江市残疾人联合会")
    workbook = _sheet(LayoutFamily.GUANGDONG, year)
    ws = workbook.active
    _right_of(ws, "部门名称", unit.name)
    _right_of(ws, "财政供养人员数", 12)
    _right_of(ws, "基本支出", 3000000)
    _right_of(ws, "项目支出", 1500000)
    _right_of(ws, "总体绩效目标", "保障残疾人基本公共服务")
    task = _find(ws, "任务1:")
    ws.cell(row=task.row, column=task.column, value="任务1: 残疾人康复")
    ws.cell(row=task.row, column=task.column + 1, value="为残疾儿童提供康复训练")
    ws.cell(row=task.row, column=task.column + 2, value=500000)
    ws.cell(row=task.row, column=task.column + 3, value="康复服务覆盖率提高")
    header = _find(ws, "一级指标")
    row = header.row + 1
    for offset, (level2, name, target) in enumerate(
        [("数量指标", "康复救助人数", "≥120人"), ("社会效益指标", "家庭负担", "有所减轻")]
    ):
        r = row + offset * ROWS_PER_LEVEL1
        for column, value in zip(
            range(header.column + 1, header.column + 4), (level2, name, target), strict=True
        ):
            ws.cell(row=r, column=column, value=value)

    result = import_workbook(
        user=_filer_of(unit),
        unit=unit,
        year=2021,
        parsed=read_workbook(_bytes(workbook)),
        dry_run=False,
    )

    assert result.applied, _problems(result)
    table = DepartmentTable.objects.get(unit=unit)
    assert table.staff_count == 12 and table.expense_basic == 3000000
    assert table.overall_goal == "保障残疾人基本公共服务"
    assert [(t.name, t.amount) for t in table.tasks.all()] == [("残疾人康复", 500000)]
    assert [(r.level1.name, r.level2.name, r.name, r.target) for r in table.indicator_rows()] == [
        ("产出指标", "数量指标", "康复救助人数", "≥120人"),
        ("效益指标", "社会效益指标", "家庭负担", "有所减轻"),
    ]


def test_a_filled_hubei_template_imports_into_a_hubei_unit(year, category):
    unit = _unit_in(LayoutFamily.HUBEI, "武汉市蔡甸区残疾人联合会")
    workbook = _sheet(LayoutFamily.HUBEI, year)
    ws = workbook.active
    _right_of(ws, "部门（单位）名称", unit.name)
    _right_of(ws, "填报人", "张三")
    _right_of(ws, "部门职能概述", "负责全区残疾人工作")
    header = _find(ws, "一级指标")
    first = header.row + 3  # 一级 header spans three rows
    for column, value in zip(
        range(header.column + 1, header.column + 7),
        ("数量指标", "康复救助人数", "100人", "110人", "≥120人", "工作计划"),
        strict=True,
    ):
        ws.cell(row=first, column=column, value=value)

    result = import_workbook(
        user=_filer_of(unit),
        unit=unit,
        year=2021,
        parsed=read_workbook(_bytes(workbook)),
        dry_run=False,
    )

    assert result.applied, _problems(result)
    table = DepartmentTable.objects.get(unit=unit)
    assert table.filler_name == "张三" and table.functions == "负责全区残疾人工作"
    (row,) = table.indicator_rows()
    assert (row.level1.name, row.name, row.value_prev2, row.value_prev1, row.target) == (
        "产出指标",
        "康复救助人数",
        "100人",
        "110人",
        "≥120人",
    )


def test_a_filled_hebei_template_imports_its_narrative(year, category, tree, users):
    workbook = _sheet(LayoutFamily.HEBEI, year)
    ws = workbook.active
    _below(ws, "一、总体绩效目标", "保障残疾人基本民生")
    _below(ws, "二、分项绩效目标", "1、康复服务")
    _below(ws, "三、工作保障措施", "1、加强组织领导")

    result = import_workbook(
        user=users["owner"],
        unit=tree["own"],
        year=2021,
        parsed=read_workbook(_bytes(workbook)),
        dry_run=False,
    )

    assert result.applied, _problems(result)
    table = DepartmentTable.objects.get(unit=tree["own"])
    assert table.overall_goal == "保障残疾人基本民生"
    assert [s.title for s in table.sub_goals.all()] == ["康复服务"]
    assert [m.title for m in table.measures.all()] == ["加强组织领导"]


def test_an_untouched_template_imports_nothing_silently(year, category, tree, users):
    parsed = read_workbook(_bytes(_sheet("project", year)))

    (table,) = parsed.tables
    assert table.rows["indicators"] == []  # the empty rows under each 一级 are not rows


# --- the page and the downloads -------------------------------------------------------------

ROLES = ["owner", "colleague", "reviewer", "other_reviewer", "admin"]


@pytest.mark.parametrize("who", ROLES)
def test_every_logged_in_role_lists_and_downloads_the_templates(client, users, year, category, who):
    login(client, users[who])

    page = client.get(reverse("exports:blank_list"))

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert '<label class="form-label" for="blank-year">' in html
    for layout in BLANK_LAYOUTS:
        assert reverse("exports:blank", args=[2021, layout, "xlsx"]) in html
    response = client.get(
        reverse("exports:blank", args=[2021, "hubei", "xlsx"]) + "?money_unit=万元"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    assert _find(sheet, "资金单位：万元")


@pytest.mark.parametrize(
    "url",
    [
        ("exports:blank_list", []),
        ("exports:blank", [2021, "project", "pdf"]),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, year, url):
    name, args = url
    assert_sent_to_login(client.get(reverse(name, args=args)))


@pytest.mark.parametrize(
    ("args", "query"),
    [([2021, "shanghai", "pdf"], ""), ([2021, "project", "docx"], ""), ([1999, "project", "pdf"], ""), ([2021, "project", "xlsx"], "?money_unit=千元")],
)  # fmt: skip
def test_unknown_layouts_formats_years_and_money_units_are_404(client, users, year, args, query):
    login(client, users["owner"])
    assert client.get(reverse("exports:blank", args=args) + query).status_code == 404


def test_downloads_are_get_only(client, users, year):
    login(client, users["owner"])
    assert client.post(reverse("exports:blank", args=[2021, "project", "xlsx"])).status_code == 405
