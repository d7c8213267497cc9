"""What kind of process this is, for the few things that differ between them.

A web process (gunicorn or runserver, through `budgetapp/wsgi.py` or `asgi.py`) answers people:
it prints at most one table at a time, in itself, so a book never takes the cores its
neighbours' requests need (books above EXPORT_BOOK_INLINE_TABLES are tasks). The task worker
(`manage.py run_task_worker`) prints books with a pool of EXPORT_PDF_WORKERS processes, at a
lower CPU priority. Anything else (a management command, a test) is a `COMMAND`: it may use
the pool too, as it answers nobody waiting.
"""

from __future__ import annotations

WEB = "web"
TASK_WORKER = "task-worker"
COMMAND = "command"

_role = COMMAND


def set_role(role: str) -> None:
    global _role
    if role not in (WEB, TASK_WORKER, COMMAND):
        raise ValueError(f"unknown process role {role!r}")
    _role = role


def role() -> str:
    return _role


def is_web() -> bool:
    return _role == WEB
