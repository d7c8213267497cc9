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
anchor with the highest id, not the last line.
"""

from __future__ import annotations

import json
import logging
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
class Anchors:
    """The anchors in force: record id → hash, written since the last reset."""

    hashes: dict[int, str] = field(default_factory=dict)
    file_exists: bool = False
    unreadable_lines: int = 0

    @property
    def head(self) -> int | None:
        return max(self.hashes) if self.hashes else None


def read_anchors() -> Anchors:
    path = anchor_path()
    anchors = Anchors()
    if not path.exists():
        return anchors
    anchors.file_exists = True
    with path.open(encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            raw = raw.strip()
            if not raw:
                continue
            try:
                line = json.loads(raw)
                if line.get("reset"):
                    anchors.hashes.clear()
                    continue
                anchors.hashes[int(line["id"])] = str(line["hash"])
            except (ValueError, KeyError, TypeError, AttributeError):
                anchors.unreadable_lines += 1
    return anchors
