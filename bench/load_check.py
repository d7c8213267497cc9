"""What bench/load.py reads out of a run: the figures, and the saves checked against the database.

Kept apart from the locust scenario (which runs under gevent) so the tests can use it:
`editor_form` is what the simulated filer posts back, `figures` turns the request records
into requests/s and percentiles, and `verify_saves` holds every save the filers made against
the revisions the database kept.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

STALE_MESSAGE = "在您编辑期间"  # the start of targets.services.StaleEdit's message


def editor_form(html: str) -> list[tuple[str, str]]:
    """What a browser submits for the editor's form (`data-role="table-form"`): every named
    control as lxml serialises a form, less the empty row kept in a <template> for the page
    script (its names hold `__prefix__`; a browser does not submit a template's content)."""
    document = lxml.html.fromstring(html)
    form = next(f for f in document.forms if f.get("data-role") == "table-form")
    return [(name, value) for name, value in form.form_values() if "__prefix__" not in name]


def read_records(path: Path) -> tuple[list[dict], list[dict], tuple[float, float]]:
    """(requests, saves, (window start, window end)) of a run's records file. A filer who could
    not log in counts as an error at the window's start."""
    requests, saves, window = [], [], (0.0, 0.0)
    failed_logins = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["type"] == "request":
                requests.append(record)
            elif record["type"] == "save":
                saves.append(record)
            elif record["type"] == "window":
                window = (record["start"], record["end"])
            elif record["type"] == "login_error":
                failed_logins.append(record)
    for record in failed_logins:
        requests.append(
            {"name": "scenario", "start": window[0], "ms": 0,
             "error": f"login of {record['user']} failed: {record['error']}"}
        )  # fmt: skip
    return requests, saves, window


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 100 values is the 95th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Figures:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    by_name: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def figures(requests: Iterable[dict], window: tuple[float, float]) -> Figures:
    """Requests started in the window: how many per second, p50/p95 over all, and per page."""
    start, end = window
    in_window = [r for r in requests if start <= r["start"] < end]
    # "scenario": an exception in the simulated filer's own code, an error but no request.
    measured = [r for r in in_window if r["name"] != "scenario"]
    times = [r["ms"] for r in measured]
    names: dict[str, list[float]] = defaultdict(list)
    for record in measured:
        names[record["name"]].append(record["ms"])
    errors = [r for r in in_window if r["error"]]
    return Figures(
        requests=len(measured),
        seconds=end - start,
        errors=len(errors),
        p50_ms=percentile(times, 0.50),
        p95_ms=percentile(times, 0.95),
        by_name={
            name: (len(values), percentile(values, 0.50), percentile(values, 0.95))
            for name, values in sorted(names.items())
        },
        error_samples=[f"{r['name']}: {r['error']}" for r in errors[:5]],
    )


@dataclass(frozen=True)
class StoredSave:
    """One revision of an edit, as the database kept it."""

    table: int
    version: int
    user: str
    marker: str


@dataclass
class Verdict:
    accepted: int = 0
    refused: int = 0
    rightly_refused: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_saves(
    saves: list[dict],
    stored: list[StoredSave],
    versions: dict[int, int],
    partners: dict[str, str],
) -> Verdict:
    """Hold the filers' saves against what the database kept.

    - Every save the server accepted (a redirect to the table page) is stored, exactly once,
      in the table it was made to.
    - Nothing refused is stored, and nothing is stored that no filer was told was accepted.
    - A save was refused as stale only where the other filer of the same table really saved in
      between: the table has that filer's revision right after the version the page was loaded
      at. A filer with a table of their own is never refused.
    - Each table's versions run without a gap: its version now is one more than its last edit.
    """
    verdict = Verdict()
    by_marker: dict[str, list[StoredSave]] = defaultdict(list)
    by_version: dict[tuple[int, int], StoredSave] = {}
    for save in stored:
        by_marker[save.marker].append(save)
        by_version[(save.table, save.version)] = save
    told = {save["marker"] for save in saves if save["outcome"] == "accepted"}
    for save in saves:
        found = by_marker.get(save["marker"], [])
        if save["outcome"] == "accepted":
            verdict.accepted += 1
            if len(found) != 1 or found[0].table != save["table"]:
                verdict.problems.append(
                    f"accepted save {save['marker']} stored {len(found)} times (lost save)"
                )
        elif save["outcome"] == "stale":
            verdict.refused += 1
            loaded = save["loaded_version"]
            after = by_version.get((save["table"], loaded + 1)) if loaded is not None else None
            partner = partners.get(save["user"], "")
            if found:
                verdict.problems.append(f"refused save {save['marker']} was stored")
            if partner and after is not None and after.user == partner:
                verdict.rightly_refused += 1
            else:
                verdict.problems.append(
                    f"save {save['marker']} refused as stale from version {loaded} although "
                    f"no other filer saved version {loaded + 1 if loaded is not None else '?'}"
                )
    for marker in by_marker:
        if marker not in told:
            verdict.problems.append(f"stored save {marker} was never reported accepted")
    kept: dict[int, set[int]] = defaultdict(set)
    for save in stored:
        kept[save.table].add(save.version)
    for table, version in versions.items():
        # Built at version 1: the edits are versions 2, 3 … up to the table's version now.
        if kept[table] != set(range(2, version + 1)):
            verdict.problems.append(
                f"table {table} is at version {version} but its edits are versions "
                f"{sorted(kept[table])}"
            )
    return verdict
