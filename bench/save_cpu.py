"""CPU of the editor's save in one process: N saves of a 20-row project table, each rolled back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h2_bench \
        .venv/bin/python bench/save_cpu.py --setup          # once: migrate and load a small country
    DATABASE_URL=… .venv/bin/python bench/save_cpu.py --saves 60 [--profile out.prof]

Each save is the editor's form as the page shows it (tests/html_forms.py), posted back by
django.test.Client with 资金用途 changed, inside a transaction that is rolled back, so every save
starts from the same table. Prints the minimum and the median of `time.process_time()` per save
(the minimum is the figure to compare on a busy machine) and the queries of one save.

Instructions, which other processes on the machine do not disturb:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=save.out \
        .venv/bin/python bench/save_cpu.py --saves 10 --callgrind
    grep ^totals: save.out     # divided by --saves: instructions per save
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetapp.settings_test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--saves", type=int, default=60)
    parser.add_argument("--profile", default="")
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="run under `valgrind --tool=callgrind --instr-atstart=no`: instructions are "
        "counted during the measured saves only",
    )
    options = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from budgetapp.demo.national import Size
    from budgetapp.demo.national_build import load_national
    from budgetapp.targets.models import ProjectTable
    from tests.html_forms import read_form

    if options.setup:
        call_command("migrate", verbosity=0)
        size = Size(provinces=1, cities=1, counties=2, tables=8, rows=60, bench_city_units=2)
        load_national(size, password="bench-Pass-1")
    from django.db.models import Count

    table = (
        ProjectTable.objects.annotate(n=Count("indicators"))
        .filter(n=20, status__in=["draft", "returned"])
        .order_by("pk")
        .first()
    )
    assert table is not None, "no 20-row draft project table: run with --setup"
    filer = (
        get_user_model()
        .objects.filter(account__unit=table.unit, account__role="filer")
        .order_by("pk")
        .first()
    )
    client = Client()
    client.force_login(filer)
    url = reverse("targets:project_edit", args=[table.pk])

    # One save kept: the table's current version then has its revision (a table loaded by the
    # generator has none, and each rolled-back save would write its baseline again).
    def form() -> list[tuple[str, str]]:
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        return read_form(page.content.decode()).pairs

    def post(pairs: list[tuple[str, str]]):
        # As a browser posts the form (and bench/pages.py): urlencoded, not multipart.
        body = urllib.parse.urlencode(pairs)
        return client.post(url, body, content_type="application/x-www-form-urlencoded")

    saved = post(form())
    assert saved.status_code == 302 and "/edit/" not in saved["Location"], saved["Location"]
    data = form()

    def save(turn: int) -> float:
        pairs = [(k, f"第{turn}次保存" if k == "fund_use" else v) for k, v in data]
        with transaction.atomic():
            start = time.process_time()
            response = post(pairs)
            spent = time.process_time() - start
            assert response.status_code == 302 and "/edit/" not in response["Location"]
            transaction.set_rollback(True)
        return spent

    for turn in range(5):
        save(turn)
    with CaptureQueriesContext(connection) as queries:
        save(0)
    counted = len(queries)  # now: the next request empties the connection's log
    times = []
    profiler = None
    if options.profile:
        import cProfile

        profiler = cProfile.Profile()
    if options.callgrind:
        subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True)
    for turn in range(options.saves):
        if profiler:
            profiler.enable()
        times.append(save(turn))
        if profiler:
            profiler.disable()
    if options.callgrind:
        subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True)
    if profiler:
        profiler.dump_stats(options.profile)
    ms = sorted(t * 1000 for t in times)
    print(
        f"table {table.pk}: {counted} queries; CPU per save min {ms[0]:.2f} ms, "
        f"median {statistics.median(ms):.2f} ms over {len(ms)} saves"
    )


if __name__ == "__main__":
    main()
