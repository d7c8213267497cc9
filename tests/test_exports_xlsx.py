"""Excel exports: read the workbook back with openpyxl and compare with the layout and the model."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from io import BytesIO
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.management import call_command
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from budgetapp.exports.registry import export_table, export_unit_book
from budgetapp.exports.xlsx import sheet_title
from budgetapp.layouts import document_for
from budgetapp.layouts.document import CellFormat, Grid
from budgetapp.targets.models import DepartmentTable, ProjectIndicator, ProjectTable, Status
from budgetapp.units.models import Unit

ZHANGJIAKOU = "张家口市残疾人联合会本级"


@pytest.fixture
def demo(db):
    """The demo's tables as published: these tests check the layout of the published files
    (a draft's sheet has one line more above the title: tests/test_exports_draft.py)."""
    call_command("load_demo", verbosity=0)
    ProjectTable.objects.update(status=Status.PUBLISHED)
    DepartmentTable.objects.update(status=Status.PUBLISHED)


def _sheet(table):
    _, _, content = export_table(table, "xlsx")
    return openpyxl.load_workbook(BytesIO(content)).active


def _grid_tops(sheet, document) -> list[tuple[int, Grid]]:
    """Where each grid starts on the sheet: after the title and caption, joined grids adjacent."""
    tops, row, previous = [], 1, None
    for block in document.blocks:
        if isinstance(block, Grid):
            if isinstance(previous, Grid) and not block.joined:
                row += 1
            tops.append((row, block))
            row += len(block.rows)
        else:
            row += 1
        previous = block
    return tops


def _expected_value(cell):
    if cell.number is not None and cell.fmt != CellFormat.TEXT:
        return cell.number / 100 if cell.fmt == CellFormat.PERCENT else cell.number
    return cell.text or None


def test_every_cell_of_every_demo_table_round_trips(demo):
    tables = [*ProjectTable.objects.all(), *DepartmentTable.objects.all()]
    assert len(tables) == 31
    for table in tables:
        sheet = _sheet(table)
        document = document_for(table)
        assert sheet["A1"].value == document.blocks[0].text
        for top, grid in _grid_tops(sheet, document):
            for r, c, cell in grid.placed():
                target = sheet.cell(row=top + r, column=1 + c)
                expected = _expected_value(cell)
                if isinstance(expected, Decimal | int):
                    assert Decimal(str(target.value)) == Decimal(expected), (table, cell)
                else:
                    assert target.value == expected, (table, cell)


def test_merged_ranges_are_the_spans_of_the_description(demo):
    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=1)
    sheet, document = _sheet(table), document_for(table)

    expected = {"A1:G1", "A2:E2", "F2:G2"}  # title across, caption left and right
    for top, grid in _grid_tops(sheet, document):
        for r, c, cell in grid.placed():
            if cell.rowspan > 1 or cell.colspan > 1:
                expected.add(
                    CellRange(
                        min_row=top + r,
                        min_col=1 + c,
                        max_row=top + r + cell.rowspan - 1,
                        max_col=c + cell.colspan,
                    ).coord
                )
    assert {r.coord for r in sheet.merged_cells.ranges} == expected


def test_level1_cell_spans_its_group_of_indicators(demo):
    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=1)
    sheet = _sheet(table)
    rows = list(table.indicators.select_related("level1"))
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "一级指标")
    assert sheet.print_title_rows == f"${header}:${header}"

    first = 0
    for name in ("产出指标", "效益指标", "满意度指标"):
        count = sum(1 for row in rows if row.level1.name == name)
        top = header + 1 + first
        assert sheet.cell(top, 1).value == name
        assert f"A{top}:A{top + count - 1}" in {r.coord for r in sheet.merged_cells.ranges}
        first += count
    assert first == len(rows)


def test_numbers_are_numbers_with_the_page_format(demo):
    table = ProjectTable.objects.get(unit__name="秦皇岛市山海关区残疾人联合会本级", sequence=1)
    sheet = _sheet(table)

    assert sheet["B4"].value == "预算数"
    budget = sheet["C4"]
    assert budget.data_type == "n" and budget.value == 110000 == table.budget_total
    assert budget.number_format == "#,##0.00"
    march = sheet["B7"]
    assert march.value == pytest.approx(float(table.plan_march) / 100)
    assert march.number_format == "0.00%"
    assert sheet["F7"].value == 1 and sheet["F7"].number_format == "0.00%"


def test_integer_counts_are_whole_numbers(demo):
    table = DepartmentTable.objects.get(unit__name="廉江市残疾人联合会")
    sheet = _sheet(table)
    assert sheet["B3"].value == "财政供养人员数"  # no caption line in this layout
    assert sheet["C3"].value == table.staff_count and sheet["C3"].number_format == "0"


def _cell_borders(content: bytes) -> dict[str, list[str | None]]:
    """Each written cell's border styles (left, right, top, bottom), read from the file's XML.

    openpyxl itself cannot be used here: on loading, it rebuilds the cells inside a merged range
    with only the outer edges of the range's first cell.
    """
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(BytesIO(content)) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    sides = ("left", "right", "top", "bottom")
    borders = [
        [border.find(f"m:{side}", ns).get("style") for side in sides]
        for border in styles.find("m:borders", ns)
    ]
    xf_borders = [int(xf.get("borderId", 0)) for xf in styles.find("m:cellXfs", ns)]
    return {
        cell.get("r"): borders[xf_borders[int(cell.get("s", 0))]]
        for cell in sheet.iter(f"{{{ns['m']}}}c")
    }


def test_every_grid_cell_has_thin_borders_even_inside_merged_ranges(demo):
    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=3)
    _, _, content = export_table(table, "xlsx")
    sheet, document = openpyxl.load_workbook(BytesIO(content)).active, document_for(table)
    borders = _cell_borders(content)
    inside_merged = 0
    for top, grid in _grid_tops(sheet, document):
        for row in range(top, top + len(grid.rows)):
            for column in range(1, grid.column_count + 1):
                coordinate = f"{get_column_letter(column)}{row}"
                assert borders.get(coordinate) == ["thin"] * 4, coordinate
                inside_merged += isinstance(sheet[coordinate], MergedCell)
    assert inside_merged > 10
    assert borders["A1"] == [None] * 4  # the title is not part of the grid


def test_style_and_print_setup(demo):
    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=1)
    sheet = _sheet(table)

    assert sheet["A3"].value == "项目编码"
    assert sheet["A3"].font.name == "SimSun" and not sheet["A3"].font.b
    assert sheet["A3"].alignment.horizontal == "center"
    assert sheet["A3"].alignment.vertical == "center" and sheet["A3"].alignment.wrap_text
    assert sheet["C4"].alignment.horizontal == "right"
    assert sheet["A1"].font.b
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFG"]
    assert 99 <= sum(widths) <= 101
    assert widths[2] > widths[0]  # 三级指标 wider than 一级指标, as in Grid.widths
    setup = sheet.page_setup
    assert str(setup.paperSize) == sheet.PAPERSIZE_A4 and setup.orientation == "portrait"
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


FORMULA_LIKE = ["=1+1", "+86 027", "-5", "@SUM(A1)", '=HYPERLINK("http://x","y")']


def test_formula_like_text_stays_text(project, category):
    project.fund_use = FORMULA_LIKE[0]
    project.save()
    for order, text in enumerate(FORMULA_LIKE[1:], 10):
        row = ProjectIndicator(
            table=project,
            order=order,
            level1=category("产出指标"),
            level2=category("产出指标", "数量指标"),
            name=text,
            description=text,
            target=text,
            basis=text,
        )
        row.save()

    _, _, content = export_table(project, "xlsx")
    with zipfile.ZipFile(BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = openpyxl.load_workbook(BytesIO(content)).active
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value in FORMULA_LIKE:
                found.setdefault(cell.value, []).append(cell)
    assert set(found) == set(FORMULA_LIKE)
    for cells in found.values():
        for cell in cells:
            assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate


def test_control_characters_excel_refuses_are_dropped(project):
    project.fund_use = "保障\x07单位正常运转"
    project.save()
    sheet = _sheet(project)
    assert "保障单位正常运转" in [c.value for row in sheet.iter_rows() for c in row]


def test_unit_book_has_one_sheet_per_table_with_valid_titles(demo):
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    filename, mimetype, content = export_unit_book(unit, 2021, "xlsx")

    assert filename == f"{ZHANGJIAKOU}_2021_绩效目标.xlsx"
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(BytesIO(content))
    titles = workbook.sheetnames
    assert len(titles) == 14 and len(set(titles)) == 14
    assert titles[0] == "部门整体绩效目标" and titles[1] == "1.2021年中央残疾人事业发展补助资金"
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)
    assert workbook.properties.title == f"{ZHANGJIAKOU}2021年绩效目标"
    narrative = workbook["部门整体绩效目标"]
    assert narrative["A2"].value == "一、总体绩效目标"


def test_sheet_titles_are_shortened_cleaned_and_unique():
    taken: set[str] = set()
    first = sheet_title("a/b:c*d?[e]\\f", taken)
    assert first == "a_b_c_d__e__f"
    long = "很长的项目名称" * 6
    titles = []
    for _ in range(3):
        title = sheet_title(long, taken)
        taken.add(title.casefold())
        titles.append(title)
    assert titles[0] == long[:31]
    assert titles[1].endswith("(2)") and titles[2].endswith("(3)")
    assert all(len(t) == 31 for t in titles)
    assert sheet_title("'引号'", set()) == "引号"


def test_narrative_sheet_spreads_paragraphs_over_columns_that_fit_a4_portrait(demo):
    """The Hebei 部门整体 sheet (paragraphs only) prints inside A4 portrait: each heading and
    paragraph is one row, merged across eight normal columns, wrapped, tall enough for its
    lines; an importer finds it as the first non-empty cell of the row."""
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    document = document_for(DepartmentTable.objects.get(unit=unit))
    sheet = openpyxl.load_workbook(BytesIO(export_unit_book(unit, 2021, "xlsx").content))[
        "部门整体绩效目标"
    ]

    assert sheet.max_column == 8
    widths = [sheet.column_dimensions[get_column_letter(c)].width for c in range(1, 9)]
    # Excel's pixels for a column of w characters (7 px each, 5 px padding) against the
    # 170 mm between A4 portrait's 20 mm margins, at 96 dpi.
    assert sum(int(w * 7 + 5) for w in widths) <= 170 / 25.4 * 96
    assert sheet.page_setup.orientation == "portrait" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage

    expected = [
        f"\u3000\u3000{block.text}" if getattr(block, "indent", False) else block.text
        for block in document.blocks
    ]
    rows = [
        next((cell.value for cell in row if cell.value not in (None, "")), None)
        for row in sheet.iter_rows(max_col=8)
    ]
    assert rows == expected
    merged = {str(r) for r in sheet.merged_cells.ranges}
    for number, text in enumerate(expected, 1):
        assert f"A{number}:H{number}" in merged
        assert sheet.cell(number, 1).alignment.wrap_text
        # At least one 14-point line per 78 character widths (CJK counts double).
        width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
        assert sheet.row_dimensions[number].height >= min(409, (width // 79 + 1) * 14), text[:20]


def test_a_text_too_long_for_one_row_prints_smaller_instead_of_cut(project):
    """Excel rows are at most 409 pt: a longer text is written in a smaller font that fits."""
    project.fund_use = "保障单位正常运转，" * 200  # 1,800 characters across six columns
    project.save()
    sheet = _sheet(project)
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == project.fund_use)
    assert cell.font.name == "SimSun" and cell.font.sz < 10.5
    assert sheet.row_dimensions[cell.row].height <= 409
    # Other cells keep the body size.
    assert sheet["A3"].font.sz == 10.5
