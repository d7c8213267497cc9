"""The task worker: django-tasks' database worker, at a lower CPU priority, with the PDF pool.

    python manage.py run_task_worker [db_worker's options]

Runs the background tasks (a city's export, a unit's book) as `db_worker` does, with two
differences that keep exports from starving the people filing on the same machine:

- the process lowers its own CPU priority to TASK_WORKER_NICE (19, the lowest; `os.nice`) and,
  with TASK_WORKER_SCHED_IDLE on Linux, moves to the SCHED_IDLE policy (it runs only on a core no
  one else wants); the PDF worker processes it starts inherit both: when filers' requests want
  the cores, they get them;
- it prints books with a pool of EXPORT_PDF_WORKERS processes (0: one per core), the one pool
  of the deployment; web processes print one table at a time (budgetapp/core/process.py);
- before it takes any task, it marks failed the exports whose worker died (killed half-way:
  its process is gone from this machine, or its heartbeat stopped) and removes their
  half-written files (`exports.jobs.fail_stuck_jobs`, docs/operations.md).

Several task workers may run, on this host or others (each with its own pool): each task is
claimed by one of them through the database.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from budgetapp.core import process

logger = logging.getLogger(__name__)


def lower_priority(target: int) -> int:
    """Raise this process's niceness to `target` (never lower it: that needs root); returns
    the niceness now."""
    current = os.nice(0)
    if target > current:
        current = os.nice(target - current)
    return current


def idle_scheduling() -> bool:
    """Move this process to Linux's SCHED_IDLE policy, below every nice level (an unprivileged
    process may always lower itself to it); returns whether it is now under that policy. False
    where the platform has no such policy."""
    policy = getattr(os, "SCHED_IDLE", None)
    if policy is None:
        return False
    try:
        os.sched_setscheduler(0, policy, os.sched_param(0))
    except OSError as error:  # e.g. a seccomp filter in a container
        logger.warning("SCHED_IDLE refused (%s); staying at nice %s", error, os.nice(0))
        return False
    return os.sched_getscheduler(0) == policy


class Command(DatabaseWorkerCommand):
    help = "Run the background tasks (exports) at a lower CPU priority, with the PDF pool."

    def handle(self, *args, **options) -> None:
        niceness = lower_priority(settings.TASK_WORKER_NICE)
        idle = settings.TASK_WORKER_SCHED_IDLE and idle_scheduling()
        process.set_role(process.TASK_WORKER)
        from budgetapp.exports.pdf import workers

        logger.info(
            "Task worker at CPU priority (nice) %s%s, printing with %s PDF processes",
            niceness,
            " under SCHED_IDLE" if idle else "",
            workers(),
        )
        # Imported here: core sits below the apps; this command is where they are run.
        from budgetapp.exports.jobs import fail_stuck_jobs

        failed = fail_stuck_jobs()
        if failed:
            self.stdout.write(f"{failed} 个中断的导出已标为失败。")
        super().handle(*args, **options)
