"""Real processes for fault tests: gunicorn as deployed, the task worker, and a browser-like
HTTP client, all on 127.0.0.1 against the test database.

The test database must be reachable from those processes, so the tests that use this run
transactionally (`django_db(transaction=True, serialized_rollback=True)`). On PostgreSQL the
processes use the test database itself. On SQLite it lives in this process's memory: `push`
copies it to a file the processes use, `pull` copies the file back so the test reads what
they wrote (SQLite's backup API, whole database, consistent).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


class LiveDatabase:
    def __init__(self, folder: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.file = folder / "live.sqlite3"
        db = connection.settings_dict
        if self.sqlite:
            self.url = f"sqlite:///{self.file}"
        else:
            password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
            host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            self.url = f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"

    def push(self) -> None:
        """What this process wrote, to where the other processes read (SQLite only)."""
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def pull(self) -> None:
        """What the other processes wrote, into this process's database (SQLite only)."""
        if self.sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.file, timeout=30)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_env(database: LiveDatabase, media_root: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("WEB_CONCURRENCY", None)
    env.update(
        DJANGO_SETTINGS_MODULE="budgetapp.settings_test",
        DATABASE_URL=database.url,
        MEDIA_ROOT=str(media_root),
        DB_CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


@dataclass
class Gunicorn:
    """gunicorn started with the project's gunicorn.conf.py, as the Docker image starts it."""

    process: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def readers(self) -> list[int]:
        """Processes forked by the workers: the children reading uploaded workbooks."""
        return [pid for worker in self.workers() for pid in children(worker)]


def start_gunicorn(env: dict[str, str], log: Path) -> Gunicorn:
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "budgetapp.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Gunicorn(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while True:
        try:
            if Browser(server.url).get("/accounts/login/")[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            server.stop()
            raise RuntimeError("gunicorn did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    process.send_signal(sig)
    process.wait(timeout=30)


@dataclass
class Browser:
    """A visitor with its own cookies: logs in through the login form, posts forms with their
    CSRF token, uploads files. Answers are (status, text); redirects are followed."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, str], files: dict | None = None) -> tuple[int, str]:
        """POST the form on `path` (its CSRF token read from the page first)."""
        status, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path} ({status})"
        fields = {**fields, "csrfmiddlewaretoken": token.group(1)}
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": content_type, "Referer": self.base + path},
        )
        return self._open(request)

    def login(self, username: str, password: str) -> tuple[int, str]:
        answer = self.post("/accounts/login/", {"username": username, "password": password})
        assert answer[0] == 200 and "退出" in answer[1], f"login of {username} failed"
        return answer


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
