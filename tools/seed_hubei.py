"""Hubei seed (004): TAB cells, rows separated by blank lines (tools/extract_seeds.py)."""

from __future__ import annotations

from pathlib import Path

from seed_text import Json, document, empty_department, fill_down, money, one_line, tab_rows

# --------------------------------------------------------------------------
# Hubei (seed 004)
# --------------------------------------------------------------------------

HB_AMOUNTS = {
    "财政拨款": "income_fiscal",
    "其他资金": "income_other",
    "基本支出": "expense_basic",
    "项目支出": "expense_project",
}


def parse_hubei(path: Path, source: str, year: int, notes: list[str]) -> Json:
    rows = tab_rows(path.read_text(encoding="utf-8").splitlines())
    department = empty_department("hubei")

    def row_with(label: str) -> list[str]:
        return next(r for r in rows if label in r)

    money_unit = next(c for r in rows for c in r if "资金单位：" in c).split("资金单位：")[1]
    unit_row = row_with("部门（单位）名称")
    unit_name = unit_row[unit_row.index("部门（单位）名称") + 1]
    filler = row_with("填报人")
    department["filler_name"] = filler[filler.index("填报人") + 1]
    department["filler_phone"] = filler[filler.index("联系电话") + 1]

    # 当年金额, 占比 (derived, not stored), then the two previous years in the
    # order of the header row (2023年 = 前年 = prev2, 2024年 = 上年 = prev1).
    years = row_with("2023年")
    if years.index("2023年") + 1 != years.index("2024年"):
        raise ValueError("unexpected year columns")
    for label, key in HB_AMOUNTS.items():
        cells = row_with(label)
        i = cells.index(label)
        department[key] = money(cells[i + 1])
        department[key + "_prev2"] = money(cells[i + 3])
        department[key + "_prev1"] = money(cells[i + 4])

    functions = row_with("部门职能概述")
    department["functions"] = functions[functions.index("部门职能概述") + 1]
    tasks = row_with("年度工作任务")
    department["annual_tasks"] = tasks[tasks.index("年度工作任务") + 1]

    # 项目支出情况: the rows between its header and 年度目标1.
    head = rows.index(row_with("项目支出情况"))
    goal1 = rows.index(row_with("年度目标1："))
    projects: list[Json] = []
    for cells in rows[head + 1 : goal1]:
        _, name, lifetime, this_year, use = cells
        projects.append(
            {
                "number": len(projects) + 1,
                "code": "",
                "name": name,
                "budget_total": money(this_year),
                "budget_fiscal": None,
                "budget_other": None,
                "lifetime_budget": money(lifetime),
                "fund_use": use,
                "plan": [None, None, None, None],
                "goals": [],
                "indicators": [],
            }
        )

    # 年度目标1 indicators: [label, 一级, 二级, 三级, 前年, 上年, 当年, 依据].
    # 年度目标2/3 hold only "……" placeholders and are ignored.
    goal2 = rows.index(row_with("年度目标2："))
    grid = rows[goal1 + 1 : goal2]
    sub_head = next(i for i, r in enumerate(grid) if r[4:6] == ["前年", "上年"])
    indicators: list[Json] = []
    for cells in grid[sub_head + 1 :]:
        if len(cells) != 8:
            raise ValueError(f"indicator row of {len(cells)} cells: {cells}")
        _, l1, l2, name, prev2, prev1, target, basis = cells
        indicators.append(
            {
                "goal_no": 1,
                "level1": one_line(l1),
                "level2": one_line(l2),
                "name": name,
                "description": "",
                "target": target,
                "basis": basis,
                "prev2": prev2,
                "prev1": prev1,
            }
        )
    fill_down(indicators)
    department["indicators"] = indicators

    notes.append(
        '一级指标 cells wrapped inside the table cell ("产出\\n指标", "效益\\n指标") '
        "are joined into one line."
    )
    notes.append(
        '年度目标2 and 年度目标3 are "……" placeholders and were not imported; '
        "收入/支出构成 合计 and 占比 are derived by the app and not stored."
    )
    notes.append(
        "The 5 rows of 项目支出情况 are imported as projects holding only name, "
        "项目总预算, 项目本年度预算 and 主要支出方向和用途 (numbered in table order)."
    )
    return document(source, year, money_unit, "", unit_name, department, projects, notes)
