"""Refusing unsafe or malformed uploads: each gets one clear Chinese message, nothing is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from budgetapp.imports.apply import import_workbook
from budgetapp.imports.models import ImportBatch
from budgetapp.imports.reader import UnreadableWorkbook, read_workbook
from budgetapp.imports.safety import OLE_MAGIC, UnsafeFile, check_upload
from budgetapp.imports.services import ImportRefused, read_upload
from budgetapp.targets.models import ProjectTable

from .conftest import login

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol4;</t></si></sst>"""


def _xlsx(text: str = "项目名称") -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(content: bytes, replace: dict[str, bytes], *, add: dict[str, bytes] | None = None):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info))
            dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _entity_bomb() -> bytes:
    """A workbook whose shared strings declare nested entities ("billion laughs")."""
    content = _xlsx()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml").replace(b"</Types>", SHARED_STRINGS_TYPE)
    return _rewrite(
        content, {"[Content_Types].xml": types}, add={"xl/sharedStrings.xml": BILLION_LAUGHS}
    )


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


MALFORMED = {
    "text renamed .xlsx": (b"a,b,c\n1,2,3\n", "book.xlsx", "文本文件"),
    "gbk csv renamed .xlsx": ("项目名称,预算数\n康复,3".encode("gbk"), "book.xlsx", "文本文件"),
    "html renamed .xlsx": (b"<html><table><tr><td>1</td></tr></table>", "x.xlsx", "网页"),
    "old .xls bytes": (OLE_MAGIC + b"\0" * 600, "book.xlsx", "旧版 Excel"),
    "encrypted workbook": (
        OLE_MAGIC + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le"),
        "book.xlsx",
        "已加密",
    ),
    "pdf renamed": (b"%PDF-1.7\n...", "book.xlsx", "PDF"),
    "empty file": (b"", "book.xlsx", "空的"),
    "word document": (_docx(), "book.xlsx", "Word 文档"),
    ".xls name": (OLE_MAGIC + b"\0" * 600, "book.xls", "旧版 Excel"),
    ".csv name": (b"a,b", "book.csv", "CSV"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_get_a_clear_message(case):
    data, name, expected = MALFORMED[case]
    with pytest.raises(UnsafeFile, match=expected):
        check_upload(data, name)


def test_truncated_zip_is_refused():
    content = _xlsx()
    with pytest.raises(UnsafeFile, match="损坏或不完整"):
        check_upload(content[: len(content) // 2], "book.xlsx")


def test_zip_with_a_corrupt_member_is_refused():
    content = bytearray(_xlsx())
    start = content.find(b"xl/worksheets/sheet1.xml") + 40
    content[start : start + 20] = b"\xff" * 20  # damage the compressed data of a member
    with pytest.raises(UnsafeFile):
        check_upload(bytes(content), "book.xlsx")


def test_macro_workbook_is_refused_by_name_and_by_content():
    with pytest.raises(UnsafeFile, match="宏"):
        check_upload(_xlsx(), "book.xlsm")
    with_macro = _rewrite(_xlsx(), {}, add={"xl/vbaProject.bin": b"\0" * 100})
    with pytest.raises(UnsafeFile, match="宏"):
        check_upload(with_macro, "book.xlsx")


def test_macro_enabled_content_type_is_refused():
    content = _xlsx()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"sheet.main+xml", b"sheet.macroEnabled.main+xml"
    )  # what Excel writes for .xlsm
    with pytest.raises(UnsafeFile, match="宏"):
        check_upload(_rewrite(content, {"[Content_Types].xml": types}), "book.xlsx")


def test_a_20_mb_file_is_refused_before_it_is_read():
    with pytest.raises(UnsafeFile, match="文件过大（20.0 MB）"):
        check_upload(b"PK" + b"\0" * (20 * 1024 * 1024 - 2), "book.xlsx")


def test_size_limit_is_a_setting(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(UnsafeFile, match="文件过大"):
        check_upload(_xlsx(), "book.xlsx")


def test_zip_bomb_is_refused():
    with pytest.raises(UnsafeFile, match="压缩炸弹"):
        check_upload(_zip_bomb(), "book.xlsx")


def test_total_uncompressed_size_is_capped(settings):
    settings.IMPORT_MAX_UNCOMPRESSED = 2000
    with pytest.raises(UnsafeFile, match="解压后过大"):
        check_upload(_xlsx("x" * 5000), "book.xlsx")


def test_entity_expansion_is_refused_not_expanded():
    with pytest.raises(UnsafeFile, match="XML 实体"):
        check_upload(_entity_bomb(), "book.xlsx")


def test_openpyxl_itself_refuses_entities_through_defusedxml():
    """The second line of defence: even past the byte scan, the parser will not expand."""
    with pytest.raises(UnreadableWorkbook, match="XML 实体"):
        read_workbook(_entity_bomb())


def test_valid_zip_with_broken_xml_gives_a_message_not_a_crash():
    broken = _rewrite(_xlsx(), {"xl/workbook.xml": b"<workbook><sheets><sheet"})
    with pytest.raises(ImportRefused, match="无法读取此工作簿"):
        read_upload(broken, "book.xlsx")


def test_workbook_without_a_recognisable_table_is_an_error(project, users):
    parsed = read_upload(_xlsx("hello"), "book.xlsx")
    result = import_workbook(
        user=users["owner"], unit=project.unit, year=2021, parsed=parsed, dry_run=False
    )
    assert result.has_errors and not result.applied
    assert any("没有可识别的绩效目标表" in str(p) for p in result.all_problems)


UPLOADS = {
    "20 MB": (b"PK" + b"\0" * (20 * 1024 * 1024), "big.xlsx", "文件过大"),
    "zip bomb": (_zip_bomb(), "bomb.xlsx", "压缩炸弹"),
    "entity bomb": (_entity_bomb(), "laughs.xlsx", "XML 实体"),
    "xlsm": (_rewrite(_xlsx(), {}, add={"xl/vbaProject.bin": b"\0"}), "m.xlsm", "宏"),
    "text renamed": (b"just some text", "t.xlsx", "文本文件"),
}


@pytest.mark.parametrize("case", sorted(UPLOADS))
def test_unsafe_upload_shows_the_message_and_changes_nothing(client, project, users, case):
    data, name, expected = UPLOADS[case]
    login(client, users["owner"])
    tables = list(ProjectTable.objects.values_list("pk", "version"))
    response = client.post(
        reverse("imports:upload"), {"year": 2021, "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert list(ProjectTable.objects.values_list("pk", "version")) == tables


def test_an_oversized_body_is_refused_unread_and_other_posts_still_need_csrf(project, users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, users["owner"])
    big = SimpleUploadedFile("big.xlsx", b"PK" + b"\0" * (20 * 1024 * 1024))
    response = client.post(reverse("imports:upload"), {"year": 2021, "file": big})
    assert response.status_code == 400
    assert "文件过大（20.0 MB）" in response.content.decode()
    small = SimpleUploadedFile("s.xlsx", b"PK\0\0")
    assert client.post(reverse("imports:upload"), {"year": 2021, "file": small}).status_code == 403
    assert not ImportBatch.objects.exists()


# --- Hostile files: refused by the pre-scan, fast and small ------------------------------------
# The three files of issue 13 §4. Each is built here, uploaded through the real view, and timed
# and measured in this (the web) process: wall time, tracemalloc peak and growth of ru_maxrss.


def _sheet_with(rows_xml: bytes = b"", after_data: bytes = b"") -> bytes:
    """A workbook whose first sheet holds `rows_xml` (inline strings) and `after_data`."""
    content = _xlsx("x")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    head, _, rest = sheet.partition(b"<sheetData>")
    _, _, tail = rest.partition(b"</sheetData>")
    sheet = head + b"<sheetData>" + rows_xml + b"</sheetData>" + after_data + tail
    return _rewrite(content, {"xl/worksheets/sheet1.xml": sheet})


def _inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
        if v
    )
    return f'<row r="{number}">{cells}</row>'


def merged_everything() -> bytes:
    """A few KB: one merged range over the whole sheet (A1:XFD1048576)."""
    return _sheet_with(after_data=b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')  # fmt: skip


def million_rows() -> bytes:
    """1,000,000 rows of one number each (about 7.5 MB)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 1_000_001))
    return _sheet_with(rows.encode())


def project_table_rows(count: int) -> bytes:
    """A project table in the official layout with `count` indicator rows."""
    head = [
        ["项目名称", "残疾人康复经费", "", "单位：元"],
        ["预算规模及资金用途", "预算数", "1000"],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
    ]
    body = [
        ["产出指标", "数量指标", f"指标{i}", f"第 {i} 项服务的人数" * 3, "≥100人", "工作计划"]
        for i in range(count)
    ]
    rows = "".join(_inline_row(n, values) for n, values in enumerate(head + body, 1))
    return _sheet_with(rows.encode())


HOSTILE = {
    "merged A1:XFD1048576": (merged_everything, "合并单元格"),
    "1,000,000 rows": (million_rows, "超过 5000 行"),
    "20,000 indicator rows": (lambda: project_table_rows(20_000), "超过 5000 行"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_in_under_2_s_with_little_memory(
    client, project, users, case, record_property
):
    import resource
    import time
    import tracemalloc

    build, expected = HOSTILE[case]
    data = build()
    login(client, users["owner"])
    tables = list(ProjectTable.objects.values_list("pk", "version"))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    response = client.post(
        reverse("imports:upload"), {"year": 2021, "file": SimpleUploadedFile("t.xlsx", data)}
    )
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before  # KB
    report = (
        f"{case}: {len(data) / 1024:.1f} KB file refused in {seconds:.2f} s, "
        f"tracemalloc peak {peak / 1024 / 1024:.1f} MB, ru_maxrss growth {rss_growth / 1024:.1f} MB"
    )
    print(report)
    record_property("measure", report)

    html = response.content.decode()
    assert response.status_code == 400
    assert expected in html and html.count("已拒绝") == 1, report
    assert seconds < 2.0, report
    assert peak < 100 * 1024 * 1024, report
    assert rss_growth < 100 * 1024, report
    assert not ImportBatch.objects.exists()
    assert list(ProjectTable.objects.values_list("pk", "version")) == tables


def test_hostile_files_are_what_the_issue_describes():
    assert len(merged_everything()) < 8 * 1024  # openpyxl adds its styles and theme
    assert 6 * 1024 * 1024 < len(million_rows()) < 9 * 1024 * 1024


@pytest.mark.parametrize(
    ("setting", "value", "content", "expected"),
    [
        ("IMPORT_MAX_SHEET_CELLS", 50, lambda: project_table_rows(20), "单元格超过 50 个"),
        (
            "IMPORT_MAX_MERGED_CELLS",
            10,
            lambda: _sheet_with(after_data=b'<mergeCells><mergeCell ref="A1:D4"/></mergeCells>'),
            "合并单元格的面积",
        ),  # fmt: skip
        (
            "IMPORT_MAX_ROW_INDEX",
            100,
            lambda: _sheet_with(b'<row r="101"><c r="A101"><v>1</v></c></row>'),
            "行号 101",
        ),  # fmt: skip
    ],
)
def test_each_prescan_limit_is_a_setting(settings, setting, value, content, expected):
    setattr(settings, setting, value)
    with pytest.raises(UnsafeFile, match=expected):
        check_upload(content(), "book.xlsx")


def test_a_declared_dimension_past_the_limits_is_refused():
    content = _xlsx("x")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:A1"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert b"XFD1048576" in sheet
    with pytest.raises(UnsafeFile, match="声明的表格范围"):
        check_upload(_rewrite(content, {"xl/worksheets/sheet1.xml": sheet}), "book.xlsx")


def test_too_many_shared_strings_are_refused(settings):
    settings.IMPORT_MAX_SHARED_STRINGS = 3
    content = _xlsx()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml").replace(b"</Types>", SHARED_STRINGS_TYPE)
    strings = "".join(f"<si><t>文字{i}</t></si>" for i in range(5))
    shared = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    )
    content = _rewrite(
        content, {"[Content_Types].xml": types}, add={"xl/sharedStrings.xml": shared.encode()}
    )
    with pytest.raises(UnsafeFile, match="共享字符串超过 3 个"):
        check_upload(content, "book.xlsx")


def test_the_largest_real_book_passes_the_prescan_with_a_wide_margin(db):
    """张家口 2021 (13 project tables, the largest seed book) reads, and the default limits
    are at least ten times what it has."""
    from budgetapp.demo.loader import load_demo
    from budgetapp.exports.registry import export_unit_book
    from budgetapp.imports.prescan import ScanLimits, scan_sheet
    from budgetapp.units.models import Unit

    load_demo()
    content = export_unit_book(Unit.objects.get(name="张家口市残疾人联合会本级"), 2021, "xlsx")
    limits = ScanLimits.from_settings()
    with zipfile.ZipFile(io.BytesIO(content.content)) as archive:
        counts = [
            scan_sheet(archive.open(n), limits, cells_left=limits.workbook_cells)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/")
        ]
    assert max(c.rows for c in counts) * 10 < limits.sheet_rows
    assert sum(c.cells for c in counts) * 10 < limits.workbook_cells
    assert max(c.merged_cells for c in counts) * 10 < limits.merged_cells
    parsed = read_upload(content.content, "book.xlsx")
    assert len(parsed.tables) == 14


# --- The child process: memory and time limits ----------------------------------------------


def test_a_reader_that_runs_out_of_memory_is_stopped_in_the_child(settings, monkeypatch):
    from budgetapp.imports import isolation

    def greedy(data):
        hoard = []
        while True:
            hoard.append(bytearray(50 * 1024 * 1024))

    monkeypatch.setattr(isolation, "read_workbook", greedy)
    settings.IMPORT_PARSE_MEMORY_MB = 200
    with pytest.raises(ImportRefused, match="内存过多"):
        read_upload(_xlsx(), "book.xlsx")


def test_a_reader_that_takes_too_long_is_stopped(settings, monkeypatch):
    import time

    from budgetapp.imports import isolation

    monkeypatch.setattr(isolation, "read_workbook", lambda data: time.sleep(30))
    settings.IMPORT_PARSE_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(ImportRefused, match="用时过长"):
        read_upload(_xlsx(), "book.xlsx")
    assert time.monotonic() - started < 3


def test_a_child_that_dies_gives_a_message(monkeypatch):
    import os

    from budgetapp.imports import isolation

    monkeypatch.setattr(isolation, "read_workbook", lambda data: os._exit(9))
    with pytest.raises(ImportRefused, match="已停止"):
        read_upload(_xlsx(), "book.xlsx")


def test_the_stored_reading_of_an_upload_is_bounded(settings, client, project, users):
    settings.IMPORT_MAX_PARSED_BYTES = 20_000
    login(client, users["owner"])
    response = client.post(
        reverse("imports:upload"),
        {"year": 2021, "file": SimpleUploadedFile("t.xlsx", project_table_rows(200))},
    )
    assert response.status_code == 400
    assert "读出的内容过多" in response.content.decode()
    assert not ImportBatch.objects.exists()
