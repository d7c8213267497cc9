"""A table's 历史版本: every saved revision with who, when, the path it came through and what
changed from the revision before (the same diff as between submissions)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from budgetapp.layouts.document import Document, document_from_json
from budgetapp.targets.models import Revision, TargetTable
from budgetapp.targets.snapshots import TableDiff, diff_snapshots

# The page lists the latest ones; every revision stays in the admin.
HISTORY_LIMIT = 50


@dataclass
class HistoryEntry:
    revision: Revision
    diff: TableDiff | None  # None for the first recorded revision (nothing to compare with)
    # (changed fields, changed rows) from the revision's stored changes, for the list.
    counts: tuple[int, int] | None = None

    @property
    def has_layout(self) -> bool:
        kept = getattr(self.revision, "layout_kept", None)
        return kept if kept is not None else self.revision.layout is not None

    @property
    def summary(self) -> str:
        if self.counts is not None:
            fields, rows = self.counts
        elif self.diff is None:
            return "首个记录的版本"
        else:
            fields, rows = len(self.diff.fields), len(self.diff.rows)
        if not (fields or rows):
            return "内容没有变化"
        parts = []
        if fields:
            parts.append(f"{fields} 处字段")
        if rows:
            parts.append(f"{rows} 行")
        return "修改 " + "、".join(parts)


def _entries(revisions: list[Revision]) -> list[HistoryEntry]:
    """Each revision against the one before: the old and new values a write stored
    (`changes`, against the version it replaced) give the counts without reading any
    snapshot; a revision without them (a baseline of a change made outside the services)
    is compared with the one before, snapshot against snapshot."""
    entries, previous = [], None
    for revision in revisions:
        changes = revision.changes or {}
        if previous is None:
            entries.append(HistoryEntry(revision, None))
        elif "fields" in changes and "rows" in changes:
            counts = (len(changes["fields"]), len(changes["rows"]))
            entries.append(HistoryEntry(revision, None, counts=counts))
        else:
            entries.append(HistoryEntry(revision, diff_snapshots(previous.data, revision.data)))
        previous = revision
    return entries


def table_history(table: TargetTable) -> list[HistoryEntry]:
    """The latest revisions, newest first, each with what changed from the one before
    (snapshots and layouts are not read for the list: 50 of each made the table page slow)."""
    revisions = list(
        Revision.of(table)
        .select_related("saved_by")
        .defer("data", "layout")
        .annotate(layout_kept=Q(layout__isnull=False))
        .order_by("-version")[: HISTORY_LIMIT + 1]
    )
    revisions.reverse()
    entries = _entries(revisions)
    if len(revisions) > HISTORY_LIMIT:
        entries = entries[1:]  # the extra one only served as the first entry's "before"
    return list(reversed(entries))


def revision_entry(table: TargetTable, version: int) -> HistoryEntry:
    """One revision of the table with its diff from the one before (404 if there is none)."""
    revisions = list(
        Revision.of(table)
        .filter(version__lte=version)
        .select_related("saved_by")
        .order_by("-version")[:2]
    )
    if not revisions or revisions[0].version != version:
        raise Http404("没有这个版本。")
    current = revisions[0]
    previous = revisions[1] if len(revisions) > 1 else None
    return HistoryEntry(current, diff_snapshots(previous.data, current.data) if previous else None)


def revision_document(entry: HistoryEntry) -> Document | None:
    return document_from_json(entry.revision.layout) if entry.has_layout else None


def revision_items_html(entries: list[HistoryEntry], kind: str, pk: int) -> SafeString:
    """The 历史版本 list's items as templates/review/_revision_items.html renders them (the
    reference, tests/test_history_html.py), with plain string operations: the template's 50
    items were a fifth of the table page's time (issue 17)."""
    if not entries:
        return mark_safe('<li class="list-group-item small text-muted">暂无保存记录。</li>')
    # Every item's link differs only in its version: reversed once, completed per item.
    sample = reverse("review:revision", args=[kind, pk, 0])
    base = escape(sample[: -len("0/")])
    parts = []
    for entry in entries:
        revision = entry.revision
        user = revision.saved_by
        who = escape(user.get_full_name() or user.username) if user else "系统"
        when = localtime(revision.saved_at).strftime("%Y-%m-%d %H:%M")
        note = "" if entry.has_layout else " · 仅有字段记录"
        parts.append(
            f'\n        <li class="list-group-item small">\n'
            f'          <a href="{base}{revision.version}/">第{revision.version}版</a>\n'
            f'          <span class="fw-semibold">{escape(revision.get_action_display())}</span>'
            f" · {escape(entry.summary)}\n"
            f'          <div class="text-muted">{who} · {when}{note}</div>\n'
            f"        </li>\n        "
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
