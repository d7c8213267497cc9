"""Read a workbook in a child process with memory and time limits.

The pre-scan (`prescan.py`) refuses what a file declares; this is the second line for what it
does not declare (a pathological style table, a parser bug): openpyxl and our readers run in a
forked child whose address space (`RLIMIT_AS`) and CPU time (`RLIMIT_CPU`) are capped, and the
web process waits at most `IMPORT_PARSE_TIMEOUT` seconds for the answer. Whatever happens in
the child, the web worker gets a `ParsedWorkbook` or one Chinese message, and its own memory
only ever holds the parsed result, which the child refuses to send when it is larger than
`IMPORT_MAX_PARSED_BYTES` (a real book reads to a few hundred KB).

The child is forked (Linux), so it starts in milliseconds with the readers already imported;
it never touches the database (the readers are pure functions of the bytes) and ends with
`os._exit`, so nothing the web process holds (database connections, sockets) is closed or
flushed by it. Only the web worker that received the upload waits for its child, without the
GIL and holding no database transaction (`services.create_batch`): the other workers and
threads go on answering requests (`tests/test_import_live_server.py`).

The web process reaps the child with `os.wait4`, which reports the child's own peak resident
memory however it ended (answered, ran out of memory, killed at its CPU limit or by us); that
figure and the time are logged for every upload (`ChildUsage`) and checked by the tests.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import resource
import selectors
import signal
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from .parsed import ParsedWorkbook
from .reader import UnreadableWorkbook, read_workbook

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20  # seconds; a real book reads in well under one
DEFAULT_MEMORY_MB = 512  # on top of what the web worker already maps
DEFAULT_MAX_PARSED_BYTES = 5 * 1024 * 1024

TIMEOUT_MESSAGE = "读取此工作簿用时过长，已停止（可能是异常构造的文件）。请只保留绩效目标表的内容，另存为 .xlsx 后再上传。"
MEMORY_MESSAGE = "读取此工作簿需要的内存过多，已停止（可能是异常构造的文件）。请只保留绩效目标表的内容，另存为 .xlsx 后再上传。"
CRASH_MESSAGE = (
    "读取此工作簿时出错，文件可能已损坏。请在 Excel 或 WPS 中打开后“另存为”.xlsx 再上传。"
)


# What the child sends first: its resident and its mapped size when it started, in bytes.
_HEADER = struct.Struct("!QQ")


def too_large_message(size: int, limit: int) -> str:
    return (
        f"此文件读出的内容过多（{size / 1024 / 1024:.1f} MB，上限 {limit / 1024 / 1024:.1f} MB），"
        "不像一个单位一个年度的绩效目标表，已拒绝。请只保留需要导入的表后再上传。"
    )


@dataclass(frozen=True)
class ChildUsage:
    """What reading one workbook cost its child process."""

    seconds: float
    # The child's own high-water mark of resident memory (`ru_maxrss` from `os.wait4`).
    peak_rss: int
    # The child's resident memory when it started (pages it shares with the web process).
    start_rss: int
    # What the child had mapped when it started (the web process's address space).
    start_mapped: int
    # How much the child may map beyond that (IMPORT_PARSE_MEMORY_MB, through RLIMIT_AS).
    memory_limit: int
    # "ok", "refused" (the readers' own message), "memory", "timeout", "died"
    outcome: str

    @property
    def peak_growth(self) -> int:
        """Bytes the child's resident memory rose above what it had at its start."""
        return max(0, self.peak_rss - self.start_rss)

    @property
    def ceiling(self) -> int:
        """The most the child can ever hold: what it had mapped at the start plus the limit.
        Its resident memory may grow by more than the limit alone: into what was mapped but
        not resident at the fork (program files it touches, free space of the web process's
        heap), which costs no new address space."""
        return self.start_mapped + self.memory_limit

    def describe(self) -> str:
        mb = 1024 * 1024
        return (
            f"{self.outcome} in {self.seconds:.2f} s, peak {self.peak_rss / mb:.0f} MB resident "
            f"({self.peak_growth / mb:.0f} MB above its start); it may map "
            f"{self.ceiling / mb:.0f} MB ({self.start_mapped / mb:.0f} MB mapped at the start "
            f"+ the limit of {self.memory_limit / mb:.0f} MB)"
        )


@dataclass(frozen=True)
class IsolatedReading:
    """A child's answer: the workbook, or the message for the filer; and what it cost."""

    workbook: ParsedWorkbook | None
    error: str
    usage: ChildUsage
    # The reader's plain answer, for readers other than the target tables' (`read_isolated`).
    data: dict | None = None


def proc_status_kb(field: str) -> int:
    """A `/proc/self/status` figure in KB (VmRSS: resident now; VmHWM: peak), 0 if unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _mapped_bytes() -> int:
    """The process's current virtual size (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _near_the_limit(start_mapped: int, memory_bytes: int) -> bool:
    """Whether the child's mapped size came within a quarter of its limit (VmPeak)."""
    return proc_status_kb("VmPeak") * 1024 - start_mapped > 0.75 * memory_bytes


def _read_targets(data: bytes) -> dict:
    return read_workbook(data).to_dict()


def _child_answer(
    data: bytes, memory_bytes: int, cpu_seconds: int, max_parsed: int, reader=_read_targets
) -> bytes:
    """Runs in the child: the pickled ("ok", dict) or ("refused"|"memory"|"died", message)."""
    start_mapped = _mapped_bytes()
    try:
        # A child stopped at its CPU limit must not write a core file of its heap.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        limit = start_mapped + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        reading = reader(data)
        # What the preview would store: refused here, so the web process never receives it.
        size = len(json.dumps(reading, ensure_ascii=False).encode())
        answer = ("ok", reading) if size <= max_parsed else ("refused", too_large_message(size, max_parsed))  # fmt: skip
    except MemoryError:
        answer = ("memory", MEMORY_MESSAGE)
    except BaseException as error:  # noqa: BLE001 — the parent shows one message, never a trace
        if _near_the_limit(start_mapped, memory_bytes):
            # A failed allocation that a library reported as its own error (lxml's parser
            # says "unknown error"; openpyxl then calls the file damaged).
            answer = ("memory", MEMORY_MESSAGE)
        elif isinstance(error, UnreadableWorkbook):
            answer = ("refused", str(error))
        else:
            answer = ("died", CRASH_MESSAGE)
    try:
        return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps(("memory", MEMORY_MESSAGE))


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _run_child(
    write_fd: int,
    data: bytes,
    memory_bytes: int,
    cpu_seconds: int,
    max_parsed: int,
    reader=_read_targets,
):
    """The forked child's whole life; it never returns into the caller's stack.

    It first sends its own resident and mapped sizes: right after the fork its resident size
    is smaller than the web process's (file-backed pages are mapped in as they are touched),
    and the parent needs both to judge the child's peak even if the child is killed later."""
    status = 3
    try:
        _write_all(write_fd, _HEADER.pack(proc_status_kb("VmRSS") * 1024, _mapped_bytes()))
        _write_all(write_fd, _child_answer(data, memory_bytes, cpu_seconds, max_parsed, reader))
        status = 0
    finally:
        os._exit(status)


def _receive(read_fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe; (bytes, True) if time ran out."""
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(read_fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                return b"".join(chunks), True
            chunk = os.read(read_fd, 1024 * 1024)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)


def read_workbook_measured(
    data: bytes,
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
    reader: Callable[[bytes], dict] | None = None,
) -> IsolatedReading:
    """`reader.read_workbook` in a child process, with what it cost (never raises for the
    file's sake: a refusal is `IsolatedReading.error`)."""
    timeout = timeout if timeout is not None else _setting("IMPORT_PARSE_TIMEOUT", DEFAULT_TIMEOUT)
    memory_mb = (
        memory_mb
        if memory_mb is not None
        else _setting("IMPORT_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB)
    )
    max_parsed = _setting("IMPORT_MAX_PARSED_BYTES", DEFAULT_MAX_PARSED_BYTES)
    memory_bytes = memory_mb * 1024 * 1024
    cpu_seconds = max(1, int(timeout) + 1)

    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover — the child (its work is measured by the parent)
        os.close(read_fd)
        _run_child(write_fd, data, memory_bytes, cpu_seconds, max_parsed, reader or _read_targets)
    os.close(write_fd)
    try:
        payload, timed_out = _receive(read_fd, started + timeout)
    finally:
        os.close(read_fd)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, wait_status, rusage = os.wait4(pid, 0)
    seconds = time.monotonic() - started

    if len(payload) >= _HEADER.size:
        start_rss, start_mapped = _HEADER.unpack_from(payload)
        payload = payload[_HEADER.size :]
    else:  # died before it could say: the web process's sizes are the nearest figures
        start_rss, start_mapped = proc_status_kb("VmRSS") * 1024, _mapped_bytes()
    outcome, body = _judge(payload, timed_out, wait_status, seconds, timeout)
    workbook = ParsedWorkbook.from_dict(body) if outcome == "ok" and reader is None else None
    usage = ChildUsage(
        seconds=seconds,
        peak_rss=rusage.ru_maxrss * 1024,
        start_rss=start_rss,
        start_mapped=start_mapped,
        memory_limit=memory_bytes,
        outcome=outcome,
    )
    log = logger.info if outcome in ("ok", "refused") else logger.warning
    log("import: workbook read in a child process: %s", usage.describe())
    ok = outcome == "ok"
    return IsolatedReading(
        workbook=workbook, error="" if ok else body, usage=usage, data=body if ok else None
    )


def _judge(
    payload: bytes, timed_out: bool, wait_status: int, seconds: float, timeout: float
) -> tuple[str, dict | str]:
    """(outcome, the reading's dict or the message) from what the child left."""
    if timed_out:
        return "timeout", TIMEOUT_MESSAGE
    try:
        outcome, body = pickle.loads(payload)
    except Exception:  # noqa: BLE001 — no (complete) answer: the child was killed or died
        # Killed at its CPU limit (SIGXCPU, then SIGKILL at the hard limit), or out of memory
        # somewhere Python could not turn into a MemoryError.
        signalled = os.WIFSIGNALED(wait_status) and os.WTERMSIG(wait_status)
        if signalled == signal.SIGXCPU or seconds >= timeout:
            return "timeout", TIMEOUT_MESSAGE
        return "memory", MEMORY_MESSAGE
    return outcome, body


def read_workbook_isolated(
    data: bytes, *, timeout: float | None = None, memory_mb: int | None = None
) -> ParsedWorkbook:
    """`reader.read_workbook` in a child process; UnreadableWorkbook on any failure or limit."""
    reading = read_workbook_measured(data, timeout=timeout, memory_mb=memory_mb)
    if reading.workbook is None:
        raise UnreadableWorkbook(reading.error)
    return reading.workbook


def read_isolated(
    data: bytes,
    *,
    reader: Callable[[bytes], dict],
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> dict:
    """`reader(data)` (a pure function of the bytes returning plain data, e.g. the stages'
    `read_stage.read_stage_workbook`) in the same limited child; UnreadableWorkbook on any
    failure or limit."""
    reading = read_workbook_measured(data, timeout=timeout, memory_mb=memory_mb, reader=reader)
    if reading.data is None:
        raise UnreadableWorkbook(reading.error)
    return reading.data


def _setting(name: str, default):
    return getattr(settings, name, default)
