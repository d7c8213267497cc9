"""Anchors of the audit chain's head, kept outside the database.

The hash chain shows a record changed or removed in the middle, but not the newest records
removed: what is left is still a valid chain. So every committed record also appends its id and
hash as one JSON line to `AUDIT_ANCHOR_FILE` (a file in its own directory, outside the database
and outside MEDIA_ROOT, so outside the `backup` archive too), and names them in the
`budgetapp.security` log, which a deployment ships off the host. `verify_chain` compares the
table with every anchor written since the last re-anchoring: an anchored record that is missing
or whose hash differs is reported, so deleting the newest records, or rewriting the whole chain
consistently, is found by anyone who cannot also rewrite this file.

Lines are written after the record's transaction commits (`transaction.on_commit`): a record
rolled back never had an anchor. Two commits may append out of id order, so the head is the
anchor with the highest id, not the last line. The file may be rotated by moving it aside
(each line opens it anew); the next record starts a new one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

security_log = logging.getLogger("budgetapp.security")


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def _append(line: dict) -> None:
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
    # One write() in append mode: concurrent workers' lines never interleave.
    with path.open("a", encoding="utf-8") as handle:
        handle.write(data)


def write_anchor(*, event_id: int, event_hash: str, created_at: str) -> None:
    """Anchor one committed record. A failure to write is logged, never raised: the user's
    request has already been committed, and `verify_chain` reports records left unanchored
    only as the gap they leave (see docs/security.md)."""
    security_log.info("audit anchor id=%s hash=%s", event_id, event_hash)
    try:
        _append({"id": event_id, "hash": event_hash, "at": created_at})
    except OSError as error:
        security_log.error(
            "audit anchor for record %s could not be written to %s: %s",
            event_id,
            anchor_path(),
            error,
        )


def write_reset(*, reason: str, by: str) -> None:
    """Anchors before this line no longer count (after a restore lost the newest records, which
    the operator has seen and recorded). Raises OSError: the operator is there to see it."""
    _append({"reset": True, "at": timezone.now().isoformat(), "reason": reason, "by": by})


@dataclass
class AnchorReader:
    """The anchors in force (written since the last reset line), read as a stream.

    The file holds a line per record ever written, so it is never loaded whole: `verify_chain`
    walks it beside the table. After iterating, `head` is the highest anchored id and
    `unreadable_lines` the lines that are not anchors (a crash mid-write, or an edit).
    """

    file_exists: bool = False
    head: int | None = None
    unreadable_lines: int = 0
    _start: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        path = anchor_path()
        self.file_exists = path.exists()
        if not self.file_exists:
            return
        # First pass: where the anchors in force begin (after the last reset line).
        with path.open("rb") as handle:
            offset = 0
            for raw in handle:
                offset += len(raw)
                if b'"reset":true' in raw:
                    self._start = offset

    def __iter__(self) -> Iterator[tuple[int, str]]:
        if not self.file_exists:
            return
        with anchor_path().open("rb") as handle:
            handle.seek(self._start)
            for raw in handle:
                raw = raw.strip()
                if not raw:
                    continue
                try:
                    line = json.loads(raw)
                    anchored = (int(line["id"]), str(line["hash"]))
                except (ValueError, KeyError, TypeError):
                    self.unreadable_lines += 1
                    continue
                self.head = anchored[0] if self.head is None else max(self.head, anchored[0])
                yield anchored
