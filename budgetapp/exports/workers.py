"""Which process runs an export job, and whether it still does.

A city export runs in the task worker (`manage.py run_worker`). The job records that process
(`host:pid:start time`) and a heartbeat, written every EXPORT_JOB_HEARTBEAT_SECONDS by a
thread of the worker while it exports. A worker killed half-way (SIGKILL, the out-of-memory
killer, a machine or container restart) leaves its job 进行中 and a half-written `.partial`
ZIP; the job is known abandoned (`jobs.fail_stuck_jobs`):

- on the same machine, as soon as its process is gone (or its pid now names another process,
  told apart by the start time): the next worker start checks this before taking any task,
  and so does every look at the job from that machine;
- from anywhere (a web server in another container), once its heartbeat is older than
  4 × EXPORT_JOB_HEARTBEAT_SECONDS (default 30 s, so 2 minutes).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

# A heartbeat older than this many intervals means the worker has stopped.
MISSED_BEATS = 4


def _process_start(pid: int) -> str | None:
    """When the process started (clock ticks after boot, /proc/PID/stat field 22); None if
    there is no such process (or only its zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def current_worker() -> str:
    """This process, as a job records its worker."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid) or ''}"


def process_is_gone(worker: str) -> bool:
    """True when `worker` (a `current_worker()` of some process) is surely no longer running:
    it ran on this machine and its process is gone. False when it runs, or when that cannot be
    told from here (another machine or container: the heartbeat tells)."""
    host, _, rest = worker.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    now_started = _process_start(int(pid))
    if now_started is None:
        return True
    return bool(started) and now_started != started  # the pid was given to another process


def heartbeat_interval() -> int:
    return max(1, settings.EXPORT_JOB_HEARTBEAT_SECONDS)


def stale_heartbeat_cutoff(now: datetime | None = None) -> datetime:
    """A running job whose last heartbeat is older than this has no live worker."""
    return (now or timezone.now()) - timedelta(seconds=MISSED_BEATS * heartbeat_interval())


@contextlib.contextmanager
def heartbeat(job_pk: int) -> Iterator[None]:
    """While the block runs, a thread marks the job alive every EXPORT_JOB_HEARTBEAT_SECONDS
    (however long one unit's book takes). It uses its own database connection, closed at the
    end; a failed beat is logged and the next one tried."""
    from .models import ExportJob, JobStatus

    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(heartbeat_interval()):
                try:
                    ExportJob.objects.filter(pk=job_pk, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("Export job %s: heartbeat not written", job_pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=beat, name=f"export-job-{job_pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
