"""Parse an uploaded workbook into `ParsedWorkbook`: which tables it holds, and their content.

Call `safety.check_workbook_bytes` first; this module opens the file with openpyxl (which parses
XML through defusedxml when it is installed) and turns any failure into one clear message.
"""

from __future__ import annotations

import io
import logging
import warnings

from defusedxml import DefusedXmlException
from openpyxl import load_workbook

from .parsed import ParsedTable, ParsedWorkbook, Problem, Severity, Source
from .read_department import read_guangdong, read_hebei, read_hubei
from .read_project import project_segments, read_project
from .sheets import SheetGrid, label_key

logger = logging.getLogger(__name__)


class UnreadableWorkbook(Exception):
    """openpyxl could not open the file; the message is for the filer."""


def open_workbook(data: bytes):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unknown extensions, styles
            return load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except MemoryError:
        raise  # the child reading the file hit its memory limit: isolation.py says so
    except Exception as error:  # noqa: BLE001 — any failure of a malformed file is one message
        logger.info("import: workbook could not be opened: %r", error)
        if _is_xml_attack(error):
            raise UnreadableWorkbook(
                "文件中含有不允许的 XML 实体或 DTD 声明（可能是恶意构造的文件），已拒绝。"
            ) from None
        raise UnreadableWorkbook(
            "无法读取此工作簿：文件结构不完整或已损坏。请在 Excel 或 WPS 中打开后“另存为”.xlsx 再上传。"
        ) from None


def _is_xml_attack(error: BaseException | None) -> bool:
    """defusedxml's refusal, possibly wrapped by openpyxl ("could not read strings")."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DefusedXmlException):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def classify(grid: SheetGrid) -> str:
    """ "hubei", "guangdong", "hebei", "project" or "" (not a table of ours)."""
    text = grid.all_text()
    labels = {label_key(c.label) for r in grid.row_numbers for c in grid.filled(r)}
    if "部门总体收支情况" in text or "部门(单位)名称" in labels or "整体支出绩效目标表" in text:
        return "hubei"
    if ("部门名称" in labels and "基本信息" in labels) or "部门整体预算绩效目标表" in text:
        return "guangdong"
    if "项目名称" in labels:
        return "project"
    if "总体绩效目标" in text and ("分项绩效目标" in text or "工作保障措施" in text):
        return "hebei"
    return ""


def read_sheet(grid: SheetGrid) -> list[ParsedTable]:
    kind = classify(grid)
    if kind == "hubei":
        return [read_hubei(grid)]
    if kind == "guangdong":
        return [read_guangdong(grid)]
    if kind == "hebei":
        return [read_hebei(grid, grid.row_numbers)]
    if kind == "project":
        segments = project_segments(grid)
        tables = []
        before = [r for r in grid.row_numbers if r < segments[0][0]]
        if before and classify_rows_hebei(grid, before):
            tables.append(read_hebei(grid, before))
        tables += [read_project(grid, rows) for rows in segments]
        return tables
    return []


def classify_rows_hebei(grid: SheetGrid, rows: list[int]) -> bool:
    text = "".join(c.label for r in rows for c in grid.filled(r))
    return "总体绩效目标" in text


def read_workbook(data: bytes) -> ParsedWorkbook:
    workbook = open_workbook(data)
    result = ParsedWorkbook()
    try:
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":
                result.problems.append(
                    Problem("隐藏的工作表，未读取。", Source(ws.title), Severity.WARNING)
                )
                continue
            grid = SheetGrid(ws)
            if not grid.row_numbers:
                continue
            tables = read_sheet(grid)
            if not tables:
                result.problems.append(
                    Problem(
                        "未识别为绩效目标表（找不到“项目名称”“部门名称”或“总体绩效目标”等栏目），已跳过。",
                        Source(ws.title),
                        Severity.WARNING,
                    )
                )
            result.tables += tables
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 — a malformed sheet must not crash the upload
        logger.exception("import: a sheet could not be read")
        raise UnreadableWorkbook(
            f"读取工作表时出错（{type(error).__name__}），文件可能已损坏或格式不符合官方样式。"
        ) from None
    finally:
        workbook.close()
    _share_money_unit(result)
    if not result.tables:
        result.problems.append(
            Problem(
                "工作簿中没有可识别的绩效目标表。请使用官方样式（项目支出绩效目标表或部门整体绩效目标）。"
            )
        )
    return result


def _share_money_unit(result: ParsedWorkbook) -> None:
    """The Hebei narrative states no money unit: it is the book's (its project tables')."""
    units = [t.fields["money_unit"] for t in result.tables if t.fields.get("money_unit")]
    for table in result.tables:
        if not table.fields.get("money_unit") and units:
            table.fields["money_unit"] = units[0]
