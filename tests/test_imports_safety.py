"""Refusing unsafe or malformed uploads: each gets one clear Chinese message, nothing is stored.

Files built to exhaust memory or time (merged areas, a million rows, style tables) and the
child process that reads a workbook: tests/test_imports_hostile.py.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgetapp.imports.apply import import_workbook
from budgetapp.imports.models import ImportBatch
from budgetapp.imports.reader import UnreadableWorkbook, read_workbook
from budgetapp.imports.safety import OLE_MAGIC, UnsafeFile, check_upload
from budgetapp.imports.services import ImportRefused, read_upload
from budgetapp.targets.models import ProjectTable

from .conftest import login
from .hostile_files import rewrite as _rewrite
from .hostile_files import xlsx as _xlsx

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol4;</t></si></sst>"""


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
    with pytest.raises(ImportRefused, match="工作簿内容已损坏"):
        read_upload(broken, "book.xlsx")  # the pre-scan parses every XML part
    with pytest.raises(UnreadableWorkbook, match="无法读取此工作簿"):
        read_workbook(broken)  # and the reader behind it gives a message too


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
