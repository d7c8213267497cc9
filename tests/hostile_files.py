"""Workbooks built to hurt the importer (issue 13 §4), for the import safety tests.

Each is made from a small openpyxl workbook whose parts are rewritten in the zip, so the files
are what an attacker would upload: valid zips that openpyxl opens and reads.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

from openpyxl import Workbook


def xlsx(text: str = "项目名称", *, sheets: int = 1) -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = text
    for _ in range(sheets - 1):
        workbook.create_sheet()["A1"] = text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(
    content: bytes,
    replace: dict[str, bytes],
    *,
    add: dict[str, bytes] | None = None,
    rename: dict[str, str] | None = None,
) -> bytes:
    """The workbook with members replaced, added or stored under another name."""
    rename = rename or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info))
            name = rename.get(info.filename, info.filename)
            dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _with_rows(sheet: bytes, rows_xml: bytes, after_data: bytes = b"") -> bytes:
    head, _, rest = sheet.partition(b"<sheetData")
    _, _, rest = rest.partition(b">")  # "<sheetData>" or "<sheetData/>"
    if b"</sheetData>" in rest:
        _, _, rest = rest.partition(b"</sheetData>")
    return head + b"<sheetData>" + rows_xml + b"</sheetData>" + after_data + rest


def sheet_with(rows_xml: bytes = b"", after_data: bytes = b"") -> bytes:
    """A workbook whose first sheet holds `rows_xml` (inline strings) and `after_data`."""
    content = xlsx("x")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    return rewrite(content, {"xl/worksheets/sheet1.xml": _with_rows(sheet, rows_xml, after_data)})


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
        if v
    )
    return f'<row r="{number}">{cells}</row>'


def merged_everything() -> bytes:
    """A few KB: one merged range over the whole sheet (A1:XFD1048576)."""
    return sheet_with(after_data=b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')  # fmt: skip


def million_rows() -> bytes:
    """1,000,000 rows of one number each (about 7.5 MB)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 1_000_001))
    return sheet_with(rows.encode())


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
    rows = "".join(inline_row(n, values) for n, values in enumerate(head + body, 1))
    return sheet_with(rows.encode())


def moved_sheet(content: bytes, to: str = "xl/data/rows.xml") -> bytes:
    """The workbook with its first sheet stored under another name: openpyxl follows the
    workbook's relationship and the content types, not the folder."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
        types = archive.read("[Content_Types].xml")
    target = to.removeprefix("xl/")
    rels = rels.replace(b"worksheets/sheet1.xml", target.encode())
    types = types.replace(b"/xl/worksheets/sheet1.xml", f"/{to}".encode())
    assert target.encode() in rels and f"/{to}".encode() in types
    return rewrite(
        content,
        {"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
        rename={"xl/worksheets/sheet1.xml": to},
    )


def _with_formats(content: bytes, formats: int) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        styles = archive.read("xl/styles.xml").decode()
    pick = random.Random(13).randrange  # varied, so the zip's ratio check lets it through
    xfs = "".join(
        f'<xf numFmtId="{pick(200)}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for _ in range(formats)
    )
    styles = re.sub(
        r"<cellXfs.*?</cellXfs>", f'<cellXfs count="{formats}">{xfs}</cellXfs>', styles, flags=re.S
    )
    return rewrite(content, {"xl/styles.xml": styles.encode()})


def styles_bomb(formats: int = 600_000) -> bytes:
    """About 1.4 MB: a style table of `formats` cell formats (openpyxl builds each one)."""
    return _with_formats(xlsx("x"), formats)


def heaviest_allowed(sheets: int = 3, rows: int = 5_000, columns: int = 20) -> bytes:
    """About as much as the default pre-scan lets through: 300,000 cells (3 sheets × 5,000
    rows × 20 columns of short inline strings, IMPORT_MAX_WORKBOOK_CELLS) and 190,000 cell
    formats (IMPORT_MAX_STYLES is 200,000). About 2 MB that openpyxl needs over 15 s and a few
    hundred MB to read."""
    content = xlsx("x", sheets=sheets)
    body = "".join(
        inline_row(r, [f"项目{r}-{c}" for c in range(columns)]) for r in range(1, rows + 1)
    ).encode()
    replace = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for number in range(1, sheets + 1):
            name = f"xl/worksheets/sheet{number}.xml"
            replace[name] = _with_rows(archive.read(name), body)
    return _with_formats(rewrite(content, replace), 190_000)
