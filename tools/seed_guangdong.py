"""Guangdong seed (003): the markdown conversion and its mangled indicator table
(tools/extract_seeds.py)."""

from __future__ import annotations

import re
from pathlib import Path

from seed_text import Json, clean, document, empty_department, fill_down, integer, money

# --------------------------------------------------------------------------
# Guangdong (seed 003): markdown tables
# --------------------------------------------------------------------------


def markdown_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|[-|\s]*\|", line):
            continue
        rows.append([clean(cell) for cell in line.strip("|").split("|")])
    return rows


GD_LABELS = {
    "财政供养人员数": "staff_count",
    "下属二级单位数": "sub_unit_count",
    "基本支出": "expense_basic",
    "项目支出": "expense_project",
    "财政拨款": "income_fiscal",
    "其他资金": "income_other",
    "财政专项资金": "special_funds",
    "其他事业发展性支出": "other_development",
    "市本级使用资金": "own_level_funds",
    "拟用于对下转移支付资金": "transfer_funds",
}
TASK = re.compile(r"^任务(\d+)[:：]\s*(.*)$")


def parse_guangdong_indicators(rows: list[list[str]], notes: list[str]) -> list[Json]:
    """The 绩效指标 grid of seed 003, with its conversion damage repaired.

    Columns of a sound row: [row label, 一级, 二级, 三级, 指标值, (empty)].
    """
    start = next(i for i, r in enumerate(rows) if r[1:4] == ["一级指标", "二级指标", "三级指标"])
    result: list[Json] = []
    satisfaction: tuple[str, str] | None = None
    shifted: list[str] = []
    for cells in rows[start + 1 :]:
        cells = cells + [""] * (6 - len(cells))
        label, l1, l2, name, value, extra = cells[:6]

        if name == "满意度指标":
            # Mangled: this row holds 一级 / 二级 / 三级 of the first
            # satisfaction indicator in the 三级 / 指标值 / extra columns, and
            # its value was lost by the conversion.
            satisfaction = (name, value.replace(" ", ""))  # "服务对象 满意度指标"
            result.append(_indicator(*satisfaction, extra, None))
            continue
        if satisfaction is not None:
            # Mangled: the remaining satisfaction rows lost their leading
            # columns; name and value sit in the first two columns.
            result.append(_indicator(*satisfaction, label, l1))
            continue

        if l1 == "社会效益指标":
            # The conversion shows 一级 "社会效益指标"; the table's category
            # is 一级 效益指标 / 二级 社会效益指标.
            l1 = "效益指标"
            notes.append(
                '一级指标 "社会效益指标" read as 一级 效益指标 / 二级 社会效益指标 '
                "(the conversion repeated the 二级 name in the 一级 column)."
            )
        if extra:
            # The 可持续影响 rows are shifted one column to the right (the
            # merged 二级 cell was repeated into the 三级 column).
            if name not in ("", l2):
                raise ValueError(f"unexpected shifted row: {cells}")
            name, value = value, extra
            shifted.append(name)
        result.append(_indicator(l1, l2, name, value))

    fill_down(result)
    siblings = {
        row["target"]
        for row in result
        if row["level1"] == "满意度指标" and row["target"] is not None
    }
    if len(siblings) != 1:
        raise ValueError(f"satisfaction siblings disagree: {siblings}")
    (sibling_value,) = siblings
    for row in result:
        if row["target"] is None:
            row["target"] = sibling_value
            notes.append(
                f'满意度指标 "{row["name"]}": the conversion lost its 指标值; '
                f'set to its siblings\' value "{sibling_value}".'
            )
    if shifted:
        names = "、".join(f'"{name}"' for name in shifted)
        notes.append(
            f"可持续影响指标 rows {names} were shifted one column right "
            "(the merged 二级 cell was repeated); moved back to 三级 / 指标值."
        )
    notes.append(
        "满意度 rows lost their column alignment; rebuilt as 一级 满意度指标 / "
        '二级 服务对象满意度指标 (published as "服务对象 满意度指标") with '
        "their names and values."
    )
    return result


def _indicator(level1: str, level2: str, name: str, target: str | None) -> Json:
    return {
        "goal_no": 1,
        "level1": level1,
        "level2": level2,
        "name": name,
        "description": "",
        "target": target,
        "basis": "",
        "prev2": "",
        "prev1": "",
    }


def parse_guangdong(path: Path, source: str, year: int, notes: list[str]) -> Json:
    text = path.read_text(encoding="utf-8")
    rows = markdown_rows(text)
    department = empty_department("guangdong")

    unit_name = next(next(c for c in r[1:] if c) for r in rows if r[0] == "部门名称")
    for cells in rows:
        for i, cell in enumerate(cells[:-1]):
            if cell in GD_LABELS:
                key = GD_LABELS[cell]
                convert = integer if key.endswith("count") else money
                department[key] = convert(cells[i + 1])
        if cells[0] == "总体绩效目标":
            department["overall_goal"] = "\n".join(
                clean(part) for part in cells[1].split("<br>") if clean(part)
            )

    # Tasks: key tasks are 任务1..5, the other tasks restart at 任务1.  The
    # markdown put the "其他需完成的任务" row header on 任务5, so the kind is
    # decided by the restart of the numbering, not by that header.
    kind = "key"
    last = 0
    for cells in rows:
        match = TASK.match(cells[1]) if len(cells) > 1 else None
        if not match:
            continue
        number = int(match.group(1))
        if number <= last:
            kind = "other"
        last = number
        department["tasks"].append(
            {
                "kind": kind,
                "name": clean(match.group(2)),
                "content": cells[2],
                "amount": money(cells[3]),
                "outcome": cells[4],
            }
        )
    notes.append(
        'The markdown placed the "其他需完成的任务" row header on 任务5; '
        "任务5 (残疾人培训经费) is kept as a key task because the other tasks "
        "restart at 任务1."
    )
    department["indicators"] = parse_guangdong_indicators(rows, notes)
    return document(source, year, "万元", "", unit_name, department, [], notes)
