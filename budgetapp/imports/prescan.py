"""Count what a workbook's parts declare, by streaming their XML, before openpyxl reads them.

openpyxl builds one Python object per cell it reads and one `MergedCell` per cell of a merged
range. A 1.6 KB file whose sheet declares `<mergeCell ref="A1:XFD1048576"/>` therefore asks for
17 billion objects, and a million-row sheet for a million rows of them. This pre-scan reads
every XML part (worksheets, shared strings, styles, wherever they are stored in the zip) with
`iterparse` straight out of the zip (nothing is built but counters) and stops at the first
limit crossed, so such a file is refused in well under a second with one Chinese message.

The limits are far above any real 绩效目标 workbook (docs/imports.md, "Limits"): the largest
seed book, 张家口 2021 with 13 project tables, has about 900 rows and 5,000 cells in all.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from lxml import etree
from openpyxl.utils.cell import range_boundaries

from .safety import UnsafeFile

DEFAULTS = {
    "IMPORT_MAX_SHEETS": 100,
    "IMPORT_MAX_SHEET_ROWS": 5_000,
    "IMPORT_MAX_SHEET_CELLS": 100_000,
    "IMPORT_MAX_WORKBOOK_CELLS": 300_000,
    "IMPORT_MAX_ROW_INDEX": 20_000,
    "IMPORT_MAX_COLUMN_INDEX": 200,
    "IMPORT_MAX_MERGED_CELLS": 200_000,
    "IMPORT_MAX_SHARED_STRINGS": 200_000,
    # Style records (cell formats, named styles, fonts, fills, borders, number formats).
    # Excel keeps at most 64,000 cell formats; a book bloated to that (with as many named
    # styles) has about 192,000 records and still reads in the child (11 s, 310 MB).
    "IMPORT_MAX_STYLES": 200_000,
}

_REFUSAL = "此文件不像正常的绩效目标表，已拒绝（{what}）。请只保留绩效目标表的内容，另存为 .xlsx 后再上传。"


@dataclass(frozen=True)
class ScanLimits:
    sheets: int
    sheet_rows: int
    sheet_cells: int
    workbook_cells: int
    row_index: int
    column_index: int
    merged_cells: int
    shared_strings: int
    styles: int

    @classmethod
    def from_settings(cls) -> ScanLimits:
        def get(name: str) -> int:
            return getattr(settings, name, DEFAULTS[name])

        return cls(
            sheets=get("IMPORT_MAX_SHEETS"),
            sheet_rows=get("IMPORT_MAX_SHEET_ROWS"),
            sheet_cells=get("IMPORT_MAX_SHEET_CELLS"),
            workbook_cells=get("IMPORT_MAX_WORKBOOK_CELLS"),
            row_index=get("IMPORT_MAX_ROW_INDEX"),
            column_index=get("IMPORT_MAX_COLUMN_INDEX"),
            merged_cells=get("IMPORT_MAX_MERGED_CELLS"),
            shared_strings=get("IMPORT_MAX_SHARED_STRINGS"),
            styles=get("IMPORT_MAX_STYLES"),
        )


@dataclass
class PartCounts:
    """What one XML part of the workbook declares (a worksheet has rows, cells and merged
    ranges; the workbook part sheets; the shared strings `si`; the styles part style records)."""

    rows: int = 0
    cells: int = 0
    merged_cells: int = 0
    sheets: int = 0
    shared_strings: int = 0
    styles: int = 0


def _refuse(what: str) -> UnsafeFile:
    return UnsafeFile(_REFUSAL.format(what=what))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _iterparse(stream, tags: tuple[str, ...]):
    """lxml's streaming parser, told to report only `tags` (in any namespace: transitional
    and strict OOXML differ), never to resolve entities or read the network (a DTD is
    refused before this runs anyway)."""
    return etree.iterparse(
        stream,
        events=("end",),
        tag=[f"{{*}}{t}" for t in tags],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


def _area(ref: str, limits: ScanLimits, what: str) -> int:
    """Cells in a range like `A1:G20`; a range reaching past the index limits is refused."""
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        raise _refuse(f"{what}“{ref[:40]}”无法识别") from None
    min_col, min_row = min_col or 1, min_row or 1
    max_col, max_row = max_col or 16384, max_row or 1048576
    if max_row > limits.row_index or max_col > limits.column_index:
        raise _refuse(
            f"{what} {ref[:40]} 超出 {limits.row_index} 行 × {limits.column_index} 列的范围"
        )
    return (max_row - min_row + 1) * (max_col - min_col + 1)


# Style records (cellXfs/cellStyleXfs `xf`, named styles, fonts, fills, borders, number
# formats, differential formats): openpyxl builds objects for each, and nothing else declares
# them (a 1.4 MB file with 600,000 cell formats took 13 s and 1.3 GB to open).
_STYLE_RECORDS = frozenset({"xf", "cellStyle", "font", "fill", "border", "numFmt", "dxf"})
_COUNTED = ("c", "row", "dimension", "mergeCell", "sheet", "si", *sorted(_STYLE_RECORDS))


def scan_part(stream, limits: ScanLimits, *, cells_left: int) -> PartCounts:
    """Count what one XML part declares; refuse at the first limit crossed.

    Every part is scanned for everything, wherever it sits in the zip: openpyxl finds the
    worksheets through the workbook's relationships and the shared strings through the content
    types, so a part's name proves nothing (a million-row sheet stored as `xl/x/data.xml` is
    read all the same). The element names counted occur in no other part of a workbook.
    """
    counts = PartCounts()
    names: dict[str, str] = {}  # tag with namespace -> local name (a handful per part)
    # "end" events only (half the callbacks); a row, string or style is cleared once counted,
    # so memory stays flat however long the part is.
    for _, element in _iterparse(stream, _COUNTED):
        tag = element.tag
        name = names.get(tag) or names.setdefault(tag, _local(tag))
        if name == "c":
            counts.cells += 1
            if counts.cells > limits.sheet_cells or counts.cells > cells_left:
                raise _refuse(f"单元格超过 {min(limits.sheet_cells, cells_left)} 个")
            continue  # cleared with its row
        if name in _STYLE_RECORDS:
            counts.styles += 1
            if counts.styles > limits.styles:
                raise _refuse(f"样式超过 {limits.styles} 个")
        elif name == "row":
            counts.rows += 1
            if counts.rows > limits.sheet_rows:
                raise _refuse(f"一个工作表超过 {limits.sheet_rows} 行")
            index = element.get("r")
            if index and index.isdigit() and int(index) > limits.row_index:
                raise _refuse(f"行号 {index} 超出 {limits.row_index} 行的范围")
        elif name == "si":
            counts.shared_strings += 1
            if counts.shared_strings > limits.shared_strings:
                raise _refuse(f"共享字符串超过 {limits.shared_strings} 个")
        elif name == "mergeCell":
            counts.merged_cells += _area(element.get("ref") or "", limits, "合并单元格")
            if counts.merged_cells > limits.merged_cells:
                raise _refuse(f"合并单元格的面积超过 {limits.merged_cells} 个单元格")
        elif name == "dimension":
            _area(element.get("ref") or "A1", limits, "声明的表格范围")
        elif name == "sheet":
            counts.sheets += 1
            if counts.sheets > limits.sheets:
                raise _refuse(f"工作表超过 {limits.sheets} 个")
        element.clear()
    return counts


def _is_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a member holds XML (images and printer settings do not), by its first bytes."""
    with archive.open(info) as stream:
        head = stream.read(64)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16, which lxml reads
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def prescan_workbook(archive: zipfile.ZipFile, limits: ScanLimits | None = None) -> None:
    """Raise UnsafeFile if any part of the workbook crosses a limit."""
    limits = limits or ScanLimits.from_settings()
    cells_left = limits.workbook_cells
    try:
        for info in archive.infolist():
            if info.is_dir() or not _is_xml(archive, info):
                continue
            with archive.open(info) as stream:
                cells_left -= scan_part(stream, limits, cells_left=cells_left).cells
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise UnsafeFile(
            "工作簿内容已损坏（XML 结构不完整），无法读取。请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传。"
        ) from None
