"""Read a workbook in a child process with memory and time limits.

The pre-scan (`prescan.py`) refuses what a file declares; this is the second line for what it
does not declare (a pathological style table, a parser bug): openpyxl and our readers run in a
forked child whose address space (`RLIMIT_AS`) and CPU time (`RLIMIT_CPU`) are capped, and the
web process waits at most `IMPORT_PARSE_TIMEOUT` seconds for the answer. Whatever happens in
the child, the web worker gets a `ParsedWorkbook` or one Chinese message, and its own memory
only ever holds the parsed result (a few hundred KB for a real book).

The child is forked (Linux), so it starts in milliseconds with the readers already imported;
it never touches the database (the readers are pure functions of the bytes).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import time

from django.conf import settings

from .parsed import ParsedWorkbook
from .reader import UnreadableWorkbook, read_workbook

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20  # seconds; a real book reads in well under one
DEFAULT_MEMORY_MB = 512  # on top of what the web worker already maps

TIMEOUT_MESSAGE = "读取此工作簿用时过长，已停止（可能是异常构造的文件）。请只保留绩效目标表的内容，另存为 .xlsx 后再上传。"
MEMORY_MESSAGE = "读取此工作簿需要的内存过多，已停止（可能是异常构造的文件）。请只保留绩效目标表的内容，另存为 .xlsx 后再上传。"
CRASH_MESSAGE = (
    "读取此工作簿时出错，文件可能已损坏。请在 Excel 或 WPS 中打开后“另存为”.xlsx 再上传。"
)


def _mapped_bytes() -> int:
    """The process's current virtual size (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(data: bytes, conn, memory_bytes: int, cpu_seconds: int) -> None:
    try:
        limit = _mapped_bytes() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        answer = ("ok", read_workbook(data).to_dict())
    except MemoryError:
        answer = ("error", MEMORY_MESSAGE)
    except UnreadableWorkbook as error:
        answer = ("error", str(error))
    except BaseException:  # noqa: BLE001 — the parent shows one message, never a trace
        answer = ("error", CRASH_MESSAGE)
    try:
        conn.send(answer)
    except BaseException:  # noqa: BLE001 — e.g. no memory left to pickle the answer
        os._exit(3)
    finally:
        conn.close()


def read_workbook_isolated(
    data: bytes, *, timeout: float | None = None, memory_mb: int | None = None
) -> ParsedWorkbook:
    """`reader.read_workbook` in a child process; UnreadableWorkbook on any failure or limit."""
    timeout = timeout if timeout is not None else _setting("IMPORT_PARSE_TIMEOUT", DEFAULT_TIMEOUT)
    memory_mb = (
        memory_mb
        if memory_mb is not None
        else _setting("IMPORT_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB)
    )
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(data, sender, memory_mb * 1024 * 1024, max(1, int(timeout) + 1)),
        daemon=True,
    )
    started = time.monotonic()
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            logger.warning("import: reading a workbook took over %ss; child stopped", timeout)
            raise UnreadableWorkbook(TIMEOUT_MESSAGE)
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            # The child died without answering: killed at its CPU limit, or out of memory
            # somewhere Python could not turn into a MemoryError.
            child.join(1)
            logger.warning("import: reading child ended without an answer (%s)", child.exitcode)
            raise UnreadableWorkbook(
                TIMEOUT_MESSAGE if time.monotonic() - started >= timeout else MEMORY_MESSAGE
            ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status != "ok":
        raise UnreadableWorkbook(payload)
    return ParsedWorkbook.from_dict(payload)


def _setting(name: str, default):
    return getattr(settings, name, default)
