"""tools/compare_seeds.py: our XLSX and PDF of the Hebei demo books against seeds 000 and 001,
cell by cell (the seeds' copies in tests/data/seeds)."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from budgetapp.targets.models import ProjectIndicator

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "tests" / "data" / "seeds"
sys.path.insert(0, str(REPO / "tools"))

import compare_seeds  # noqa: E402


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0, stdout=StringIO())


def _compare(tmp_path, prefix: str, fmt: str = "both"):
    return compare_seeds.compare_seed(compare_seeds.seed_path(SEED_DIR, prefix), fmt, tmp_path)


def test_the_seeds_parse_into_their_project_tables():
    zhangjiakou = compare_seeds.parse_seed(compare_seeds.seed_path(SEED_DIR, "000"))
    shanhaiguan = compare_seeds.parse_seed(compare_seeds.seed_path(SEED_DIR, "001"))
    assert [t.number for t in zhangjiakou] == list(range(1, 14))
    assert [t.number for t in shanhaiguan] == list(range(1, 10))
    first = zhangjiakou[0].cells
    assert first[:7] == [
        "1、2021年中央残疾人事业发展补助资金绩效目标表",
        "762001张家口市残疾人联合会本级",
        "单位：万元",
        "项目编码",
        "130700211K6T11USKAU5Y",
        "项目名称",
        "2021年中央残疾人事业发展补助资金",
    ]
    # A cell merged down the rows leaves an empty cell below (资金用途 under 预算规模及资金用途).
    assert first[first.index("0") + 1] == ""


@pytest.mark.parametrize(
    ("raw", "same_as"),
    [
        ("1,273.70", "1273.7"),
        ("0", "0.00"),
        ("25.00%", "25%"),
        ("（%）", "(%)"),
        ("a b\n c", "abc"),
    ],
)
def test_values_are_compared_normalised(raw, same_as):
    assert compare_seeds.normalise(raw) == compare_seeds.normalise(same_as)


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_our_exports_match_the_seed_cell_by_cell(demo, tmp_path, prefix):
    reports = _compare(tmp_path, prefix)
    tables = 13 if prefix == "000" else 9
    assert [(r.fmt, r.number) for r in reports] == [
        *(("xlsx", n) for n in range(1, tables + 1)),
        *(("pdf", n) for n in range(1, tables + 1)),
    ]
    out = StringIO()
    compare_seeds.print_report(reports, out=out)
    assert [d for r in reports for d in r.unexpected] == [], out.getvalue()
    # Every seed cell is matched but the known quirks (titles of 000, single goals of 001).
    for report in reports:
        assert report.matched >= 60, (report.fmt, report.number)
        assert len(report.differences) <= 1


def test_a_changed_value_is_reported_with_both_values(demo, tmp_path):
    indicator = ProjectIndicator.objects.get(
        table__unit__name="张家口市残疾人联合会本级", table__sequence=1, order=1
    )
    assert indicator.target == "≥3800人"
    indicator.target = "≥3900人"
    indicator.save()
    reports = _compare(tmp_path, "000")
    unexpected = {(r.fmt, r.number): r.unexpected for r in reports if r.unexpected}
    assert set(unexpected) == {("xlsx", 1), ("pdf", 1)}
    xlsx = unexpected["xlsx", 1]
    assert [(d.seed, d.ours) for d in xlsx] == [("≥3800人", "≥3900人")]
    assert unexpected["pdf", 1][0].seed == "≥3800人"
    out = StringIO()
    compare_seeds.print_report(reports, out=out)
    assert "'≥3800人'" in out.getvalue() and "'≥3900人'" in out.getvalue()
    assert "合计：" in out.getvalue() and "2 格不同" in out.getvalue()


def test_the_command_line_exits_zero_on_the_seeds(tmp_path):
    """The tool as run by hand: its own throw-away database, demo data loaded, XLSX only."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "compare_seeds.py"),
            str(SEED_DIR),
            "--format",
            "xlsx",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[000 xlsx] 表13" in result.stdout
    assert "[001 xlsx] 表9" in result.stdout
    assert "0 格不同（不含已知差异）" in result.stdout
