"""PDF exports, the download view and the export_tables command: open what was produced."""

from __future__ import annotations

import logging
import re
import subprocess
from io import BytesIO, StringIO

import openpyxl
import pikepdf
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from budgetapp.exports import apps as exports_apps
from budgetapp.exports.book import DEPARTMENT_PART, PROJECT_PART, Book, table_book
from budgetapp.exports.pdf import book_html
from budgetapp.exports.registry import EXPORTERS, export_table, export_unit_book
from budgetapp.layouts.html import render_html
from budgetapp.layouts.project import project_document
from budgetapp.targets.models import DepartmentTable, ProjectIndicator, ProjectTable
from budgetapp.units.models import Unit

from .conftest import login

ZHANGJIAKOU = "张家口市残疾人联合会本级"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _run(*command: str, pdf: bytes) -> str:
    result = subprocess.run([*command, "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return result.stdout.decode()


def pdftotext(pdf: bytes, *options: str) -> str:
    return _run("pdftotext", *options, "-", pdf=pdf)


def pdfinfo(pdf: bytes, *options: str) -> str:
    return _run("pdfinfo", *options, pdf=pdf)


def pdffonts(pdf: bytes) -> str:
    return _run("pdffonts", pdf=pdf)


def print_font_name() -> str:
    """The serif body font as pdffonts names it: the built print font, else Noto's."""
    from budgetapp.exports import pdf_render

    return "BudgetApp-Serif-SC" if pdf_render.print_font_files() else "Noto-Serif-CJK-SC"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _zhangjiakou_table(number: int) -> ProjectTable:
    return ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=number)


def test_project_pdf_shows_title_caption_money_and_every_indicator_in_order(demo):
    table = _zhangjiakou_table(1)
    filename, mimetype, pdf = export_table(table, "pdf")

    assert pdf.startswith(b"%PDF")
    assert mimetype == "application/pdf"
    assert (
        filename == f"{ZHANGJIAKOU}_2021_1.2021年中央残疾人事业发展补助资金绩效目标表（草稿）.pdf"
    )
    layout = pdftotext(pdf, "-layout")
    assert "1.2021年中央残疾人事业发展补助资金绩效目标表" in layout
    assert re.search(r"762001张家口市残疾人联合会本级\s+单位：万元", layout)
    assert "82.16" in layout and "25.00%" in layout and "100.00%" in layout
    # Cell text wraps inside narrow columns, which -layout prints on separate lines; the raw
    # text is in drawing order, so a wrapped cell reads as one run once line breaks go.
    raw = _squeeze(pdftotext(pdf, "-raw"))
    position = raw.index("一级指标")
    for row in table.indicators.all():
        for value in (row.name, row.description, row.target, row.basis):
            found = raw.find(_squeeze(value), position)
            assert found >= 0, value
            position = found


def test_pdf_is_a4_tagged_with_title_and_an_embedded_cjk_font(demo):
    _, _, pdf = export_table(_zhangjiakou_table(1), "pdf")

    info = pdfinfo(pdf)
    assert re.search(r"Title:\s+1\.2021年中央残疾人事业发展补助资金绩效目标表", info)
    assert re.search(r"Author:\s+张家口市残疾人联合会本级", info)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)
    assert 'pdfuaid:part="1"' in pdfinfo(pdf, "-meta")
    # Real table headers reach the tagged PDF.
    assert "THead" in pdfinfo(pdf, "-struct")
    # name, type, encoding, emb, sub, uni, object number, generation
    fonts = [line.split() for line in pdffonts(pdf).splitlines()[2:]]
    assert any(print_font_name() in font[0] for font in fonts), fonts
    assert all(font[-5] == "yes" and font[-4] == "yes" for font in fonts), fonts


def _catalog_facts(pdf: bytes) -> dict:
    """What a reader or a screen reader takes from the PDF's catalog, Info and XMP, by pikepdf."""
    with pikepdf.open(BytesIO(pdf)) as parsed:
        metadata = parsed.open_metadata()
        mark_info = parsed.Root.get("/MarkInfo", {})
        return {
            "lang": str(parsed.Root.get("/Lang", "")),
            "marked": bool(mark_info.get("/Marked", False)),
            "info_title": str(parsed.docinfo.get("/Title", "")),
            "xmp_title": metadata.get("dc:title", ""),
            "pdfua_part": metadata.get("pdfuaid:part", ""),
            "display_title": bool(
                parsed.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)
            ),
            "struct_tree": "/StructTreeRoot" in parsed.Root,
        }


@pytest.mark.parametrize("what", ["table", "book"])
def test_pdf_catalog_has_language_marking_title_and_pdfua_identifier(demo, what):
    """PDF/UA-1: /Lang zh-CN in the catalog, /MarkInfo /Marked true, a structure tree, the title
    in /Info and XMP (shown as the window title) and the pdfuaid:part 1 identifier in XMP."""
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    if what == "table":
        _, _, pdf = export_table(_zhangjiakou_table(1), "pdf")
        title = "1.2021年中央残疾人事业发展补助资金绩效目标表"
    else:
        _, _, pdf = export_unit_book(unit, 2021, "pdf")
        title = f"{ZHANGJIAKOU}2021年绩效目标"
    assert _catalog_facts(pdf) == {
        "lang": "zh-CN",
        "marked": True,
        "info_title": title,
        "xmp_title": title,
        "pdfua_part": "1",
        "display_title": True,
        "struct_tree": True,
    }


def test_every_project_code_prints_on_one_line(demo):
    """The 21-character codes (13070021F97VGKGDY9NNO) fit their cell without wrapping."""
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    text = pdftotext(export_unit_book(unit, 2021, "pdf").content, "-layout")
    codes = list(
        ProjectTable.objects.filter(unit=unit, year__year=2021).values_list("code", flat=True)
    )
    assert len(codes) == 13 and "13070021F97VGKGDY9NNO" in codes
    for code in codes:
        assert re.search(rf"项目编码\s+{code}\s", text), code


def test_project_layout_is_two_joined_tables_the_second_with_a_real_header(project):
    document = project_document(project)
    top, indicators = document.grids()
    assert top.widths == indicators.widths and indicators.joined and indicators.header_rows == 1

    html = render_html(document)
    classes = re.findall(r'<table class="([^"]+)">', html)
    assert classes == ["official-grid official-grid-open", "official-grid official-grid-joined"]
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)[1]
    assert (
        head.count('scope="col"') == head.count("<th ") == 6
        and "一级指标" in head
        and "指标值确定依据" in head
    )
    assert html.index("</thead>") < html.index('data-anchor="indicator:')


def test_html_for_print_is_simplified_chinese():
    html = book_html(Book(title="标题", author="单位", filename="f"))
    assert '<html lang="zh-CN">' in html and "<title>标题</title>" in html


def test_indicator_header_repeats_on_every_page_with_page_numbers(project, category):
    ProjectIndicator.objects.bulk_create(
        [_indicator(project, category, order=10 + i, name=f"第{i}项服务人数") for i in range(70)]
    )
    _, _, pdf = export_table(project, "pdf")

    pages = int(re.search(r"Pages:\s+(\d+)", pdfinfo(pdf))[1])
    assert pages >= 3
    for page in range(1, pages + 1):
        text = _squeeze(pdftotext(pdf, "-f", str(page), "-l", str(page), "-layout"))
        assert "一级指标" in text and "三级指标" in text and "绩效指标描述" in text, page
        assert f"第{page}页共{pages}页" in text
    everything = _squeeze(pdftotext(pdf, "-raw"))
    assert everything.count("第69项服务人数") == 2  # name and description, once each


def _indicator(table, category, *, order: int, name: str) -> ProjectIndicator:
    row = ProjectIndicator(
        table=table,
        order=order,
        level1=category("产出指标"),
        level2=category("产出指标", "数量指标"),
        name=name,
        description=name,
        target="≥10人",
        basis="工作计划",
    )
    row.refresh_parsed_target()
    return row


def test_unit_book_has_the_parts_and_numbered_tables_as_bookmarks(demo):
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    filename, _, pdf = export_unit_book(unit, 2021, "pdf")

    assert filename == f"{ZHANGJIAKOU}_2021_绩效目标（草稿）.pdf"
    outline = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-", "/dev/null"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    items = re.findall(r'<item page="\d+">([^<]*)</item>', outline)
    titles = [t.title for t in ProjectTable.objects.filter(unit=unit).order_by("sequence")]
    assert len(titles) == 13
    assert items == [DEPARTMENT_PART, f"{ZHANGJIAKOU}2021年部门整体绩效目标", PROJECT_PART, *titles]
    text = _squeeze(pdftotext(pdf, "-layout"))
    assert text.index(_squeeze(DEPARTMENT_PART)) < text.index(_squeeze(PROJECT_PART))
    assert text.index("1.2021年中央残疾人事业发展补助资金绩效目标表") < text.index(
        "13.见习大学生生活补助及利息收入绩效目标表"
    )


def test_department_layouts_of_every_region_print(demo):
    for name, expected in (
        ("武汉市蔡甸区残疾人联合会", "1,655.84"),
        ("廉江市残疾人联合会", "1,273.72"),
        ("秦皇岛市山海关区残疾人联合会本级", "一、总体绩效目标"),
    ):
        table = DepartmentTable.objects.get(unit__name=name)
        _, _, pdf = export_table(table, "pdf")
        assert expected in pdftotext(pdf, "-layout"), name


def test_book_of_a_single_table_has_no_part_heading(project):
    book = table_book(project)
    assert book.is_single_table and book.parts[0].heading == ""
    assert book.filename == "山海关区残联本级_2021_1.残疾人就业服务中心运转经费绩效目标表（草稿）"


def test_unsafe_characters_do_not_reach_the_filename(project):
    project.name = 'a/b\\c:"d"*?<e>|'
    project.save()
    assert export_table(project, "xlsx").filename == (
        "山海关区残联本级_2021_1.a_b_c_d_e_绩效目标表（草稿）.xlsx"
    )


def test_exporters_are_a_plain_mapping():
    assert sorted(EXPORTERS) == ["pdf", "xlsx"]


# Download view ---------------------------------------------------------------------------


def _url(table, fmt="pdf", kind="project"):
    return reverse("exports:table", args=[kind, table.pk, fmt])


def test_owner_downloads_pdf_with_an_rfc6266_filename(client, users, project):
    response = login(client, users["owner"]).get(_url(project))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition.lower()
    assert "%E5%B1%B1%E6%B5%B7%E5%85%B3" in disposition  # 山海关, percent-encoded UTF-8
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_owner_downloads_excel(client, users, project):
    response = login(client, users["owner"]).get(_url(project, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith(".xlsx")
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert workbook.active["A1"].value == "草稿（未公开）"
    assert workbook.active["A2"].value == "1.残疾人就业服务中心运转经费绩效目标表"


def test_reviewer_of_the_city_downloads(client, users, project):
    assert login(client, users["reviewer"]).get(_url(project, "xlsx")).status_code == 200


@pytest.mark.parametrize("who", ["colleague", "other_reviewer"])
def test_outsiders_get_404(client, users, project, who):
    assert login(client, users[who]).get(_url(project)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, project):
    response = client.get(_url(project))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_format_or_kind_is_404(client, users, project):
    login(client, users["owner"])
    assert client.get(_url(project, "docx")).status_code == 404
    assert client.get(_url(project, kind="other")).status_code == 404


def test_download_is_get_only_and_changes_nothing(client, users, project):
    before = ProjectTable.objects.values("version", "updated_at", "status").get(pk=project.pk)
    login(client, users["owner"])
    assert client.post(_url(project)).status_code == 405
    assert client.get(_url(project)).status_code == 200
    assert ProjectTable.objects.values("version", "updated_at", "status").get(pk=project.pk) == (
        before
    )


def test_table_page_offers_both_downloads(client, users, project):
    response = login(client, users["owner"]).get(
        reverse("review:table", args=["project", project.pk])
    )
    assert _url(project, "pdf") in response.content.decode()
    assert _url(project, "xlsx") in response.content.decode()


# export_tables command ---------------------------------------------------------------------


def test_ambiguous_unit_code_is_refused_with_the_candidates(demo, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_tables", unit="762001", year=2021, fmt="pdf", out=tmp_path / "x.pdf")
    message = str(error.value)
    assert "762001" in message and "多个单位" in message
    assert ZHANGJIAKOU in message and "秦皇岛市山海关区残疾人联合会本级" in message
    assert not (tmp_path / "x.pdf").exists()


def test_command_exports_a_units_book_by_name(demo, tmp_path):
    pdf_path, xlsx_path = tmp_path / "book.pdf", tmp_path / "book.xlsx"
    for fmt, path in (("pdf", pdf_path), ("xlsx", xlsx_path)):
        args = ["--unit", ZHANGJIAKOU, "--year", "2021", "--format", fmt, "--out", str(path)]
        call_command("export_tables", *args, stdout=StringIO())

    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert int(re.search(r"Pages:\s+(\d+)", pdfinfo(pdf))[1]) >= 14
    workbook = openpyxl.load_workbook(xlsx_path)
    assert len(workbook.sheetnames) == 14
    assert workbook.sheetnames[0] == "部门整体绩效目标"


def test_command_exports_one_project_by_code(demo, tmp_path):
    unit = "秦皇岛市山海关区残疾人联合会本级"
    table = ProjectTable.objects.get(unit__name=unit, sequence=1)
    out = tmp_path / "one.xlsx"
    options = {"unit": unit, "year": 2021, "fmt": "xlsx", "out": out, "project": table.code}
    call_command("export_tables", stdout=StringIO(), **options)

    sheet = openpyxl.load_workbook(out).active
    assert sheet["A1"].value == "草稿（未公开）"  # the demo's tables are not published
    assert sheet["A2"].value == "1.残疾人就业服务中心运转经费绩效目标表"
    assert sheet["C5"].value == 110000 and sheet["C5"].number_format == "#,##0.00"


def test_command_looks_for_the_project_in_that_unit_only(demo, tmp_path):
    options = {
        "unit": "秦皇岛市山海关区残疾人联合会本级",
        "year": 2021,
        "fmt": "pdf",
        "out": tmp_path / "x.pdf",
        "project": _zhangjiakou_table(1).code,
    }
    with pytest.raises(CommandError, match="没有项目"):
        call_command("export_tables", **options)


@pytest.mark.parametrize(
    ("unit", "year", "message"),
    [("不存在的单位", 2021, "找不到单位"), (ZHANGJIAKOU, 1999, "没有绩效目标表")],
)
def test_command_reports_missing_units_and_years(demo, tmp_path, unit, year, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_tables", unit=unit, year=year, fmt="pdf", out=tmp_path / "x.pdf")


# Start-up check ----------------------------------------------------------------------------


def test_start_up_warns_when_harfbuzz_subset_is_missing(monkeypatch, caplog):
    def missing(name):
        raise OSError(name)

    monkeypatch.setattr(exports_apps.ctypes, "CDLL", missing)
    monkeypatch.setattr(exports_apps.ctypes.util, "find_library", lambda name: None)
    assert exports_apps.harfbuzz_subset_available() is False
    with caplog.at_level(logging.WARNING, logger="budgetapp.exports.apps"):
        apps.get_app_config("exports").ready()
    assert "libharfbuzz-subset" in caplog.text


def test_start_up_is_quiet_when_harfbuzz_subset_loads(monkeypatch, caplog):
    from budgetapp.exports import print_fonts

    monkeypatch.setattr(exports_apps.ctypes, "CDLL", lambda name: object())
    monkeypatch.setattr(print_fonts, "installed", lambda font_dir: [object()])
    with caplog.at_level(logging.WARNING, logger="budgetapp.exports.apps"):
        apps.get_app_config("exports").ready()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
