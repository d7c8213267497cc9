"""Other requests are answered while a hostile workbook is being read (issue 13 §4).

gunicorn runs as deployed (the project's gunicorn.conf.py). A filer uploads about the heaviest
workbook the pre-scan lets through (300,000 cells and 190,000 cell formats:
`hostile_files.heaviest_allowed`, over 15 s of openpyxl); the server reads it with
`IMPORT_PARSE_TIMEOUT=6`, so the child chews on it until its time limit and the upload is
refused with the 用时过长 message. While the child runs (seen in /proc as a child of a gunicorn
worker), other visitors load the login page, the filer's table page in a second session, and a
colleague logs in (a database write, which would wait if the reading held a database lock).
Each must be answered in under half the reading's time limit: a request that had to wait for
the reading would take until it ends. (The same requests on the idle server are timed first
and printed beside them: this machine is shared, so the figures vary with its load.)

The control: with one worker (WEB_CONCURRENCY=1, what gunicorn does by default without our
configuration) the same probes wait until the upload is answered. So the test fails if the
reading blocked other requests, and it shows that the reading really took seconds.

Marked `fault` (live processes, about a minute together): CI runs it, the landing check not.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from budgetapp.imports.isolation import TIMEOUT_MESSAGE
from budgetapp.imports.models import ImportBatch
from budgetapp.imports.safety import check_upload

from .conftest import PASSWORD
from .hostile_files import heaviest_allowed
from .live_processes import Browser, Gunicorn, LiveDatabase, process_env, start_gunicorn

pytestmark = [
    pytest.mark.fault,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARSE_TIMEOUT = 6  # seconds the server's child may read (IMPORT_PARSE_TIMEOUT)
QUICK = PARSE_TIMEOUT / 2  # a probe answered sooner did not wait for the reading


@dataclass
class Probe:
    name: str
    started: float
    ended: float
    status: int
    during_the_reading: bool  # the reading child was still running when the answer came

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Observation:
    upload_status: int = 0
    upload_page: str = ""
    upload_started: float = 0.0
    upload_ended: float = 0.0
    reader_seen: float = 0.0
    reader_gone: float = 0.0
    probes: list[Probe] = field(default_factory=list)
    idle: dict[str, float] = field(default_factory=dict)  # slowest answer before the upload

    @property
    def upload_seconds(self) -> float:
        return self.upload_ended - self.upload_started

    def report(self) -> str:
        lines = [f"idle server: {name} in {s:.3f} s at most" for name, s in self.idle.items()]
        lines += [
            f"upload answered {self.upload_status} after {self.upload_seconds:.2f} s; the reading"
            f" child ran {self.reader_gone - self.reader_seen:.2f} s (seen "
            f"{self.reader_seen - self.upload_started:.2f} s after the upload started)"
        ]
        lines += [
            f"  {p.name}: {p.status} in {p.seconds:.3f} s, "
            f"{'while the child read' if p.during_the_reading else 'after the reading'}"
            for p in self.probes
        ]
        return "\n".join(lines)


def _serve(database: LiveDatabase, media_root, tmp_path, workers: int) -> Gunicorn:
    database.push()
    env = process_env(
        database, media_root, WEB_CONCURRENCY=str(workers), IMPORT_PARSE_TIMEOUT=str(PARSE_TIMEOUT)
    )
    return start_gunicorn(env, tmp_path / "gunicorn.log")


def _upload_and_probe(server: Gunicorn, project, data: bytes) -> Observation:
    seen = Observation()
    uploader = Browser(server.url)
    uploader.login("owner", PASSWORD)
    second_session = Browser(server.url)
    second_session.login("owner", PASSWORD)
    table_page = reverse("targets:project_edit", args=[project.pk])

    def upload() -> None:
        seen.upload_started = time.monotonic()
        try:
            seen.upload_status, seen.upload_page = uploader.post(
                reverse("imports:upload"), {"year": "2021"}, files={"file": ("heavy.xlsx", data)}
            )
        finally:
            seen.upload_ended = time.monotonic()

    probes = {
        "login page (anonymous)": lambda: Browser(server.url).get(reverse("login"))[0],
        "table page (filer)": lambda: second_session.get(table_page)[0],
        "log in (colleague)": lambda: Browser(server.url).login("colleague", PASSWORD)[0],
    }
    for name, probe in probes.items():
        for _ in range(3):
            started = time.monotonic()
            assert probe() == 200
            seen.idle[name] = max(seen.idle.get(name, 0), time.monotonic() - started)
    uploading = threading.Thread(target=upload)
    uploading.start()
    deadline = time.monotonic() + 30
    while not server.readers():
        assert uploading.is_alive() and time.monotonic() < deadline, "no reading child seen"
        time.sleep(0.02)
    seen.reader_seen = time.monotonic()

    def watch() -> None:
        while server.readers():
            time.sleep(0.02)
        seen.reader_gone = time.monotonic()

    watching = threading.Thread(target=watch)
    watching.start()
    while uploading.is_alive():
        for name, probe in probes.items():
            started = time.monotonic()
            status = probe()
            ended = time.monotonic()
            seen.probes.append(Probe(name, started, ended, status, watching.is_alive()))
            if not uploading.is_alive():
                break
    uploading.join()
    watching.join()
    return seen


@pytest.fixture
def heavy_file() -> bytes:
    data = heaviest_allowed()
    check_upload(data, "heavy.xlsx")  # the pre-scan lets it through: only the child stops it
    return data


def test_other_requests_are_answered_while_a_hostile_file_is_read(
    project, users, media_root, tmp_path, heavy_file, record_property
):
    database = LiveDatabase(tmp_path)
    server = _serve(database, media_root, tmp_path, workers=2)
    try:
        seen = _upload_and_probe(server, project, heavy_file)
    finally:
        server.stop()
    print(seen.report())
    record_property("measure", seen.report())

    # The control: the file was read for seconds, until the child's time limit.
    assert seen.upload_status == 400 and TIMEOUT_MESSAGE in seen.upload_page, seen.report()
    assert seen.upload_seconds >= PARSE_TIMEOUT, seen.report()
    assert seen.reader_gone - seen.reader_seen >= PARSE_TIMEOUT - 1, seen.report()
    # Meanwhile every kind of request was answered, each in under half the reading's time.
    during = [p for p in seen.probes if p.during_the_reading]
    for name in seen.idle:
        answered = [p for p in during if p.name == name]
        assert len(answered) >= 2, seen.report()
        for probe in answered:
            assert probe.status == 200, seen.report()
            assert probe.seconds < QUICK, seen.report()
    database.pull()
    assert not ImportBatch.objects.exists()


def test_control_with_one_worker_the_same_requests_wait_for_the_reading(
    project, users, media_root, tmp_path, heavy_file, record_property
):
    database = LiveDatabase(tmp_path)
    server = _serve(database, media_root, tmp_path, workers=1)
    try:
        seen = _upload_and_probe(server, project, heavy_file)
    finally:
        server.stop()
    print(seen.report())
    record_property("measure", seen.report())

    assert seen.upload_status == 400 and TIMEOUT_MESSAGE in seen.upload_page, seen.report()
    first = seen.probes[0]
    # Asked while the child was reading, answered only once the upload was: the measure above
    # would see a server that cannot answer while a file is read.
    assert first.started < seen.reader_gone, seen.report()
    assert first.ended >= seen.upload_ended - 0.1, seen.report()
    assert first.seconds > QUICK, seen.report()
