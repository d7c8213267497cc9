"""Page benchmark: queries and p50/p95 of the pages that grow with the country, beside a
hello-world floor, through gunicorn (2 sync workers) on PostgreSQL.

    .venv/bin/python bench/pages.py                  (make bench-pages: a smaller country)
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/budgetapp_national

Without --database-url a throw-away PostgreSQL database is created on $BENCH_POSTGRES
(default postgres://postgres@127.0.0.1:5432), migrated and filled by `manage.py load_national`
at --size (default "small": 4 provinces, 40 cities, 400 county units, 8,400 tables, 123,000
indicator rows; "national": the full 63,000 tables, about 4 minutes), and dropped afterwards.
With --database-url the database is used as it is; it is migrated and, when it has no regions
yet, filled at --size (so a national one is generated once and reused: docs/performance.md).

The server is the production settings plus a hello-world view, an empty page of the site for a
signed-in filer (what every page pays: middleware, context processors, base.html) and a header
counting each request's queries (bench/settings.py); `REDIS_URL` is passed on when --redis is given. The
benchmark signs its accounts in (sessions written to the database, second factor done) and
then, one request at a time, sends --warmup requests and --requests measured ones to each page
(a save first reloads its editor, not measured, and posts it back with one value changed). It
prints queries per request, p50, p95 and the first (cold) request's time, the CPU time the
server's processes spent on each request (p50), the CPU time PostgreSQL's processes serving the
server's connections spent on it (p50; found by their application name, PGAPPNAME), the targets of
issue 17, and the load average of the machine, which is shared: compare with the floor of the same
run. The host's own speed moves by up to 75 % within minutes: a fixed loop is timed just before
the first measured page and just after the last (bench/probe.py), printed as "probe
before/after: x.xx s / y.yy s".
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.probe import probe, probe_line  # noqa: E402 (the repository root is put on the path first)

PYTHON = sys.executable
# The application name of the server's connections to PostgreSQL (_database_cpu).
APPLICATION_NAME = f"pages-bench-{os.getpid()}"
SIZES = {
    "tiny": ["--provinces", "2", "--cities", "4", "--counties", "60", "--tables", "1260",
             "--rows", "18500"],
    "small": ["--provinces", "4", "--cities", "40", "--counties", "400", "--tables", "8400",
              "--rows", "123000"],
    "national": [],
}  # fmt: skip
# Issue 17's targets (p50, ms) and the figures measured when it was filed (queries, p50 ms).
TARGETS = {
    "editor": 40,
    "save": 40,
    "table": 20,
    "dashboard": 40,
    "reviewer_home": 20,
    "portal_region": 10,
    "portal_province": 10,
    "portal_index": 10,
    "portal_unit": 10,
    "portal_unit_year": 10,
    "portal_table": 10,
    "search": 15,
}
ISSUE = {
    "floor": ("", "1.0"),
    "editor": ("22", "143"),
    "save": ("146", "117"),
    "table": ("27", "57"),
    "dashboard": ("11", "92"),
    "reviewer_home": ("12", "244"),
    "portal_region": ("11–12", "110"),
    "search": ("1", "42"),
    "admin_home": ("9–10", "6,000–10,000"),
    "admin_dashboard": ("9–10", "6,000–10,000"),
}


@dataclass
class Result:
    name: str
    label: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the server's CPU seconds per request
    database_cpu: list[float] = field(default_factory=list)  # PostgreSQL's, per request
    first: float = 0.0
    queries: str = ""
    size: int = 0
    status: int = 0

    def p(self, q: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.times if values is None else values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    def cpu_p50(self) -> str:
        return f"{self.p(0.5, self.cpu):.1f}" if self.cpu else "?"

    def database_cpu_p50(self) -> str:
        return f"{self.p(0.5, self.database_cpu):.1f}" if self.database_cpu else "?"


def parse_args(args: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an existing PostgreSQL database to use")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests first")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--redis", metavar="URL", help="REDIS_URL for the server")
    parser.add_argument("--only", help="comma-separated page names to run")
    return parser.parse_args(args)


def main() -> None:
    options = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    created = None
    try:
        url = options.database_url
        if url is None:
            created = f"budgetapp_pages_bench_{os.getpid()}"
            base = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
            _psql(base, f'CREATE DATABASE "{created}"')
            url = f"{base}/{created}"
        run(options, url, workdir)
    finally:
        if created:
            _psql(base, f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


def _psql(base: str, sql: str) -> None:
    parts = urllib.parse.urlsplit(base)
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", parts.hostname or "127.0.0.1",
               "-p", str(parts.port or 5432), "-U", parts.username or "postgres", "-d", "postgres",
               "-c", sql]  # fmt: skip
    subprocess.run(command, check=True, env=env)


def _environment(url: str, workdir: Path, port: int, redis: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "pages-benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "EXPORT_CACHE_DIR": str(workdir / "export-cache"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        # libpq names the server's connections so that their PostgreSQL processes can be found.
        "PGAPPNAME": APPLICATION_NAME,
    }
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    return env


def run(options, url: str, workdir: Path) -> None:
    port = _free_port()
    env = _environment(url, workdir, port, options.redis)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    from django.core.management import call_command

    from budgetapp.units.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        print(f"Generating the {options.size} dataset (manage.py load_national) …", flush=True)
        started = time.monotonic()
        call_command("load_national", *SIZES[options.size])
        print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
    plan = _plan()
    server = _start_server(env, port, options.workers, workdir)
    try:
        _wait_for(port)
        sessions = {role: _session(username) for role, username in plan.accounts.items()}
        pages = _pages(plan, sessions)
        if options.only:
            chosen = {"floor", *options.only.split(",")}
            pages = [p for p in pages if p[0] in chosen]
        load_before = os.getloadavg()
        options.server_group = server.pid
        probe_before = probe()
        results = [_measure(port, options, *page) for page in pages]
        options.probes = (probe_before, probe())
        load_after = os.getloadavg()
    finally:
        _stop(server)
    _print(results, plan, options, load_before, load_after)


# --- What is measured ----------------------------------------------------------------------------


@dataclass
class Plan:
    accounts: dict[str, str]
    project: int
    rows: int
    city_region: int
    province_region: int
    unit: int
    year: int
    published: tuple[str, int]
    summary: str


def _plan() -> Plan:
    """The named parts of the dataset (budgetapp/demo/national.py)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from budgetapp.exports.models import Publication
    from budgetapp.targets.models import ProjectTable, Status
    from budgetapp.units.models import Account, Region, Role, Unit

    city = Region.objects.filter(level="city").order_by("pk").first()
    units = Unit.objects.filter(region__path__startswith=city.path)
    county = units.exclude(region=city).order_by("pk").first()
    project = (
        ProjectTable.objects.filter(unit=county, status=Status.DRAFT)
        .annotate(rows=Count("indicators"))
        .order_by("-year__year", "sequence")
        .first()
    )
    filer = Account.objects.filter(unit=county, role=Role.FILER).order_by("user__username")[0]
    reviewer = Account.objects.filter(unit__region=city, role=Role.REVIEWER).first()
    province = Region.objects.get(pk=city.parent_id)
    admin = get_user_model().objects.get(username="bench_admin")
    published = (
        Publication.objects.filter(unit__region__path__startswith=city.path, kind="project")
        .order_by("pk")
        .first()
    )
    tables = ProjectTable.objects.count()
    return Plan(
        accounts={
            "filer": filer.user.username,
            "reviewer": reviewer.user.username,
            "admin": admin.username,
        },
        project=project.pk,
        rows=project.rows,
        city_region=city.pk,
        province_region=province.pk,
        unit=published.unit_id,
        year=published.year.year,
        published=(published.kind, published.object_id),
        summary=(
            f"{Region.objects.count()} regions, {Unit.objects.count()} units, "
            f"{tables} project tables, {Publication.objects.count()} published versions; "
            f"the city has {units.count()} units, the table {project.rows} rows"
        ),
    )


def _pages(plan: Plan, sessions: dict[str, str]) -> list[tuple]:
    from django.urls import reverse

    kind, pk = plan.published
    editor = reverse("targets:project_edit", args=[plan.project])
    return [
        ("floor", "hello-world floor", "GET", "/bench/floor/", None),
        ("signed_in_floor", "signed-in empty page (filer)", "GET", "/bench/signed-in-floor/",
         sessions["filer"]),
        ("editor", f"editor GET ({plan.rows} rows)", "GET", editor, sessions["filer"]),
        ("save", "editor save (POST)", "POST", editor, sessions["filer"]),
        ("table", "table page", "GET", reverse("review:table", args=["project", plan.project]),
         sessions["filer"]),
        ("filer_home", "filer home /", "GET", reverse("targets:home"), sessions["filer"]),
        ("dashboard", "city dashboard (all units)", "GET", reverse("review:dashboard") + "?filter=all",
         sessions["reviewer"]),
        ("reviewer_home", "reviewer home /", "GET", reverse("targets:home"), sessions["reviewer"]),
        ("portal_index", "portal index", "GET", reverse("portal:index"), None),
        ("portal_province", "portal province page", "GET",
         reverse("portal:region", args=[plan.province_region]), None),
        ("portal_region", "portal city page", "GET",
         reverse("portal:region", args=[plan.city_region]), None),
        ("portal_unit", "portal unit page", "GET", reverse("portal:unit", args=[plan.unit]), None),
        ("portal_unit_year", "portal unit-year page", "GET",
         reverse("portal:unit_year", args=[plan.unit, plan.year]), None),
        ("portal_table", "portal table page", "GET", reverse("portal:table", args=[kind, pk]),
         None),
        ("search", "portal search 康复", "GET",
         reverse("portal:search") + "?" + urllib.parse.urlencode({"q": "康复"}), None),
        ("admin_home", "admin-role home /", "GET", reverse("targets:home"), sessions["admin"]),
        ("admin_dashboard", "admin-role dashboard (all units)", "GET",
         reverse("review:dashboard") + "?filter=all", sessions["admin"]),
    ]  # fmt: skip


def _session(username: str) -> str:
    """A signed-in session of `username`, second factor done: its cookie value."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from budgetapp.identity.roles import requires_second_factor

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    if requires_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- The server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict, port: int, workers: int, workdir: Path) -> subprocess.Popen:
    gunicorn = Path(PYTHON).with_name("gunicorn")
    command = [str(gunicorn), "--workers", str(workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning",
               "budgetapp.wsgi:application"]  # fmt: skip
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/bench/floor/")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute")


def _stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


# --- Requests -----------------------------------------------------------------------------------


def _request(
    port: int, method: str, path: str, *, cookies: dict | None = None, body: bytes = b""
) -> tuple[int, dict, bytes, float]:
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    result_headers = {k.lower(): v for k, v in response.getheaders()}
    result_headers["set-cookie"] = response.headers.get_all("Set-Cookie") or []
    return response.status, result_headers, content, elapsed


def _save_body(port: int, path: str, cookies: dict, turn: int) -> bytes:
    """The editor's form as a browser would post it, with the 资金用途 text changed."""
    from tests.html_forms import read_form

    status, headers, content, _ = _request(port, "GET", path, cookies=cookies)
    if status != 200:
        raise SystemExit(f"editor answered {status}")
    for line in headers["set-cookie"]:
        cookie = SimpleCookie(line)
        for key, morsel in cookie.items():
            cookies[key] = morsel.value
    form = read_form(content.decode())
    pairs = [
        (name, f"基准测试第{turn}次保存" if name == "fund_use" else value)
        for name, value in form.pairs
    ]
    return urllib.parse.urlencode(pairs).encode()


def _measure(port: int, options, name: str, label: str, method: str, path: str, session) -> Result:
    cookies = {"sessionid": session} if session else {}
    result = Result(name, label)
    prepare: Callable[[int], bytes] = (
        (lambda turn: _save_body(port, path, cookies, turn))
        if method == "POST"
        else (lambda t: b"")
    )
    for turn in range(options.warmup + options.requests):
        body = prepare(turn)
        database_before = _database_cpu()
        cpu_before = _server_cpu(options.server_group)
        status, headers, content, elapsed = _request(port, method, path, cookies=cookies, body=body)
        cpu = _server_cpu(options.server_group) - cpu_before
        database_after = _database_cpu()
        expected = 302 if method == "POST" else 200
        if status != expected or (method == "POST" and "/edit/" in headers.get("location", "")):
            raise SystemExit(
                f"{label}: {method} {path} answered {status} {headers.get('location', '')}"
            )
        if turn == 0:
            result.first = elapsed * 1000
        if turn >= options.warmup:
            result.times.append(elapsed)
            if cpu_before >= 0:
                result.cpu.append(cpu)
            if database_after:
                result.database_cpu.append(
                    sum(t - database_before.get(pid, 0.0) for pid, t in database_after.items())
                )
        result.queries = headers.get("x-bench-queries", "?")
        result.size = len(content)
        result.status = status
    print(f"  {label}: p50 {result.p(0.5):.1f} ms, CPU {result.cpu_p50()} ms, "
          f"PostgreSQL CPU {result.database_cpu_p50()} ms", flush=True)  # fmt: skip
    return result


def _database_cpu() -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL process serving the server's connections
    (named APPLICATION_NAME; the benchmark's own connection is not counted), from the scheduler's
    counts. A process that ends during a request (its connection reached CONN_MAX_AGE) is not
    counted; one that starts is counted from its start. Empty when they cannot be read (PostgreSQL
    on another machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
            " AND pid <> pg_backend_pid()",
            [APPLICATION_NAME],
        )
        pids = [row[0] for row in cursor.fetchall()]
    seconds = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as schedstat:
                seconds[pid] = int(schedstat.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return {}
    return seconds


def _server_cpu(group: int) -> float:
    """CPU seconds used so far by gunicorn's processes (its process group), from the
    scheduler's nanosecond counts (/proc/PID/task/TID/schedstat; Linux): unlike the wall
    time, what a request costs the server's CPU does not depend on the machine's other load.
    Negative when they cannot be read."""
    total = 0
    try:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    # The process group is the fifth field, after the parenthesised name.
                    if int(stat.read().rsplit(")", 1)[1].split()[2]) != group:
                        continue
                for task in os.scandir(f"/proc/{entry.name}/task"):
                    with open(f"{task.path}/schedstat") as schedstat:
                        total += int(schedstat.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    except OSError:
        return -1.0
    return total / 1e9


def _print(results: list[Result], plan: Plan, options, before, after) -> None:
    floor = next(r for r in results if r.name == "floor")
    print()
    print(f"Dataset: {plan.summary}")
    print(f"gunicorn {options.workers} sync workers, {options.requests} requests per page after "
          f"{options.warmup} warm-up, one at a time; REDIS_URL {'set' if options.redis else 'unset'}")  # fmt: skip
    print(f"Load average: {before[0]:.2f} before, {after[0]:.2f} after (2 cores)")
    print(probe_line(*options.probes))
    print()
    header = ["page", "queries", "p50 ms", "p95 ms", "first ms", "p50−floor", "target",
              "server CPU p50 ms", "PostgreSQL CPU p50 ms", "KB", "issue 17 (queries, p50 ms)"]  # fmt: skip
    rows = []
    for r in results:
        target = TARGETS.get(r.name)
        verdict = ""
        if target is not None:
            verdict = f"≤ {target} {'ok' if r.p(0.5) <= target else 'MISSED'}"
        issue = ISSUE.get(r.name)
        rows.append([r.label, r.queries, f"{r.p(0.5):.1f}", f"{r.p(0.95):.1f}", f"{r.first:.1f}",
                     "" if r is floor else f"{r.p(0.5) - floor.p(0.5):.1f}", verdict,
                     r.cpu_p50(), r.database_cpu_p50(), f"{r.size / 1024:.0f}", f"{issue[0]}, {issue[1]}" if issue else ""])  # fmt: skip
    for line in [header, ["---"] * len(header), *rows]:
        print("| " + " | ".join(str(x) for x in line) + " |")
    print(f"\nmedian of all p50: {statistics.median(r.p(0.5) for r in results):.1f} ms")


if __name__ == "__main__":
    main()
