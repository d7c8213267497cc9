#!/usr/bin/env python3
"""Convert the four published seed documents into the app's JSON demo data.

One-off provenance tool: the app never runs it, it only loads the JSON files
this script wrote into ``budgetapp/demo/data/``.  Standard library only.

Usage (from the repository root)::

    python tools/extract_seeds.py [SEED_DIR] [OUT_DIR]

SEED_DIR defaults to ``../shared/seeds`` and OUT_DIR to ``budgetapp/demo/data``,
both relative to the repository root.

Seeds and their layouts
-----------------------
* ``000_*.txt`` / ``001_*.txt`` (Hebei, "narrative" layout): a text
  conversion of Word files.  Every table cell is a line starting with a TAB,
  a line without a leading TAB continues the previous cell, blank lines are
  ignored inside tables.  Project tables are read as a stream of cells that is
  checked label by label; the indicator grid is the remaining cells in rows of
  six.
* ``003_*.txt`` (Guangdong layout): a markdown conversion whose indicator table
  is mangled; the reconstruction rules are hard-coded in
  :func:`parse_guangdong_indicators`, each with a comment saying why.
* ``004_*.txt`` (Hubei layout): TAB cells again, rows separated by blank lines.

Conventions
-----------
* Texts are kept exactly as published; only surrounding whitespace (including
  the full-width space U+3000) and conversion artefacts
  (`` TC ... \\f C \\l 1`` field codes, ``[bookmark: ...]``) are removed.
* Money and percentages are strings holding plain decimals, as published
  (thousands separators and the ``%`` sign removed); a blank cell is ``null``.
* Merged indicator cells: a blank 一级 means "same as the row above"; 二级 is
  filled down only when 一级 was blank too.
* 分项绩效目标 and 工作保障措施 items (``sub_goals`` / ``measures``): an item
  starts at a numbered line (``（一）`` if the section uses such headings,
  otherwise ``1、``).  The number is dropped.  If the item's line is a heading
  (no ``。`` in it, seed 000) it is the title and the following paragraphs,
  joined by ``\\n``, are the text.  If the item's line is a sentence (seed 001:
  ``1、完善制度建设。制定完善……``) the title is the short lead phrase before
  the first ``。`` (without the ``。``) and the text is the rest of that line
  plus any following paragraphs; an item that is a single sentence
  (``4、加强财务人员培训，提高业务素质。``) becomes a title with empty text.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from seed_guangdong import parse_guangdong
from seed_hebei import parse_hebei
from seed_hubei import parse_hubei
from seed_text import Json

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED_DIR = REPO_ROOT / ".." / "shared" / "seeds"
DEFAULT_OUT_DIR = REPO_ROOT / "budgetapp" / "demo" / "data"

# Expected sizes; the script refuses to write anything that does not match.
EXPECTED = {
    "zhangjiakou_2021.json": {"projects": 13, "project_indicators": 128},
    "shanhaiguan_2021.json": {"projects": 9, "project_indicators": 78},
    "lianjiang_2024.json": {"indicators": 27, "tasks": 9},
    "caidian_2025.json": {"projects": 5, "indicators": 11},
}


# --------------------------------------------------------------------------
# checks and main
# --------------------------------------------------------------------------


def check(name: str, data: Json) -> list[str]:
    """Assert the expected sizes; return warnings worth a human look."""
    expected = EXPECTED[name]
    projects = data["projects"]
    dept = data["department"]
    actual = {
        "projects": len(projects),
        "project_indicators": sum(len(p["indicators"]) for p in projects),
        "indicators": len(dept["indicators"]),
        "tasks": len(dept["tasks"]),
    }
    for key, value in expected.items():
        if actual[key] != value:
            raise AssertionError(f"{name}: {key} = {actual[key]}, expected {value}")

    warnings = []
    for p in projects:
        parts = [p["budget_fiscal"], p["budget_other"]]
        if (
            p["budget_total"] is not None
            and None not in parts
            and Decimal(parts[0]) + Decimal(parts[1]) != Decimal(p["budget_total"])
        ):
            warnings.append(f"table {p['number']}: fiscal + other != total")
        plan = p["plan"]
        if any(plan) and (plan[-1] is None or Decimal(plan[-1]) != 100):
            warnings.append(f"table {p['number']} {p['name']}: plan {plan} does not end at 100")
    return warnings


def main(argv: list[str]) -> int:
    seed_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEED_DIR
    out_dir = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT_DIR

    def seed(prefix: str) -> Path:
        (path,) = seed_dir.glob(f"{prefix}_*.txt")
        return path

    s000, s001, s003, s004 = (seed(p) for p in ("000", "001", "003", "004"))
    outputs = {
        "zhangjiakou_2021.json": parse_hebei(
            s000,
            f"{s000.name}: 张家口市残疾人联合会2021年部门预算信息公开情况说明"
            "（部门整体绩效目标及13张项目绩效目标表）",
            2021,
            [],
        ),
        "shanhaiguan_2021.json": parse_hebei(
            s001,
            f"{s001.name}: 秦皇岛市山海关区残疾人联合会2021年部门整体绩效目标"
            "及9张预算项目绩效目标表",
            2021,
            [],
        ),
        "lianjiang_2024.json": parse_guangdong(
            s003,
            f"{s003.name}: 廉江市残疾人联合会2024年市级部门整体预算绩效目标表"
            "（markdown 转换件，指标表有损坏）",
            2024,
            [],
        ),
        "caidian_2025.json": parse_hubei(
            s004, f"{s004.name}: 武汉市蔡甸区残疾人联合会2025年整体支出绩效目标表", 2025, []
        ),
    }

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        warnings = check(name, data)
        (out_dir / name).write_text(
            json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        projects = data["projects"]
        print(
            f"{name}: {len(projects)} projects, "
            f"{sum(len(p['indicators']) for p in projects)} project indicator rows, "
            f"{len(data['department']['indicators'])} department indicator rows"
        )
        for warning in warnings:
            print(f"  warning: {warning}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
