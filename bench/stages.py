"""Export speed of the later stages' layouts beside the target table's, in one warm process.

    .venv/bin/python bench/stages.py [--runs 5]          (also run by `make bench`)

Sets Django up with a throw-away SQLite database in a temporary folder, loads the demo and its
stages (`load_demo`, `publish_demo`: 张家口 2021 published, monitored at 1–7月 and
self-evaluated), then prints min / median / max over --runs runs, after one warm-up, of:

- one project table (张家口 No. 1) to PDF and to XLSX                 target ≤ 0.15 s (PDF)
- its 执行监控表 to PDF and to XLSX                                   same target
- its 项目支出绩效自评表 to PDF and to XLSX                             same target
- the unit's 13 self-evaluations as one PDF book, beside its 14-table target book (≤ 1.0 s)
- the unit's whole year (全年合订本: 14 target tables, 13 监控表, 13 自评表) to PDF and to XLSX
- the city summary of the 1–7月 round (执行监控汇总表) and of the year's self-evaluations
  (绩效自评汇总表), each to PDF and to XLSX

The export cache is emptied before every run ("not cached"); the lines a printing process keeps
(exports' line-break reuse) are not, for the three kinds alike, so the comparison is even.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNIT = "张家口市残疾人联合会本级"
YEAR = 2021
ONE_TABLE_TARGET = 0.15
BOOK_TARGET = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    options, _ = parser.parse_known_args()
    workdir = Path(tempfile.mkdtemp(prefix="stage-bench-"))
    try:
        run(options.runs, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(runs: int, workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "stage-benchmark-only")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["EXPORT_CACHE_DIR"] = str(workdir / "export-cache")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetapp.settings")
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command

    from budgetapp.evaluation.books import year_book
    from budgetapp.evaluation.layout import evaluation_document
    from budgetapp.evaluation.models import SelfEvaluation
    from budgetapp.evaluation.summary import evaluation_summary_book
    from budgetapp.exports import cache as export_cache
    from budgetapp.exports.book import Book, BookEntry, Part, unit_book
    from budgetapp.exports.registry import EXPORTERS, export_table
    from budgetapp.exports.stages import export_stage
    from budgetapp.monitoring.models import MonitoringSheet
    from budgetapp.monitoring.summary import round_summary_book
    from budgetapp.targets.models import ProjectTable
    from budgetapp.units.models import Unit

    print("Setting up: migrate, load_demo, publish_demo (with the stages' demo) …", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("publish_demo", verbosity=0)
    table = ProjectTable.objects.get(unit__name=UNIT, year__year=YEAR, sequence=1)
    sheet = MonitoringSheet.objects.get(table=table)
    evaluation = SelfEvaluation.objects.get(table=table)
    evaluations = list(
        SelfEvaluation.objects.filter(unit__name=UNIT, year__year=YEAR).order_by("table__sequence")
    )
    stage_book = Book(
        title="绩效自评",
        author=UNIT,
        filename="evaluations",
        parts=[
            Part(
                heading="",
                entries=[BookEntry(e.table.name[:28], evaluation_document(e)) for e in evaluations],
            )
        ],
    )
    target_book = unit_book(table.unit, YEAR)

    def measure(label: str, action: Callable[[], object], target: float | None) -> None:
        export_cache.clear()
        action()
        times = []
        for _ in range(runs):
            export_cache.clear()
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        verdict = "" if target is None else ("  ok" if median <= target else "  OVER")
        goal = "" if target is None else f"  (target ≤ {target:.2f} s)"
        print(
            f"{label:<44} min {min(times):6.3f}  median {median:6.3f}  max {max(times):6.3f} s"
            f"{goal}{verdict}",
            flush=True,
        )

    print(f"\n{runs} runs each, export cache emptied before every run\n")
    measure("project table → PDF", lambda: export_table(table, "pdf"), ONE_TABLE_TARGET)
    measure("执行监控表 → PDF", lambda: export_stage(sheet, "pdf"), ONE_TABLE_TARGET)
    measure("绩效自评表 → PDF", lambda: export_stage(evaluation, "pdf"), ONE_TABLE_TARGET)
    measure("project table → XLSX", lambda: export_table(table, "xlsx"), None)
    measure("执行监控表 → XLSX", lambda: export_stage(sheet, "xlsx"), None)
    measure("绩效自评表 → XLSX", lambda: export_stage(evaluation, "xlsx"), None)
    measure("14-table target book → PDF", lambda: EXPORTERS["pdf"](target_book), BOOK_TARGET)
    measure(
        f"{len(evaluations)} self-evaluations → PDF book",
        lambda: EXPORTERS["pdf"](stage_book),
        BOOK_TARGET,
    )
    # The books and summaries as the download views build them: the queries are in the time.
    unit, round_ = table.unit, sheet.round
    city = list(Unit.objects.filter(region__path__startswith=round_.region.path))
    whole_year = year_book(unit, YEAR)
    print(
        f"\n全年合订本: {len(whole_year.entries())} tables; round of {round_.sheets.count()} sheets"
    )
    measure("全年合订本 → PDF", lambda: EXPORTERS["pdf"](year_book(unit, YEAR)), None)
    measure("全年合订本 → XLSX", lambda: EXPORTERS["xlsx"](year_book(unit, YEAR)), None)
    measure(
        "执行监控汇总表 (round) → PDF",
        lambda: EXPORTERS["pdf"](round_summary_book(round_)),
        None,
    )
    measure(
        "执行监控汇总表 (round) → XLSX", lambda: EXPORTERS["xlsx"](round_summary_book(round_)), None
    )

    def evaluation_summary() -> object:
        return evaluation_summary_book(units=city, year=table.year, scope=round_.region.name)

    measure("绩效自评汇总表 (city) → PDF", lambda: EXPORTERS["pdf"](evaluation_summary()), None)
    measure("绩效自评汇总表 (city) → XLSX", lambda: EXPORTERS["xlsx"](evaluation_summary()), None)


if __name__ == "__main__":
    main()
