"""Fault test: PostgreSQL restarts while a live server answers requests; none may fail.

Two gunicorn workers with persistent connections (DB_CONN_MAX_AGE) serve the public portal
to two clients in a loop; the cluster is restarted in the middle. Before CONN_HEALTH_CHECKS and
the connect retry (core/postgresql/base.py) each worker failed its first request after the
restart. PostgreSQL only, and only where this test may restart the local cluster (root, the
Debian cluster tools present, the database on this machine); elsewhere it is skipped with the
reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.fault,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parent.parent


def _skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return "restarting the database is a PostgreSQL fault test (the suite runs on SQLite)"
    if os.geteuid() != 0:
        return "restarting the PostgreSQL cluster needs root"
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        return "no local Debian PostgreSQL cluster (pg_ctlcluster, /etc/postgresql)"
    if connection.settings_dict.get("HOST") not in ("127.0.0.1", "localhost", "::1"):
        return "the test database is not on this machine"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _restart_cluster() -> None:
    for version in sorted(os.listdir("/etc/postgresql")):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            capture_output=True,
            timeout=120,
        )


@pytest.fixture
def server(tree):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="budgetapp.settings_test",
        DATABASE_URL=_database_url(),
        DB_CONN_MAX_AGE="600",
        LOG_LEVEL="ERROR",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "budgetapp.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/public/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(url) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        # The test process's own connection died with the restart too.
        connections.close_all()


def test_a_database_restart_under_traffic_fails_no_request(server):
    results: list[int | str] = []
    stop_at = [time.monotonic() + 120]

    def client() -> None:
        while time.monotonic() < stop_at[0]:
            try:
                results.append(_get(server))
            except OSError as error:
                results.append(repr(error))
            time.sleep(0.05)

    clients = [threading.Thread(target=client) for _ in range(2)]
    for thread in clients:
        thread.start()
    time.sleep(3)  # both workers hold a persistent connection by now
    before = len(results)
    _restart_cluster()
    stop_at[0] = time.monotonic() + 5
    for thread in clients:
        thread.join(timeout=180)

    errors = [r for r in results if r != 200]
    assert before > 10 and len(results) > before + 20
    assert errors == [], f"{len(errors)} of {len(results)} requests failed: {errors[:5]}"
