"""Defences run before openpyxl sees an uploaded file.

An upload is refused, with one clear Chinese message, when it is too large, is not an .xlsx
(old .xls, encrypted workbook, CSV or text renamed .xlsx, Word document, PDF), carries macros,
is a zip bomb (too many members, too much uncompressed data, a member compressed too well) or
declares XML entities or a DTD (entity expansion; openpyxl also parses through defusedxml).
Limits are settings with defaults, read when checked (tests may override them).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_UNCOMPRESSED = 100 * MB
DEFAULT_MAX_MEMBERS = 2000
DEFAULT_MAX_RATIO = 200  # uncompressed / compressed size of one member
# Small members compress well without being a threat (a sheet of empty styled cells); the
# ratio is only judged above this size.
RATIO_FLOOR = 1 * MB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 256 * 1024
_DTD_MARKERS = (b"<!doctype", b"<!entity", "<!DOCTYPE".encode("utf-16-le"))


class UnsafeFile(Exception):
    """The upload is refused; the message says why, in Chinese, for the filer."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed: int
    max_members: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
            max_uncompressed=getattr(settings, "IMPORT_MAX_UNCOMPRESSED", DEFAULT_MAX_UNCOMPRESSED),
            max_members=getattr(settings, "IMPORT_MAX_MEMBERS", DEFAULT_MAX_MEMBERS),
            max_ratio=getattr(settings, "IMPORT_MAX_RATIO", DEFAULT_MAX_RATIO),
        )


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def check_size(size: int, limits: Limits | None = None) -> None:
    limits = limits or Limits.from_settings()
    if size > limits.max_bytes:
        raise UnsafeFile(
            f"文件过大（{_mb(size)}），导入的 Excel 文件不能超过 {_mb(limits.max_bytes)}。"
            "请删除无关的工作表或图片后再上传。"
        )
    if size == 0:
        raise UnsafeFile("文件是空的（0 字节），请重新选择要导入的 Excel 文件。")


def check_filename(filename: str) -> None:
    name = (filename or "").lower().strip()
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise UnsafeFile(
            "不接受启用宏的工作簿（.xlsm）。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。"
        )
    if name.endswith(".xls"):
        raise UnsafeFile(
            "这是旧版 Excel 文件（.xls）。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。"
        )
    if name.endswith((".csv", ".txt")):
        raise UnsafeFile("这是文本文件（CSV），不是 Excel 工作簿。请上传 .xlsx 格式的绩效目标表。")
    if name.endswith(".et"):
        raise UnsafeFile(
            "这是 WPS 表格文件（.et）。请在 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。"
        )


def _not_a_zip_message(data: bytes) -> str:
    head = data[:8]
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "工作簿已加密（设置了打开密码），无法读取。请取消密码后另存为 .xlsx 再上传。"
        return (
            "这是旧版 Excel 文件（.xls）或其他 Office 旧格式文件。"
            "请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。"
        )
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 Excel 工作簿。请上传 .xlsx 格式的绩效目标表。"
    if head.startswith(b"PK"):
        return (
            "文件已损坏或不完整（可能未下载完整），无法作为 Excel 工作簿打开。请重新保存后再上传。"
        )
    sample = data[:4096]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "<html" in text.lower() or "<table" in text.lower():
            return "这是网页（HTML）文件，只是改了扩展名，不是 Excel 工作簿。请在 Excel 中另存为 .xlsx 后再上传。"
        return "这是文本文件（如 CSV），只是改了扩展名，不是 Excel 工作簿。请在 Excel 中另存为 .xlsx 后再上传。"
    return "文件不是有效的 Excel 工作簿（.xlsx），无法读取。请确认文件格式后再上传。"


def _check_member_content(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Decompress one member in chunks (never more than the budget left); returns its size."""
    total = 0
    tail = b""
    is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > budget:
                raise UnsafeFile(
                    "文件解压后过大（可能是“压缩炸弹”），已拒绝。请上传正常保存的 Excel 工作簿。"
                )
            if is_xml:
                window = (tail + chunk).lower()
                if any(marker.lower() in window for marker in _DTD_MARKERS):
                    raise UnsafeFile(
                        "文件中含有不允许的 XML 实体或 DTD 声明（可能是恶意构造的文件），已拒绝。"
                    )
                tail = chunk[-32:]
    return total


def check_workbook_bytes(data: bytes, limits: Limits | None = None) -> None:
    """Raise UnsafeFile unless `data` looks like a plain, macro-free, reasonably sized .xlsx."""
    limits = limits or Limits.from_settings()
    check_size(len(data), limits)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnsafeFile(_not_a_zip_message(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UnsafeFile(_not_a_zip_message(data[:8] + b"\0")) from None
    with archive:
        members = archive.infolist()
        names = {info.filename.lower() for info in members}
        if len(members) > limits.max_members:
            raise UnsafeFile(
                f"文件包含的部件过多（{len(members)} 个），不像正常的 Excel 工作簿，已拒绝。"
            )
        if any(name.endswith("vbaproject.bin") for name in names):
            raise UnsafeFile(
                "工作簿中含有宏（VBA），不予导入。请在 Excel 或 WPS 中“另存为”不含宏的 Excel 工作簿（.xlsx）后再上传。"
            )
        if "word/document.xml" in names:
            raise UnsafeFile("这是 Word 文档，不是 Excel 工作簿。请上传 .xlsx 格式的绩效目标表。")
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeFile("压缩包中没有 Excel 工作簿的内容，不是有效的 .xlsx 文件。")
        declared = sum(info.file_size for info in members)
        if declared > limits.max_uncompressed:
            raise UnsafeFile(
                f"文件解压后过大（{_mb(declared)}，可能是“压缩炸弹”），已拒绝。上限为 "
                f"{_mb(limits.max_uncompressed)}。"
            )
        for info in members:
            if info.flag_bits & 0x1:
                raise UnsafeFile("工作簿已加密，无法读取。请取消密码后另存为 .xlsx 再上传。")
            if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise UnsafeFile(
                    f"文件中“{info.filename}”的压缩比异常（可能是“压缩炸弹”），已拒绝。"
                )
        types_info = next(i for i in members if i.filename.lower() == "[content_types].xml")
        try:
            content_types = archive.read(types_info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            content_types = b""
        if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
            raise UnsafeFile(
                "工作簿是启用宏的格式（.xlsm），不予导入。请“另存为”Excel 工作簿（.xlsx）后再上传。"
            )
        budget = limits.max_uncompressed
        try:
            for info in members:
                budget -= _check_member_content(archive, info, budget)
        except UnsafeFile:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            raise UnsafeFile(
                "文件已损坏或不完整（可能未下载完整），无法作为 Excel 工作簿打开。请重新保存后再上传。"
            ) from None
        # Only now that no member declares a DTD: what the sheets declare (rows, cells, merged
        # area, shared strings) is counted by streaming, before openpyxl builds anything.
        from .prescan import prescan_workbook

        prescan_workbook(archive)


def check_upload(data: bytes, filename: str) -> None:
    """All checks for an uploaded file and its name."""
    check_size(len(data))
    check_filename(filename)
    check_workbook_bytes(data)
