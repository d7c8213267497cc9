"""Printing the parts of a book in a pool of worker processes (or in this one).

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import multiprocessing.util
import os
import threading
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from .pdf_parts import render_part
from .pdf_render import PrintConfig, configure, current_config, forget_font_config
from .pdf_types import PartSource, RenderedPart

logger = logging.getLogger(__name__)

# Printing many parts ------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_config: PrintConfig | None = None
_pool_lock = threading.Lock()


class Printer:
    """Prints parts as they are handed over, for a book being put together in order.

    With one worker, or when a book turns out to miss only one part (one table changed), the
    parts print in this process when their result is asked for. From the second part handed
    over, they go to the pool at once, so the workers print while this process goes on
    preparing the other tables and joining the parts already printed.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.waiting: list[_Job] = []

    def print(self, source: PartSource) -> _Job:
        job = _Job(source)
        if self.workers > 1:
            self.waiting.append(job)
            # A pool already running takes even a single part (this process goes on with the
            # other tables meanwhile); a first pool is started for two parts or more.
            if self.pool is None and (len(self.waiting) >= 2 or _pool_size >= self.workers):
                self.pool = _executor(self.workers)
            if self.pool is not None:
                for waiting in self.waiting:
                    waiting.future = self._submit(waiting.source)
                self.waiting.clear()
        return job

    def result(self, job: _Job) -> RenderedPart:
        if job.future is not None:
            try:
                return job.future.result()
            except (BrokenProcessPool, CancelledError):
                logger.warning("PDF worker processes died; printing in this process instead.")
                shutdown_pool()
                self.pool, self.workers = None, 1
        return render_part(job.source)

    def _submit(self, source: PartSource):
        try:
            return self.pool.submit(render_part, source)
        except (BrokenProcessPool, RuntimeError):
            return None


@dataclass
class _Job:
    source: PartSource
    future: object = None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _executor(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_size, _pool_config
    config = current_config()
    with _pool_lock:
        if _pool is None or _pool_size < workers or _pool_config != config:
            if _pool is not None:
                _pool.shutdown(wait=False)
            # A fork server, not fork: the web process may have threads (and open database
            # connections) that a forked child must not inherit. The server imports WeasyPrint
            # once; workers forked from it start at once and stay for the life of the process.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", __name__])
            # The workers print as this process does: the font folder and the accelerators are
            # handed over (they never read Django's settings).
            _pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=_warm_up, initargs=(config,)
            )
            _pool_size, _pool_config = workers, config
        return _pool


def _warm_up(config: PrintConfig) -> None:
    """Print as the parent process does; load the fonts and the stylesheet in a new worker
    before its first table."""
    configure(config)
    # A worker ends without Python's atexit: let its font configuration (and WeasyPrint's
    # temporary copy of the print font) go on the way out all the same.
    multiprocessing.util.Finalize(None, _on_exit, exitpriority=10)
    try:
        html = '<html lang="zh-CN"><body><h1>第一部分</h1><p>表 1</p></body></html>'
        render_part(PartSource(html, continued=True))
    except Exception:  # pragma: no cover - a real table will report the problem
        logger.exception("PDF worker warm-up failed")
    # Laying out a table allocates objects by the hundred thousand: Python's default collection
    # thresholds spend about a tenth of a worker's time looking for cycles among them. What is
    # loaded now stays for the life of the worker and is never looked at again.
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def _on_exit() -> None:
    gc.unfreeze()  # what the warm-up left (frozen below) refers to the font configuration too
    forget_font_config()


def shutdown_pool() -> None:
    global _pool, _pool_size, _pool_config
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool, _pool_size, _pool_config = None, 0, None


atexit.register(shutdown_pool)
