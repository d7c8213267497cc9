"""Values an Excel import could not store (targets.import_problems): errors until fixed."""

from __future__ import annotations

from collections.abc import Iterator

from ..data import TableData
from ..engine import CheckContext, Hit

_QUOTE_LIMIT = 60


def _quoted(text: str) -> str:
    text = str(text)
    if len(text) <= _QUOTE_LIMIT:
        return f"“{text}”"
    return f"“{text[:_QUOTE_LIMIT]}……”（共 {len(text)} 字）"


def import_value(table: TableData, params: dict, context: CheckContext) -> Iterator[Hit]:
    for entry in table.import_problems:
        typed = entry.get("typed", "")
        kept = entry.get("kept", "")
        stored = f"暂存为{_quoted(kept)}" if kept else "暂时留空"
        where = f"（{entry['where']}）" if entry.get("where") else ""
        written = f"填写为{_quoted(typed)}" if typed else "未填写"
        key = entry.get("key", "")
        label = entry.get("label", key)
        label = label if label.endswith(("”", "）")) else f"“{label}”"
        yield Hit(
            f"{label}在导入的文件中{written}{where}：{entry.get('reason', '')}；"
            f"导入时{stored}。请改为正确的值（修改后此提示消失）。",
            field=key if ":" not in key else "",
        )
