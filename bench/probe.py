"""How fast this host runs right now: a fixed pure-Python loop, timed in CPU seconds.

The development machine's speed moves by up to 75 % within minutes (the host's other tenants;
no steal time is reported inside the VM: docs/deployment.md). Every benchmark run times this
loop just before and just after its measured window and prints both, so that two runs are
compared together with the speed of the machine they ran on.
"""

from __future__ import annotations

import time

ADDITIONS = 10_000_000


def probe(additions: int = ADDITIONS) -> float:
    """CPU seconds (`time.process_time`) of `additions` integer additions in a Python loop."""
    started = time.process_time()
    total = 0
    for number in range(additions):
        total += number
    return time.process_time() - started


def probe_line(before: float, after: float) -> str:
    """The line every benchmark prints with its figures."""
    return f"probe before/after: {before:.2f} s / {after:.2f} s"
