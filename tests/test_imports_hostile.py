"""Hostile workbooks (issue 13 §4): refused fast and small by the pre-scan, and stopped within
its limits by the child process when they reach it.

Memory is measured where it is spent: the web process (this test process) by its resident
high-water mark, reset before each upload (`tests/measure.py`; it counts what lxml and zlib
allocate in C, which tracemalloc does not see), the child that reads a workbook by
`os.wait4` (`isolation.ChildUsage`). Both figures are printed and recorded as properties.
Other requests being answered while a child reads: tests/test_import_live_server.py.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgetapp.imports import isolation
from budgetapp.imports.models import ImportBatch
from budgetapp.imports.reader import read_workbook
from budgetapp.imports.safety import UnsafeFile, check_upload
from budgetapp.imports.services import ImportRefused, read_upload
from budgetapp.targets.models import ProjectTable

from .conftest import login
from .hostile_files import (
    inline_row,
    merged_everything,
    million_rows,
    moved_sheet,
    project_table_rows,
    rewrite,
    sheet_with,
    styles_bomb,
    xlsx,
)
from .measure import MB, PeakMemory

SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)

# --- Refused by the pre-scan, fast and small ----------------------------------------------------
# The three files of issue 13 §4, and two that used to slip past the pre-scan. Each is uploaded
# through the real view, timed (wall and CPU), and measured in this (the web) process.

HOSTILE = {
    "merged A1:XFD1048576": (merged_everything, "合并单元格"),
    "1,000,000 rows": (million_rows, "超过 5000 行"),
    "20,000 indicator rows": (lambda: project_table_rows(20_000), "超过 5000 行"),
    # Stored outside xl/worksheets/: openpyxl follows the relationship all the same.
    "1,000,000 rows in xl/data/rows.xml": (lambda: moved_sheet(million_rows()), "超过 5000 行"),
    "600,000 cell formats": (styles_bomb, "样式超过"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_in_under_2_s_with_little_memory(
    client, project, users, case, record_property
):
    build, expected = HOSTILE[case]
    data = build()
    login(client, users["owner"])
    tables = list(ProjectTable.objects.values_list("pk", "version"))
    upload = SimpleUploadedFile("t.xlsx", data)
    with PeakMemory() as memory:
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.post(reverse("imports:upload"), {"year": 2021, "file": upload})
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    report = (
        f"{case}: {len(data) / 1024:.1f} KB file refused in {seconds:.2f} s ({cpu:.2f} s of CPU);"
        f" web process peak {memory.growth / MB:.1f} MB above its start (VmHWM)"
    )
    print(report)
    record_property("measure", report)

    html = response.content.decode()
    assert response.status_code == 400
    assert expected in html and html.count("已拒绝") == 1, report
    # The work is the CPU time: on a shared machine the wall time also counts the neighbours'
    # (it is checked loosely, and printed).
    assert cpu < 2.0 and seconds < 6.0, report
    assert memory.growth < 100 * MB, report
    assert not ImportBatch.objects.exists()
    assert list(ProjectTable.objects.values_list("pk", "version")) == tables


def test_hostile_files_are_what_the_issue_describes():
    assert len(merged_everything()) < 8 * 1024  # openpyxl adds its styles and theme
    assert 6 * 1024 * 1024 < len(million_rows()) < 9 * 1024 * 1024
    assert len(styles_bomb()) < 2 * 1024 * 1024


def test_a_moved_sheet_is_still_read_so_the_prescan_must_see_it():
    """The control for the moved million-row file: openpyxl reads a sheet stored under
    another name, so a pre-scan of xl/worksheets/ only would let it through to openpyxl."""
    rows = "".join(inline_row(n, ["项目名称", "康复"]) for n in range(1, 4)).encode()
    moved = moved_sheet(sheet_with(rows))
    with zipfile.ZipFile(io.BytesIO(moved)) as archive:
        assert "xl/data/rows.xml" in archive.namelist()
        assert not any(n.startswith("xl/worksheets/") for n in archive.namelist())
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(moved)).active["B3"].value == "康复"


@pytest.mark.parametrize(
    ("setting", "value", "content", "expected"),
    [
        ("IMPORT_MAX_SHEET_CELLS", 50, lambda: project_table_rows(20), "单元格超过 50 个"),
        (
            "IMPORT_MAX_MERGED_CELLS",
            10,
            lambda: sheet_with(after_data=b'<mergeCells><mergeCell ref="A1:D4"/></mergeCells>'),
            "合并单元格的面积",
        ),  # fmt: skip
        (
            "IMPORT_MAX_ROW_INDEX",
            100,
            lambda: sheet_with(b'<row r="101"><c r="A101"><v>1</v></c></row>'),
            "行号 101",
        ),  # fmt: skip
        ("IMPORT_MAX_STYLES", 100, lambda: styles_bomb(101), "样式超过 100 个"),
        ("IMPORT_MAX_SHEETS", 2, lambda: xlsx(sheets=3), "工作表超过 2 个"),
    ],
)
def test_each_prescan_limit_is_a_setting(settings, setting, value, content, expected):
    setattr(settings, setting, value)
    with pytest.raises(UnsafeFile, match=expected):
        check_upload(content(), "book.xlsx")


def test_a_declared_dimension_past_the_limits_is_refused():
    content = xlsx("x")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:A1"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert b"XFD1048576" in sheet
    with pytest.raises(UnsafeFile, match="声明的表格范围"):
        check_upload(rewrite(content, {"xl/worksheets/sheet1.xml": sheet}), "book.xlsx")


def test_too_many_shared_strings_are_refused(settings):
    settings.IMPORT_MAX_SHARED_STRINGS = 3
    content = xlsx()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml").replace(b"</Types>", SHARED_STRINGS_TYPE)
    strings = "".join(f"<si><t>文字{i}</t></si>" for i in range(5))
    shared = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    )
    content = rewrite(
        content, {"[Content_Types].xml": types}, add={"xl/sharedStrings.xml": shared.encode()}
    )
    with pytest.raises(UnsafeFile, match="共享字符串超过 3 个"):
        check_upload(content, "book.xlsx")


def test_images_and_other_binary_parts_are_not_scanned_as_xml():
    with_image = rewrite(xlsx(), {}, add={"xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64})
    check_upload(with_image, "book.xlsx")


def test_the_largest_real_book_passes_the_prescan_with_a_wide_margin(db):
    """张家口 2021 (13 project tables, the largest seed book) reads, and the default limits
    are at least ten times what it has."""
    from budgetapp.demo.loader import load_demo
    from budgetapp.exports.registry import export_unit_book
    from budgetapp.imports.prescan import ScanLimits, scan_part
    from budgetapp.units.models import Unit

    load_demo()
    content = export_unit_book(Unit.objects.get(name="张家口市残疾人联合会本级"), 2021, "xlsx")
    limits = ScanLimits.from_settings()
    with zipfile.ZipFile(io.BytesIO(content.content)) as archive:
        counts = [
            scan_part(archive.open(n), limits, cells_left=limits.workbook_cells)
            for n in archive.namelist()
            if n.endswith(".xml")
        ]
    assert max(c.rows for c in counts) * 10 < limits.sheet_rows
    assert sum(c.cells for c in counts) * 10 < limits.workbook_cells
    assert max(c.merged_cells for c in counts) * 10 < limits.merged_cells
    assert sum(c.styles for c in counts) * 10 < limits.styles
    assert sum(c.sheets for c in counts) * 5 < limits.sheets
    parsed = read_upload(content.content, "book.xlsx")
    assert len(parsed.tables) == 14


# --- The child process: memory and time limits ----------------------------------------------


def test_a_reader_that_runs_out_of_memory_is_stopped_in_the_child(settings, monkeypatch):
    def greedy(data):
        hoard = []
        while True:
            hoard.append(bytearray(50 * 1024 * 1024))

    monkeypatch.setattr(isolation, "read_workbook", greedy)
    settings.IMPORT_PARSE_MEMORY_MB = 200
    with pytest.raises(ImportRefused, match="内存过多"):
        read_upload(xlsx(), "book.xlsx")


def test_a_reader_that_takes_too_long_is_stopped(settings, monkeypatch):
    monkeypatch.setattr(isolation, "read_workbook", lambda data: time.sleep(30))
    settings.IMPORT_PARSE_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(ImportRefused, match="用时过长"):
        read_upload(xlsx(), "book.xlsx")
    assert time.monotonic() - started < 3


def test_a_child_that_dies_gives_a_message(monkeypatch):
    import os

    monkeypatch.setattr(isolation, "read_workbook", lambda data: os._exit(9))
    with pytest.raises(ImportRefused, match="已停止"):
        read_upload(xlsx(), "book.xlsx")


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


def test_the_childs_peak_memory_is_measured(monkeypatch):
    """The control for the figures below: a reader that holds 120 MB is seen holding it."""

    def holds_120_mb(data):
        hoard = bytearray(120 * MB)
        hoard[::4096] = b"\1" * len(hoard[::4096])  # touch every page: resident, not just mapped
        return read_workbook(xlsx())

    monkeypatch.setattr(isolation, "read_workbook", holds_120_mb)
    reading = isolation.read_workbook_measured(xlsx(), memory_mb=512)
    assert reading.workbook is not None and reading.usage.outcome == "ok"
    assert 120 * MB <= reading.usage.peak_growth < 200 * MB, reading.usage.describe()


# The hostile files handed straight to the child, as if the pre-scan had missed them: the child
# is stopped at its limits with one message, its peak stays under the configured memory limit,
# and the web process only waits. Lower limits than the defaults keep the test short.
STRAIGHT_TO_THE_CHILD = {
    "merged A1:XFD1048576": merged_everything,
    "1,000,000 rows": million_rows,
    "20,000 indicator rows": lambda: project_table_rows(20_000),
    "600,000 cell formats": styles_bomb,
}
CHILD_MEMORY_MB = 256
CHILD_TIMEOUT = 4


@pytest.mark.parametrize("case", list(STRAIGHT_TO_THE_CHILD))
def test_a_hostile_file_past_the_prescan_is_stopped_within_the_childs_limits(
    settings, case, record_property
):
    settings.IMPORT_PARSE_MEMORY_MB = CHILD_MEMORY_MB
    settings.IMPORT_PARSE_TIMEOUT = CHILD_TIMEOUT
    data = STRAIGHT_TO_THE_CHILD[case]()
    with PeakMemory() as memory:
        reading = isolation.read_workbook_measured(data)
    usage = reading.usage
    report = (
        f"{case} in the child: {usage.describe()}; "
        f"web process peak {memory.growth / MB:.1f} MB above its start"
    )
    print(report)
    record_property("measure", report)

    assert reading.workbook is None, report
    assert reading.error in (isolation.MEMORY_MESSAGE, isolation.TIMEOUT_MESSAGE), report
    # Its peak resident memory stayed under what the limit lets it map: the web process's
    # address space at the fork plus IMPORT_PARSE_MEMORY_MB.
    assert usage.memory_limit == CHILD_MEMORY_MB * MB
    assert usage.peak_rss <= usage.start_mapped + CHILD_MEMORY_MB * MB, report
    if usage.outcome == "memory":  # stopped by the limit: the measure saw it being reached
        assert usage.peak_growth > CHILD_MEMORY_MB * MB * 3 / 4, report
    assert usage.seconds < CHILD_TIMEOUT + 2, report
    assert memory.growth < 100 * MB, report
