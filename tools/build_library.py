#!/usr/bin/env python3
"""Derive the indicator library's 共性指标 from the demo data (the published seeds).

Usage (from the repository root)::

    python tools/build_library.py [DATA_DIR] [OUT_FILE]

DATA_DIR defaults to ``budgetapp/demo/data`` and OUT_FILE to
``budgetapp/library/data/common_indicators.json``. The library's data migration 0002 installed a
frozen copy of that file, so production gets the library too, not only the demo; a changed file
needs a new data migration with its own copy.

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
  rate (…率) or 满意度 keeps only ``%``; an implausible unit is left blank for the filer;
* duplicates that the conversion of the seeds or a miscategorised row produced (``DUPLICATES``,
  reviewed by hand) are merged into the entry kept;
* every entry is then vetted with the 智能审核 rules as shipped (``budgetapp.library.vetting``):
  repaired where the rule's remedy is unambiguous, else left out and listed in the output.

Needs Django's settings (the rules are the app's); no database.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from budgetapp.indicators.frameworks import FRAMEWORKS, LEGACY  # noqa: E402
from budgetapp.indicators.values import parse_target  # noqa: E402

# (一级, 二级, 三级) of a duplicate → the entry it is merged into.
DUPLICATES: dict[tuple[str, str, str], tuple[str, str, str]] = {
    # the same count, named twice in seed 000
    ("产出指标", "数量指标", "得到基本康复服务的残疾人人数"): (
        "产出指标",
        "数量指标",
        "得到基本康复服务的残疾人数量",
    ),
    # a rate filed once as a quantity: it is a 质量指标
    ("产出指标", "数量指标", "覆盖率"): ("产出指标", "质量指标", "覆盖率"),
    # cells cut by the conversion of the seeds: “残疾人或\n其家属…”, “关心、\n理解…”
    ("满意度指标", "服务对象满意度指标", "其家属对残疾人康复服务的满意度"): (
        "满意度指标",
        "服务对象满意度指标",
        "残疾人康复服务的满意度",
    ),
    ("效益指标", "社会效益指标", "理解、支持残疾人的社会氛围"): (
        "效益指标",
        "社会效益指标",
        "关心、理解、支持残疾人的社会氛围",
    ),
}
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


@dataclass
class BuildReport:
    entries: list[dict] = field(default_factory=list)
    merged: list[tuple[tuple[str, str, str], tuple[str, str, str]]] = field(default_factory=list)
    repaired: list[tuple[dict, list[str]]] = field(default_factory=list)
    left_out: list[tuple[dict, list[str]]] = field(default_factory=list)


def build(data_dir: Path) -> list[dict]:
    return build_report(data_dir).entries


def build_report(data_dir: Path) -> BuildReport:
    from budgetapp.library.vetting import vet

    report = BuildReport()
    groups: dict[tuple[str, str, str], list[tuple[dict, str]]] = {}
    for row, keyword in read_rows(data_dir):
        level1, level2 = tidy_categories(row["level1"], row.get("level2") or "")
        name = " ".join(row["name"].split())
        key = DUPLICATES.get((level1, level2, name), (level1, level2, name))
        if key != (level1, level2, name) and ((level1, level2, name), key) not in report.merged:
            report.merged.append(((level1, level2, name), key))
        groups.setdefault(key, []).append((row, keyword))
    entries = []
    for (level1, level2, name), members in groups.items():
        parsed = [parse_target(row.get("target") or "") for row, _ in members]
        quantities = [p for p in parsed if p.is_quantitative]
        keywords = list(dict.fromkeys(k for _, k in members if k))
        candidate = {
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
        vetted = vet(candidate, [row.get("target") or "" for row, _ in members])
        if vetted.entry is None:
            report.left_out.append((candidate, vetted.problems))
            continue
        if vetted.repairs:
            report.repaired.append((vetted.entry, vetted.repairs))
        entries.append(vetted.entry)
    order = {name: i for i, (name, _) in enumerate(FRAMEWORKS[LEGACY]["tree"])}
    children = [c for _, cs in FRAMEWORKS[LEGACY]["tree"] for c in cs]
    entries.sort(
        key=lambda e: (
            order.get(e["level1"], 99),
            children.index(e["level2"]) if e["level2"] in children else 99,
            e["name"],
        )
    )
    report.entries = entries
    return report


def _setup_django() -> None:
    import os

    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetapp.settings")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    _setup_django()
    data_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA_DIR
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    report = build_report(data_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report.entries, ensure_ascii=False, indent=1) + "\n"
    out.write_text(text, encoding="utf-8")
    print(f"{len(report.entries)} 条共性指标 → {out.relative_to(REPO_ROOT)}")
    for duplicate, kept in report.merged:
        print(f"合并重复：{'/'.join(duplicate)} → {'/'.join(kept)}")
    for entry, repairs in report.repaired:
        print(f"修正：{entry['level2'] or entry['level1']}/{entry['name']}：{'；'.join(repairs)}")
    for entry, problems in report.left_out:
        print(f"未收录：{entry['level2'] or entry['level1']}/{entry['name']}：{problems[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
