"""Reading a filled 执行监控表 or 绩效自评表 (the app's own Excel layout, as downloaded and filled
offline) into plain data: which stage, the project, the money figures and each indicator row's
typed values. A pure function of the bytes, run in the import child process
(`isolation.read_isolated`); nothing here touches the database.
"""

from __future__ import annotations

from .reader import UnreadableWorkbook, open_workbook
from .sheets import LogicalCell, SheetGrid, label_key

MONITORING_TITLE = "项目支出绩效目标执行监控表"
EVALUATION_TITLE = "项目支出绩效自评表"

# Indicator columns by heading (`1–7月实际完成值` is matched by its tail).
MONITORING_COLUMNS = {
    "三级指标": "name",
    "年度指标值": "target",
    "实际完成值": "to_date",
    "全年预计完成值": "projected",
    "完成目标可能性": "likelihood",
    "偏差原因": "causes",
    "完善措施": "measures",
}
EVALUATION_COLUMNS = {
    "三级指标": "name",
    "年度指标值": "target",
    "实际完成值": "actual",
    "分值": "weight",
    "偏差原因分析及改进措施": "analysis",
}
_STOP = {"总分", "监控结论"}
_SOURCES = {
    "其中:当年财政拨款": "fiscal",
    "当年财政拨款": "fiscal",
    "上年结转资金": "carried",
    "其他资金": "other",
}
_MONEY_COLUMNS = {"年初预算数": "initial", "全年预算数": "full_year", "全年执行数": "executed"}


def _text(cell: LogicalCell | None) -> str:
    return cell.text.strip() if cell is not None and not cell.continued else ""


def _heading_key(label: str) -> str:
    key = label_key(label)
    for known in ("实际完成值",):
        if key.endswith(known) and key != "全年预计完成值":
            return known
    return key


def _header(grid: SheetGrid, columns: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    for row in grid.row_numbers:
        found = {
            columns[_heading_key(cell.label)]: cell.column
            for cell in grid.filled(row)
            if _heading_key(cell.label) in columns
        }
        if "name" in found and len(found) >= 3:
            return row, found
    return None


def _rows(grid: SheetGrid, header: int, columns: dict[str, int]) -> list[dict]:
    rows = []
    for row in (r for r in grid.row_numbers if r > header):
        labels = {label_key(c.label) for c in grid.filled(row)}
        if labels & _STOP:
            break
        values = {key: _text(grid.at(row, column)) for key, column in columns.items()}
        if values.get("name"):
            values["source"] = [grid.title, row]
            rows.append(values)
    return rows


def _project_name(grid: SheetGrid) -> str:
    label = grid.find({"项目名称"})
    value = grid.right_of(label, {"主管部门"}) if label else None
    return _text(value)


def _monitoring_money(grid: SheetGrid) -> dict[str, str]:
    """The money block prints labels in one row and the figures under them."""
    money: dict[str, str] = {}
    for row in grid.row_numbers:
        for cell in grid.filled(row):
            key = label_key(cell.label)
            field = (
                "spent"
                if key.endswith("执行数") and not key.startswith("全年")
                else {"全年预计执行数": "projected_spend", "执行偏差原因": "lag_reason"}.get(key)
            )
            if field is None:
                continue
            below = next((r for r in grid.row_numbers if r > row), None)
            money[field] = _text(grid.at(below, cell.column)) if below else ""
        if money:
            return money
    return money


def _evaluation_money(grid: SheetGrid) -> dict[str, str]:
    money: dict[str, str] = {}
    columns: dict[str, int] = {}
    for row in grid.row_numbers:
        cells = grid.filled(row)
        if not columns:
            columns = {
                _MONEY_COLUMNS[label_key(c.label)]: c.column
                for c in cells
                if label_key(c.label) in _MONEY_COLUMNS
            }
            continue
        source = next(
            (_SOURCES[label_key(c.label)] for c in cells if label_key(c.label) in _SOURCES), None
        )
        if source is None:
            continue
        for column_key, column in columns.items():
            money[f"{source}_{column_key}"] = _text(grid.at(row, column))
    return money


def _goal_actual(grid: SheetGrid) -> str:
    label = grid.find({"实际完成情况"})
    if label is None:
        return ""
    below = next((r for r in grid.row_numbers if r > label.row), None)
    return _text(grid.at(below, label.column)) if below else ""


def read_stage_workbook(data: bytes) -> dict:
    """{"kind": "monitoring" | "evaluation", "project": str, "money": {...}, "goal_actual": str,
    "rows": [{"name", "target", ..., "source": [sheet, row]}]} of the first sheet holding one
    of the two layouts; UnreadableWorkbook when there is none."""
    workbook = open_workbook(data)
    try:
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":
                continue
            grid = SheetGrid(ws)
            text = grid.all_text()
            if MONITORING_TITLE in text:
                kind, columns = "monitoring", MONITORING_COLUMNS
            elif EVALUATION_TITLE in text:
                kind, columns = "evaluation", EVALUATION_COLUMNS
            else:
                continue
            found = _header(grid, columns)
            if found is None:
                raise UnreadableWorkbook(
                    f"工作表“{ws.title}”找不到“三级指标”等表头，无法读取指标。"
                )
            header, by_column = found
            return {
                "kind": kind,
                "sheet": ws.title,
                "project": _project_name(grid),
                "money": _monitoring_money(grid)
                if kind == "monitoring"
                else _evaluation_money(grid),
                "goal_actual": _goal_actual(grid) if kind == "evaluation" else "",
                "rows": _rows(grid, header, by_column),
            }
    finally:
        workbook.close()
    raise UnreadableWorkbook(
        f"文件中没有“{MONITORING_TITLE}”或“{EVALUATION_TITLE}”。请上传从本系统下载并填写的 Excel 文件。"
    )
