"""Deadline day, as locust drives it: filers looping editor → save → table page.

Run by bench/load.py, which builds the accounts, starts the server and checks the database
afterwards; it passes everything in a JSON file named by LOAD_CONFIG:

    {"filers": [{"username": …, "table_id": …, "partner": …}], "password": …,
     "duration": 60, "pause": 0, "records": "/tmp/…/records.jsonl",
     "window_started": "/tmp/…/window-started"}

Each simulated filer is one account (the first ones share their table in pairs). It logs in,
then waits until every filer has: the measured window starts when the last one is in (the
logins' password hashing is not what deadline day is about), and lasts `duration` seconds.
A filer starts no new request after that; the run ends when all in-flight ones have answered.

Every request of the window is written to `records` (one JSON line each: what, when it
started, how long, status, error), and every save with its outcome and the version it was made
from, so bench/load.py computes the figures and checks the saves against the database.
"""

from __future__ import annotations

import json
import os
import time
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import gevent
import lxml.html
from gevent.event import Event
from locust import FastHttpUser, events, task
from locust.exception import StopUser

from bench.load_check import STALE_MESSAGE, editor_form

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text(encoding="utf-8"))
FILERS = CONFIG["filers"]
PAUSE = float(CONFIG.get("pause", 0))
DURATION = float(CONFIG["duration"])

_next_filer = count()
_logged_in = 0
_all_in = Event()
_window = {"start": 0.0, "end": 0.0}
_records = open(CONFIG["records"], "w", encoding="utf-8")  # noqa: SIM115 (closed at quit)


def _write(record: dict) -> None:
    _records.write(json.dumps(record, ensure_ascii=False) + "\n")


@events.request.add_listener
def _on_request(request_type, name, response_time, exception, start_time=None, **_) -> None:
    if not _all_in.is_set() or start_time is None or start_time < _window["start"]:
        return  # a login, or a request of the warm-up
    _write(
        {
            "type": "request",
            "name": name,
            "method": request_type,
            "start": start_time,
            "ms": response_time,
            "error": str(exception) if exception else "",
        }
    )


@events.user_error.add_listener
def _on_user_error(user_instance, exception, tb, **_) -> None:
    """An exception in the scenario itself (not an HTTP failure) is an error of the run too."""
    if _all_in.is_set():
        _write(
            {
                "type": "request",
                "name": "scenario",
                "method": "",
                "start": time.time(),
                "ms": 0,
                "error": repr(exception),
            }
        )


@events.quitting.add_listener
def _close(**_) -> None:
    _write({"type": "window", "start": _window["start"], "end": _window["end"]})
    _records.close()


class Filer(FastHttpUser):
    """One filer at the deadline: editor → save → table page, again and again."""

    # A hundred logins at once queue behind the password hashing (PBKDF2, by design slow) of
    # two workers: wait for them rather than give up after locust's default 60 s.
    network_timeout = 300.0
    connection_timeout = 300.0

    # Waits are explicit in `deadline_loop` (between every two actions).
    def wait_time(self) -> float:
        return 0

    def on_start(self) -> None:
        global _logged_in
        index = next(_next_filer)
        if index >= len(FILERS):
            raise StopUser()
        self.filer = FILERS[index]
        self.saves = 0
        try:
            self._login()
        except Exception as error:  # counted, and the run fails; the others go on
            _write({"type": "login_error", "user": self.filer["username"], "error": repr(error)})
            self.filer = None
        _logged_in += 1
        if _logged_in == len(FILERS):
            _window["start"] = time.time()
            _window["end"] = _window["start"] + DURATION
            self.environment.runner.stats.reset_all()
            # bench/load.py reads the server's CPU time when this file appears: the window's
            # requests are measured without the logins' password hashing before them.
            Path(CONFIG["window_started"]).touch()
            _all_in.set()
            gevent.spawn(_stop_after_window, self.environment)
        _all_in.wait()
        if self.filer is None:
            raise StopUser()
        # Spread the filers' first requests over one pause, as people do not act in step.
        if PAUSE:
            gevent.sleep(PAUSE * index / len(FILERS))

    def _login(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        token = _csrf_token(page.text)
        response = self.client.post(
            "/accounts/login/",
            data={
                "username": self.filer["username"],
                "password": CONFIG["password"],
                "csrfmiddlewaretoken": token,
            },
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.filer['username']} failed: {response.status_code}")

    def _pause(self) -> None:
        if PAUSE:
            gevent.sleep(PAUSE)

    def _in_window(self) -> bool:
        return time.time() < _window["end"]

    @task
    def deadline_loop(self) -> None:
        if not self._in_window():
            raise StopUser()
        table = self.filer["table_id"]
        edit_url = f"/projects/{table}/edit/"
        with self.client.get(edit_url, name="editor", catch_response=True) as response:
            if response.status_code != 200 or "table-form" not in (response.text or ""):
                response.failure(f"editor: {response.status_code}")
                return
            fields = editor_form(response.text)
        self._pause()
        if not self._in_window():
            raise StopUser()
        self.saves += 1
        marker = f"load:{self.filer['username']}:{self.saves}"
        data = [(name, marker if name == "fund_use" else value) for name, value in fields]
        loaded = dict(fields).get("loaded_version", "")
        started = time.time()
        with self.client.post(
            edit_url,
            data=urlencode(data),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                outcome = "accepted"
            elif response.status_code == 200 and STALE_MESSAGE in (response.text or ""):
                outcome = "stale"
                response.success()  # a refusal the page explains, not an error
            else:
                outcome = "error"
                response.failure(f"save: {response.status_code}")
        _write(
            {
                "type": "save",
                "user": self.filer["username"],
                "table": table,
                "marker": marker,
                "loaded_version": int(loaded) if loaded.isdigit() else None,
                "outcome": outcome,
                "start": started,
            }
        )
        self._pause()
        if not self._in_window():
            raise StopUser()
        with self.client.get(
            f"/tables/project/{table}/", name="table page", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"table page: {response.status_code}")
        self._pause()


def _csrf_token(html: str) -> str:
    document = lxml.html.fromstring(html)
    for element in document.iter("input"):
        if element.get("name") == "csrfmiddlewaretoken":
            return element.get("value", "")
    raise RuntimeError("no CSRF token on the login page")


def _stop_after_window(environment) -> None:
    """After the window, wait for the filers' last requests, then end the run."""
    gevent.sleep(max(0.0, _window["end"] - time.time()))
    deadline = time.time() + 120
    while environment.runner.user_count and time.time() < deadline:
        gevent.sleep(0.2)
    environment.runner.quit()
