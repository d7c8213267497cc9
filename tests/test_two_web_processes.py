"""More than one machine (issue 17 §6): two web processes, one database, one Redis.

Two gunicorn servers on different ports stand for two machines behind a load balancer: they
share nothing but PostgreSQL, the Redis cache (REDIS_URL) and the stored files. The public
looks at a county's portal pages on the second; a reviewer publishes on the first; the second
then shows the table at once, not a copy it or the shared cache kept from before.

PostgreSQL and Redis at 127.0.0.1:6379 (CI starts both, .ci/run); elsewhere skipped with the
reason, except under CI, where a missing Redis fails the test.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from budgetapp.review import services
from budgetapp.targets.models import Status

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return "two processes share one PostgreSQL database (the suite runs on SQLite)"
    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running at 127.0.0.1:6379 (.ci/run starts one)")
        return "no Redis at 127.0.0.1:6379"
    return None


def _redis_keys(pattern: str) -> list[bytes]:
    import redis

    return list(redis.Redis(*REDIS).scan_iter(match=pattern))


def _delete_redis_keys(pattern: str) -> None:
    import redis

    client = redis.Redis(*REDIS)
    for key in client.scan_iter(match=pattern):
        client.delete(key)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Browser:
    """One visitor's cookies, against one server."""

    def __init__(self, base: str, session: str = "") -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        if session:
            self.jar.set_cookie(_cookie("sessionid", session))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, path: str, token: str) -> int:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, True,
        None, None, {},
    )  # fmt: skip


def _answers(url: str) -> bool:
    try:
        return Browser(url).get("/public/")[0] == 200
    except OSError:  # not listening yet
        return False


@pytest.fixture
def servers(tmp_path):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    prefix = f"test-two-processes-{uuid.uuid4().hex}"
    # The real settings (Redis when REDIS_URL is set; the test settings keep caches in memory),
    # with DEBUG for plain HTTP and uncollected static files; keys of this test only.
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="budgetapp.settings",
        DEBUG="true",
        DATABASE_URL=_database_url(),
        REDIS_URL=f"redis://{REDIS[0]}:{REDIS[1]}/0",
        CACHE_KEY_PREFIX=prefix,
        MEDIA_ROOT=str(tmp_path / "media"),  # the stored files both machines reach
        EXPORT_CACHE_DIR=str(tmp_path / "export-cache"),
        LOG_LEVEL="ERROR",
    )
    processes, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "budgetapp.wsgi", "--workers", "1",
                     "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                )
            )  # fmt: skip
            urls.append(f"http://127.0.0.1:{port}")
        for process, url in zip(processes, urls, strict=True):
            deadline = time.monotonic() + 60
            while not _answers(url):
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
                time.sleep(0.3)
        yield urls, prefix
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        _delete_redis_keys(f"{prefix}*")


def test_a_publish_on_one_web_process_is_seen_uncached_on_the_other(servers, users, project, tree):
    (first, second), prefix = servers
    services.submit_table(table=project, user=users["owner"])
    services.approve_table(table=project, user=users["reviewer"])
    county = project.unit.region
    public = Browser(second)
    # The public reads the county and the table on the second machine: nothing published yet,
    # and whatever the portal keeps of these pages is now in the shared cache.
    for _ in range(2):
        status, page = public.get(f"/public/regions/{county.pk}/")
        assert project.unit.name not in page
        assert public.get(f"/public/tables/project/{project.pk}/")[0] == 404
    search = "/public/search/?q=" + urllib.parse.quote(project.name)
    table_link = reverse("portal:table", args=["project", project.pk])
    assert table_link not in public.get(search)[1]

    # The reviewer, signed in (both factors), publishes on the first machine.
    client = login(Client(), users["reviewer"])
    reviewer = Browser(first, client.cookies["sessionid"].value)
    status, page = reviewer.get(reverse("review:table", args=["project", project.pk]))
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    action = reverse("review:action", args=["project", project.pk, "publish"])
    assert reviewer.post(action, token) == 200  # redirected to the table page
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED

    # The second machine shows it at once.
    status, page = public.get(f"/public/regions/{county.pk}/")
    assert status == 200 and project.unit.name in page
    status, page = public.get(f"/public/tables/project/{project.pk}/")
    assert status == 200 and project.name in page
    assert table_link in public.get(search)[1]
    # And a stored file written by the first is served by the second.
    status, _ = public.get(reverse("portal:table_download", args=["project", project.pk, "pdf"]))
    assert status == 200
    # What the first printed is in the shared cache, for any process of any machine.
    assert _redis_keys(f"{prefix}-printed:*")
