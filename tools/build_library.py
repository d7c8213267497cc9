#!/usr/bin/env python3
"""Derive the indicator library's 共性指标 from the demo data (the published seeds).

Usage (from the repository root)::

    python tools/build_library.py [DATA_DIR] [OUT_FILE]

DATA_DIR defaults to ``budgetapp/demo/data`` and OUT_FILE to
``budgetapp/library/data/common_indicators.json``; the library's data migration loads that file,
so production gets the library too, not only the demo.

Rules:
* every indicator row of every project table and department table is read;
* rows are deduplicated by (一级, 二级, 三级 name) after tidying the category names: spellings of
  the published tables are mapped onto the older framework's names (``可持续影响`` →
  ``可持续影响指标``) and a 二级 published under the wrong 一级 (seed 004: 满意度指标 / 质量指标)
  is moved under the 一级 it belongs to, so the library offers only well-formed pairs;
* description and basis are the most common non-blank ones among the rows (ties: first seen);
* comparator and unit are the most common ones among the rows whose target parses as a
  quantity (``budgetapp.indicators.values.parse_target``);
* keywords are the names of the projects the indicator appeared in, without the year;
* the library does not hand on the published mistakes DOMAIN.md lists: a 数量指标 is offered
  with a floor (``≥``) even where a table printed ``≤``, a 成本指标 keeps only a money unit, and a
  rate (…率) or 满意度 keeps only ``%``; an implausible unit is left blank for the filer.

Standard library plus the app's own pure-Python modules; no database.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from budgetapp.indicators.frameworks import FRAMEWORKS, LEGACY  # noqa: E402
from budgetapp.indicators.values import parse_target  # noqa: E402

DEFAULT_DATA_DIR = REPO_ROOT / "budgetapp" / "demo" / "data"
DEFAULT_OUT = REPO_ROOT / "budgetapp" / "library" / "data" / "common_indicators.json"
ALIASES = {"可持续影响": "可持续影响指标"}
DEPARTMENT_KEYWORD = "部门整体"

_PARENT_OF = {
    child: level1 for level1, children in FRAMEWORKS[LEGACY]["tree"] for child in children
}


def tidy_categories(level1: str, level2: str) -> tuple[str, str]:
    level1 = ALIASES.get(level1.strip(), level1.strip())
    level2 = ALIASES.get(level2.strip(), level2.strip())
    if level2 and _PARENT_OF.get(level2, level1) != level1:
        level1 = _PARENT_OF[level2]
    return level1, level2


def project_keyword(name: str) -> str:
    return re.sub(r"^\s*\d{4}\s*年(度)?", "", name).strip()


def _most_common(values: list[str]) -> str:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else ""


def plausible_unit(level2: str, name: str, unit: str) -> str:
    if level2 == "成本指标" and "元" not in unit:
        return ""
    if (name.rstrip("（%）()").endswith("率") or "满意度" in name) and unit not in {"%", "％"}:
        return ""
    return unit


def plausible_comparator(level2: str, comparator: str) -> str:
    if level2 == "数量指标" and comparator in {"≤", "<"}:
        return "≥"
    return comparator


def read_rows(data_dir: Path) -> list[tuple[dict, str]]:
    """(indicator row, keyword) for every row of every table of every data file."""
    rows: list[tuple[dict, str]] = []
    for path in sorted(data_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in (data.get("department") or {}).get("indicators") or []:
            rows.append((row, DEPARTMENT_KEYWORD))
        for project in data.get("projects") or []:
            for row in project.get("indicators") or []:
                rows.append((row, project_keyword(project["name"])))
    return rows


def build(data_dir: Path) -> list[dict]:
    groups: dict[tuple[str, str, str], list[tuple[dict, str]]] = {}
    for row, keyword in read_rows(data_dir):
        level1, level2 = tidy_categories(row["level1"], row.get("level2") or "")
        name = " ".join(row["name"].split())
        groups.setdefault((level1, level2, name), []).append((row, keyword))
    entries = []
    for (level1, level2, name), members in groups.items():
        parsed = [parse_target(row.get("target") or "") for row, _ in members]
        quantities = [p for p in parsed if p.is_quantitative]
        keywords = list(dict.fromkeys(k for _, k in members if k))
        entries.append(
            {
                "level1": level1,
                "level2": level2,
                "name": name,
                "description": _most_common([r.get("description", "").strip() for r, _ in members]),
                "basis": _most_common([r.get("basis", "").strip() for r, _ in members]),
                "comparator": plausible_comparator(
                    level2, _most_common([p.comparator for p in quantities])
                ),
                "unit": plausible_unit(level2, name, _most_common([p.unit for p in quantities])),
                "keywords": " ".join(keywords),
                "usage_count": len(members),
            }
        )
    order = {name: i for i, (name, _) in enumerate(FRAMEWORKS[LEGACY]["tree"])}
    children = [c for _, cs in FRAMEWORKS[LEGACY]["tree"] for c in cs]
    entries.sort(
        key=lambda e: (
            order.get(e["level1"], 99),
            children.index(e["level2"]) if e["level2"] in children else 99,
            e["name"],
        )
    )
    return entries


def main(argv: list[str]) -> int:
    data_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA_DIR
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    entries = build(data_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(entries)} 条共性指标 → {out.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
