"""Deadline-day load test: 100 filers saving at once, and the database checked afterwards.

    .venv/bin/python bench/load.py [--pause 0] [--duration 60] [--workers 2]
                                   [--with-city-export | --compare-city-export]
                                   [--database-url postgres://…/budgetapp_national]
                                   [--redis redis://127.0.0.1:6379/0]

What it does, on this machine only (the server listens on 127.0.0.1, the run is bounded):

1. A PostgreSQL database: a throw-away one (`budgetapp_load`, dropped at the end unless
   --keep-database), or the one named by --database-url (e.g. the national dataset), migrated.
2. The people of deadline day (bench/load_data.py): `--filers` accounts (100), each filing one
   project table of `--rows` indicator rows (20), the first `--pairs` pairs (5) sharing theirs.
3. gunicorn with `--workers` sync workers (2) serving the production settings (DEBUG off),
   and with --with-city-export the task worker (`manage.py run_task_worker`, lower CPU
   priority) running a whole city's export meanwhile: `--export-units` units (40) of
   `--export-tables` tables (20), printed cold.
4. locust (bench/locustfile.py) with one simulated filer per account, each looping
   editor → save → table page, pausing `--pause` seconds (0) between actions, for `--duration`
   seconds (60) counted from the moment the last filer has logged in.
5. The figures of the window (requests/s, p50, p95, errors, per page; the load average and how
   busy the cores were; the server's CPU time per request) and the verification: every save the
   server accepted is in the database exactly once, nothing refused was stored, and a save was
   refused as stale only where the other filer of the same table had saved in between.

--compare-city-export runs the scenario twice, without and then with the city export, and prints
the ratios the issue sets (throughput ≥ 0.9×, p95 ≤ 1.2× of the run without). Exit status 1 if
the verification fails or any request failed (the figures are printed either way).

The host's speed moves by up to 75 % within minutes: each run times a fixed loop just before and
just after its window (bench/probe.py) and prints "probe before/after: x.xx s / y.yy s" with its
figures. The server gets REDIS_URL (its caches in Redis, shared by the workers) only when
--redis is given; otherwise each worker keeps its own caches, whatever the shell's REDIS_URL.

Why locust: it is the field's standard load tool in Python (pinned in requirements-dev.txt,
Python ≥ 3.11), scenarios are plain Python with real sessions, CSRF tokens and forms, and its
gevent HTTP client costs little CPU on the machine it shares with the server.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_check import (  # noqa: E402 (the repository root is put on the path first)
    Figures,
    StoredSave,
    Verdict,
    figures,
    read_records,
    verify_saves,
)
from bench.probe import probe, probe_line  # noqa: E402

PYTHON = sys.executable
LOCUST = str(Path(PYTHON).with_name("locust"))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/budgetapp_load"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def main() -> int:
    options = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    database_url = options.database_url or DEFAULT_DATABASE
    throwaway = options.database_url is None
    env = server_env(database_url, workdir, options)
    try:
        if throwaway:
            recreate_database(database_url)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command

        print("migrate …", flush=True)
        call_command("migrate", verbosity=0)
        run(["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        runs = [False, True] if options.compare_city_export else [options.with_city_export]
        results = []
        for with_export in runs:
            results.append(scenario(options, env, workdir, with_export=with_export))
        if len(results) == 2:
            compare(results[0][0], results[1][0], (results[0][2], results[1][2]))
        return 0 if all(ok for _, ok, _ in results) else 1
    finally:
        if throwaway and not options.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


def parse_args(args: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filers", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=5, help="pairs of filers sharing a table")
    parser.add_argument("--rows", type=int, default=20, help="indicator rows per table")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds (≤ 600)")
    parser.add_argument("--pause", type=float, default=0, help="seconds between two actions")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--with-city-export", action="store_true")
    parser.add_argument("--compare-city-export", action="store_true")
    parser.add_argument("--export-units", type=int, default=40)
    parser.add_argument("--export-tables", type=int, default=20)
    parser.add_argument(
        "--database-url",
        help="use this PostgreSQL database (kept) instead of a throw-away budgetapp_load",
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="REDIS_URL for the server (default: no Redis, whatever the shell has)",
    )
    options = parser.parse_args(args)
    if not 0 < options.duration <= 600:
        parser.error("--duration must be between 0 and 600 seconds")
    if options.database_url and not options.database_url.startswith("postgres"):
        parser.error("the load test needs PostgreSQL (several processes write at once)")
    return options


def server_env(database_url: str, workdir: Path, options) -> dict[str, str]:
    """The production settings, on this machine: DEBUG off, no HTTPS redirect (plain HTTP on
    127.0.0.1), files and printed tables in the run's temporary folder; Redis only with
    --redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budgetapp.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "EXPORT_CACHE_DIR": str(workdir / "export-cache"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    if options.redis:
        env["REDIS_URL"] = options.redis
    return env


def _admin_connection(database_url: str):
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    info = conninfo_to_dict(database_url)
    if info.get("host", "127.0.0.1") not in LOCAL_HOSTS:
        sys.exit("the load test runs against a database on this machine only")
    return psycopg.connect(make_conninfo(database_url, dbname="postgres"), autocommit=True), info[
        "dbname"
    ]


def recreate_database(database_url: str) -> None:
    connection, name = _admin_connection(database_url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    connection, name = _admin_connection(database_url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], options, workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", "budgetapp.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(options.workers), "--threads", str(options.threads),
               "--timeout", "120", "--backlog", "2048"]  # fmt: skip
    log = (workdir / "gunicorn.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/accounts/login/", timeout=10) as response:
                if response.status == 200:
                    return process, url
        except (OSError, urllib.error.HTTPError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            sys.exit("gunicorn did not start:\n" + (workdir / "gunicorn.log").read_text()[-3000:])
        time.sleep(0.3)


def start_task_worker(env: dict[str, str], workdir: Path) -> subprocess.Popen:
    log = (workdir / "worker.log").open("w")
    return subprocess.Popen(
        [PYTHON, "manage.py", "run_task_worker", "--no-reload", "--interval", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            direct = [int(p) for p in file.read().split()]
    except OSError:
        return []
    return direct + [grand for child in direct for grand in children(child)]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes, from /proc (clock ticks)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time so far of gunicorn: its master and workers."""
    return cpu_seconds([server.pid, *children(server.pid)])


class DatabaseCpu:
    """CPU time of the PostgreSQL server processes serving one database (on this machine), from
    the window's start: sampled often, as a connection's process ends when Django closes it
    (CONN_MAX_AGE) and a new one starts, so a few tenths of a second may escape the count."""

    def __init__(self, database_url: str) -> None:
        from psycopg.conninfo import conninfo_to_dict

        self.marker = f" {conninfo_to_dict(database_url)['dbname']} "
        self.start: dict[int, float] = self._backends()
        self.last: dict[int, float] = {}

    def _backends(self) -> dict[int, float]:
        found = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                command = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if command.startswith(b"postgres: ") and self.marker.encode() in command:
                found[int(entry.name)] = cpu_seconds([int(entry.name)])
        return found

    def sample(self) -> float:
        """Seconds used since the start by the backends seen so far."""
        self.last.update(self._backends())
        return sum(seconds - self.start.get(pid, 0.0) for pid, seconds in self.last.items())


def busy_cores() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def scenario(options, env: dict[str, str], workdir: Path, *, with_export: bool):
    from bench.load_data import make_deadline_data

    label = "with a city export running" if with_export else "filers only"
    print(f"\n=== Deadline day, {label}: building the accounts and tables …", flush=True)
    data = make_deadline_data(
        filers=options.filers,
        pairs=options.pairs,
        rows=options.rows,
        export_units=options.export_units if with_export else 0,
        export_tables=options.export_tables if with_export else 0,
    )
    shutil.rmtree(workdir / "export-cache", ignore_errors=True)  # the export prints cold
    config = workdir / "load.json"
    records = workdir / "records.jsonl"
    window_started = workdir / "window-started"
    window_started.unlink(missing_ok=True)
    config.write_text(
        json.dumps(
            {
                "filers": [f.__dict__ for f in data.filers],
                "password": data.password,
                "duration": options.duration,
                "pause": options.pause,
                "records": str(records),
                "window_started": str(window_started),
            }
        )
    )
    server, url = start_server(env, options, workdir)
    worker = job = None
    try:
        if with_export:
            worker = start_task_worker(env, workdir)
            job = start_city_export(data)
        print(f"locust: {len(data.filers)} filers against {url} …", flush=True)
        before_logins = server_cpu_seconds(server)
        before_worker = cpu_seconds([worker.pid, *children(worker.pid)]) if worker else 0.0
        before_cores = busy_cores()
        before_client = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The host's speed just before the window (locust's logins come first, then the window).
        probe_before = probe()
        output = workdir / "locust.log"
        with output.open("w") as log:
            locust = subprocess.Popen(
                [LOCUST, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "--users", str(len(data.filers)), "--spawn-rate", str(len(data.filers)),
                 "--host", url, "--run-time", f"{int(options.duration) + 600}s",
                 "--stop-timeout", "120", "--only-summary", "--loglevel", "WARNING",
                 "--exit-code-on-error", "0"],
                cwd=ROOT,
                env={**env, "LOAD_CONFIG": str(config)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            # The window starts when the last filer is signed in: the server's CPU from then
            # on is the window's requests' alone (the 100 logins hash passwords, by design
            # slowly: about 0.25 s of CPU each, counted apart).
            while not window_started.exists() and locust.poll() is None:
                time.sleep(0.05)
            before_server = server_cpu_seconds(server)
            database = DatabaseCpu(env["DATABASE_URL"])
            while locust.poll() is None:
                database.sample()
                time.sleep(0.25)
        probe_after = probe()
        load_average = os.getloadavg()
        after_client = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_cpu = (after_client.ru_utime + after_client.ru_stime) - (
            before_client.ru_utime + before_client.ru_stime
        )
        after_cores = busy_cores()
        server_cpu = server_cpu_seconds(server) - before_server
        database_cpu = database.sample()
        login_cpu = before_server - before_logins
        if locust.returncode != 0 or not records.exists():
            print(output.read_text()[-6000:])
            raise SystemExit(f"locust failed ({locust.returncode})")
        export_state = describe_job(job) if job is not None else ""
        if worker is not None:
            used = cpu_seconds([worker.pid, *children(worker.pid)]) - before_worker
            export_state += (
                f"; the task worker and its PDF processes used {used:.1f} s of CPU while locust ran"
            )
    finally:
        stop(worker)
        stop(server)
    requests, saves, window = read_records(records)
    if not saves:
        print((workdir / "locust.log").read_text()[-4000:])
    result = figures(requests, window)
    verdict = verify(data, saves)
    probes = (probe_before, probe_after)
    busy = (after_cores[0] - before_cores[0]) / max(1, after_cores[1] - before_cores[1])
    report(
        options,
        label,
        result,
        verdict,
        load_average,
        busy,
        (server_cpu, login_cpu, database_cpu, client_cpu),
        export_state,
        probes,
    )
    return result, verdict.ok and result.errors == 0 and result.requests > 0, probes


def start_city_export(data):
    from django.contrib.auth import get_user_model

    from budgetapp.exports.jobs import start_city_export as start
    from budgetapp.exports.models import ExportJob, JobStatus
    from budgetapp.units.models import BudgetYear

    reviewer = get_user_model().objects.get(username=data.reviewer)
    job = start(user=reviewer, year=BudgetYear.objects.get(year=data.year))
    deadline = time.monotonic() + 60
    while ExportJob.objects.get(pk=job.pk).status == JobStatus.PENDING:
        if time.monotonic() > deadline:
            raise SystemExit("the task worker did not start the city export within 60 s")
        time.sleep(0.2)
    print(f"city export running: {job.total} units of {data.export_tables} tables", flush=True)
    return job


def describe_job(job) -> str:
    job.refresh_from_db()
    return f"{job.get_status_display()}, {job.done}/{job.total} units printed by the window's end"


def verify(data, saves: list[dict]) -> Verdict:
    from django.contrib.contenttypes.models import ContentType

    from budgetapp.targets.models import ProjectTable, Revision, RevisionAction

    tables = {filer.table_id for filer in data.filers}
    revisions = Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(ProjectTable),
        object_id__in=tables,
        action=RevisionAction.EDIT,
    ).select_related("saved_by")
    stored = [
        StoredSave(
            table=revision.object_id,
            version=revision.version,
            user=revision.saved_by.username if revision.saved_by else "",
            marker=revision.data["fields"]["fund_use"],
        )
        for revision in revisions
    ]
    versions = dict(ProjectTable.objects.filter(pk__in=tables).values_list("pk", "version"))
    partners = {filer.username: filer.partner for filer in data.filers}
    return verify_saves(saves, stored, versions, partners)


def report(options, label, result: Figures, verdict: Verdict, load, busy, cpu, export, probes):
    server_cpu, login_cpu, database_cpu, client_cpu = cpu
    print(f"\n--- {label}: {options.filers} filers ({options.pairs} pairs sharing a table), "
          f"{options.rows} rows, pause {options.pause:g} s, gunicorn {options.workers} sync "
          f"worker(s) × {options.threads} thread(s), {os.cpu_count()} cores; "
          f"REDIS_URL {'set' if options.redis else 'unset'}")  # fmt: skip
    print(probe_line(*probes))
    print(f"requests: {result.requests} in {result.seconds:.0f} s = {result.per_second:.1f}/s; "
          f"p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms; errors {result.errors}")  # fmt: skip
    for name, (count, p50, p95) in result.by_name.items():
        print(f"  {name:<11} {count:>6}  p50 {p50:>7.0f} ms  p95 {p95:>7.0f} ms")
    for sample in result.error_samples:
        print(f"  error: {sample}")
    per_request = server_cpu / result.requests * 1000 if result.requests else 0
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; cores busy {busy:.0%}; "
          f"gunicorn CPU {per_request:.0f} ms per request of the window (the {options.filers} "
          f"logins before it: {login_cpu:.1f} s); locust (the load generator, on the same cores) "
          f"{client_cpu:.0f} s of CPU")  # fmt: skip
    if result.requests:
        print(f"PostgreSQL's backends of the database: {database_cpu / result.requests * 1000:.0f} "
              f"ms of CPU per request of the window")  # fmt: skip
    if export:
        print(f"city export: {export}")
    print(f"saves: {verdict.accepted} accepted, {verdict.refused} refused as stale "
          f"({verdict.rightly_refused} where the pair really collided)")  # fmt: skip
    if not result.requests:
        print("verification FAILED: no request was made in the window")
    elif verdict.ok:
        print("verification: every accepted save is in the database, none refused wrongly")
    else:
        print(f"verification FAILED ({len(verdict.problems)} problems):")
        for problem in verdict.problems[:20]:
            print(f"  {problem}")
    if options.pause == 0:
        targets = result.per_second >= 50 and result.p95_ms <= 2500
        print(f"target ≥ 50 requests/s with p95 ≤ 2.5 s: {'met' if targets else 'NOT met'}")
    elif options.pause >= 10:
        print(f"target p95 ≤ 300 ms: {'met' if result.p95_ms <= 300 else 'NOT met'}")


def compare(alone: Figures, exporting: Figures, probes: tuple[tuple, tuple]) -> None:
    throughput = exporting.per_second / alone.per_second if alone.per_second else 0
    p95 = exporting.p95_ms / alone.p95_ms if alone.p95_ms else float("inf")
    print(
        f"\nfilers only: {probe_line(*probes[0])}; with the city export: {probe_line(*probes[1])}"
    )
    print(f"with the city export: throughput {throughput:.2f}× (target ≥ 0.9×), "
          f"p95 {p95:.2f}× (target ≤ 1.2×): "
          f"{'met' if throughput >= 0.9 and p95 <= 1.2 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
