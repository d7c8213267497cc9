"""Gunicorn's settings (read from the working directory: the Docker image, `gunicorn
budgetapp.wsgi` started from this folder, or `gunicorn -c gunicorn.conf.py`).

Several sync workers, never one: a worker is busy for the whole of a slow request (a workbook
read by its child process for up to IMPORT_PARSE_TIMEOUT seconds, a publication rendering its
files), and with one worker every other visitor would wait behind it. The other workers answer
meanwhile (tests/test_import_live_server.py). WEB_CONCURRENCY sets the number; the default is
two per CPU plus one, at least 2 and at most 8 (each worker holds 100–150 MB).
"""

from __future__ import annotations

import os


def default_workers(cpus: int | None = None) -> int:
    cpus = cpus or os.cpu_count() or 1
    return max(2, min(2 * cpus + 1, 8))


workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# Sync workers: one request per process, so a request's memory and CPU limits stay its own.
worker_class = "sync"
# A request still running after this many seconds is killed by gunicorn (the longest
# legitimate one, a unit's whole book, takes well under a minute).
timeout = 120
