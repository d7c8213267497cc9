"""Gunicorn's settings (read from the working directory: the Docker image, `gunicorn
budgetapp.wsgi` started from this folder, or `gunicorn -c gunicorn.conf.py`).

Several sync workers, never one: a worker is busy for the whole of a slow request (a workbook
read by its child process for up to IMPORT_PARSE_TIMEOUT seconds, a publication rendering its
files), and with one worker every other visitor would wait behind it. The other workers answer
meanwhile (tests/test_import_live_server.py). WEB_CONCURRENCY sets the number; the default is
two per CPU plus one, at least 2 and at most 8 (each worker holds 100–150 MB).
"""

from __future__ import annotations

import gc
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


def post_worker_init(worker: object) -> None:
    """Once a worker has loaded Django and the project, its ~100,000 objects of modules, classes
    and settings live as long as the worker: `gc.freeze()` sets them aside so that the cyclic
    garbage collector stops rescanning them, and collections of young objects come every 7,000
    allocations instead of 700 (a request allocates tens of thousands). Measured in the
    deadline-day load test (docs/deployment.md): the collector's CPU 3.5 → 1.9 ms a request,
    of about 45 ms. Reference counting still frees almost everything at once; memory grows by
    at most the young objects awaiting a collection."""
    gc.freeze()
    gc.set_threshold(7000, 10, 10)
