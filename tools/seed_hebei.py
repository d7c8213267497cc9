"""Hebei seeds (000, 001): the narrative department part and the project tables
(tools/extract_seeds.py)."""

from __future__ import annotations

import re
from pathlib import Path

from seed_text import (
    Cursor,
    Json,
    clean,
    document,
    empty_department,
    fill_down,
    money,
    percent,
    tab_cells,
)

LEVEL1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}
HEBEI_LEVEL2 = {
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
}


# --------------------------------------------------------------------------
# Hebei (seeds 000, 001): narrative department part + project tables
# --------------------------------------------------------------------------

SECTION = re.compile(
    r"^(?:[（(][一二三][）)]|[一二三]、)\s*(总体绩效目标|分项绩效目标|工作保障措施)$"
)
CN_HEADING = re.compile(r"^（[一二三四五六七八九十]+）\s*(.*)$")
NUM_HEADING = re.compile(r"^\d+、\s*(.*)$")
PROJECT_TITLE = re.compile(r"^(\d+)[、.](.+)绩效目标表$")
DOC_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
GOAL_NUMBER = re.compile(r"^(\d+)\s*[.、．]\s*(.*)$")


def paragraphs(lines: list[str]) -> list[str]:
    return [clean(line) for line in lines if clean(line)]


def titled_items(lines: list[str]) -> list[Json]:
    """分项绩效目标 / 工作保障措施 items, see the module docstring."""
    paras = paragraphs(lines)
    marker = CN_HEADING if any(CN_HEADING.match(p) for p in paras) else NUM_HEADING
    items: list[Json] = []
    body: list[str] = []
    for para in paras:
        match = marker.match(para)
        if not match:
            if not items:
                raise ValueError(f"paragraph before the first item: {para[:30]}")
            body.append(para)
            continue
        if items:
            items[-1]["text"] = "\n".join(body)
        head = match.group(1)
        title, sep, first = head.partition("。")
        body = [first] if sep and first else []
        items.append({"title": title, "text": ""})
    if items:
        items[-1]["text"] = "\n".join(body)
    return items


def split_goals(cell: str) -> list[str]:
    """'1.xxx\\n2.yyy' -> ['xxx', 'yyy']; an unnumbered block is one goal."""
    goals: list[str] = []
    for line in (clean(part) for part in cell.splitlines()):
        if not line:
            continue
        match = GOAL_NUMBER.match(line)
        if match and int(match.group(1)) == len(goals) + 1:
            goals.append(clean(match.group(2)))
        elif goals:
            goals[-1] += "\n" + line
        else:
            goals.append(line)
    return goals


def parse_project(number: int, body: list[str]) -> tuple[Json, str, str, str]:
    """One 项目支出绩效目标表; returns (project, unit code, unit name, money unit)."""
    cur = Cursor(tab_cells(body), f"table {number}")
    unit_match = re.fullmatch(r"(\d+)(\S.*)", cur.take())
    if not unit_match:
        raise ValueError(f"table {number}: no unit header")
    unit_cell = cur.take()
    if not unit_cell.startswith("单位："):
        raise ValueError(f"table {number}: no money unit")

    cur.expect("项目编码")
    code = cur.take()
    cur.expect("项目名称")
    name = cur.take()
    cur.expect("预算规模及资金用途", "预算数")
    total = money(cur.take())
    cur.expect("其中：财政资金")
    fiscal = money(cur.take())
    cur.expect("其他资金")
    other = money(cur.take())
    cur.expect("")  # the merged label cell of the 资金用途 row
    fund_use = cur.take()
    cur.expect("资金支出计划（%）", "3月底", "6月底", "10月底", "12月底", "")
    plan = [percent(cur.take()) for _ in range(4)]
    cur.expect("绩效目标")
    goals = split_goals(cur.take())
    cur.expect("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")

    grid = cur.rest()
    if len(grid) % 6:
        raise ValueError(f"table {number}: {len(grid)} indicator cells is not rows of 6")
    indicators = [
        {"level1": l1, "level2": l2, "name": n, "description": d, "target": t, "basis": b}
        for l1, l2, n, d, t, b in (grid[i : i + 6] for i in range(0, len(grid), 6))
    ]
    fill_down(indicators)
    for row in indicators:
        if row["level1"] not in LEVEL1 or row["level2"] not in HEBEI_LEVEL2:
            raise ValueError(f"table {number}: misaligned row {row}")

    project = {
        "number": number,
        "code": code,
        "name": name,
        "budget_total": total,
        "budget_fiscal": fiscal,
        "budget_other": other,
        "lifetime_budget": None,
        "fund_use": fund_use,
        "plan": plan,
        "goals": goals,
        "indicators": indicators,
    }
    return project, unit_match.group(1), unit_match.group(2), unit_cell.removeprefix("单位：")


def parse_hebei(path: Path, source: str, year: int, notes: list[str]) -> Json:
    lines = path.read_text(encoding="utf-8").splitlines()
    cleaned = [clean(line) for line in lines]

    # Part 1: the three narrative sections, up to 第二部分.
    part2 = next(i for i, line in enumerate(cleaned) if line.startswith("第二部分"))
    heads = {m.group(1): i for i, line in enumerate(cleaned[:part2]) if (m := SECTION.match(line))}
    order = sorted(heads.values()) + [part2]
    section = {
        name: lines[start + 1 : order[order.index(start) + 1]] for name, start in heads.items()
    }
    department = empty_department("narrative")
    department["overall_goal"] = "\n".join(paragraphs(section["总体绩效目标"]))
    department["sub_goals"] = titled_items(section["分项绩效目标"])
    department["measures"] = titled_items(section["工作保障措施"])

    # Part 2: numbered project tables; the last one ends at the next
    # numbered section of the document (六、政府采购预算情况) or at the end.
    titles = [i for i in range(part2, len(lines)) if PROJECT_TITLE.match(cleaned[i])]
    end = next(
        (i for i in range(titles[-1] + 1, len(lines)) if DOC_SECTION.match(cleaned[i])),
        len(lines),
    )
    projects: list[Json] = []
    units: set[tuple[str, str, str]] = set()
    for k, start in enumerate(titles):
        stop = titles[k + 1] if k + 1 < len(titles) else end
        number = int(PROJECT_TITLE.match(cleaned[start]).group(1))
        if number != k + 1:
            raise ValueError(f"{path.name}: table {number} out of order")
        project, code, name, unit = parse_project(number, lines[start + 1 : stop])
        projects.append(project)
        units.add((code, name, unit))
    if len(units) != 1:
        raise ValueError(f"{path.name}: tables disagree on the unit: {units}")
    code, name, unit = units.pop()
    return document(source, year, unit, code, name, department, projects, notes)
