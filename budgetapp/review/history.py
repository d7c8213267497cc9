"""A table's 历史版本: every saved revision with who, when, the path it came through and what
changed from the revision before (the same diff as between submissions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from budgetapp.layouts.document import Document, document_from_json
from budgetapp.targets.models import Revision, RevisionAction, TargetTable
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
        return _summary(self.counts, self.diff)


def _summary(counts: tuple[int, int] | None, diff: TableDiff | None) -> str:
    if counts is not None:
        fields, rows = counts
    elif diff is None:
        return "首个记录的版本"
    else:
        fields, rows = len(diff.fields), len(diff.rows)
    if not (fields or rows):
        return "内容没有变化"
    parts = []
    if fields:
        parts.append(f"{fields} 处字段")
    if rows:
        parts.append(f"{rows} 行")
    return "修改 " + "、".join(parts)


@dataclass(frozen=True)
class ListedRevision:
    """One line of the table page's 历史版本 list, read as plain values."""

    version: int
    action_label: str
    saved_at: datetime
    saver: str  # the saver's full name, else username; "" for none (the system)
    has_layout: bool
    summary: str


_ACTION_LABELS = dict(RevisionAction.choices)


def table_history(table: TargetTable) -> list[ListedRevision]:
    """The latest revisions, newest first, each with what changed from the one before.
    Read as plain values (model instances of 50 revisions and their savers cost the table page
    more than a millisecond), without snapshots or layouts: the old and new values a write
    stored (`changes`, against the version it replaced) give the counts; a revision without them
    (a baseline of a change made outside the services) is compared with the one before,
    snapshot against snapshot, both read by one more query."""
    values = list(
        Revision.of(table)
        .annotate(layout_kept=Q(layout__isnull=False))
        .order_by("-version")
        .values_list(
            "version", "action", "saved_at", "changes", "saved_by_id", "saved_by__first_name",
            "saved_by__last_name", "saved_by__username", "layout_kept",
        )[: HISTORY_LIMIT + 1]
    )  # fmt: skip
    values.reverse()
    compared = [
        (before[0], now[0])
        for before, now in zip(values, values[1:], strict=False)
        if not ("fields" in (now[3] or {}) and "rows" in (now[3] or {}))
    ]
    snapshots = {}
    if compared:
        wanted = {version for pair in compared for version in pair}
        snapshots = dict(
            Revision.of(table).filter(version__in=wanted).values_list("version", "data")
        )
    listed, previous = [], None
    for version, action, saved_at, changes, saver_id, first, last, username, kept in values:
        changes = changes or {}
        if previous is None:
            summary = _summary(None, None)
        elif "fields" in changes and "rows" in changes:
            summary = _summary((len(changes["fields"]), len(changes["rows"])), None)
        else:
            summary = _summary(None, diff_snapshots(snapshots[previous], snapshots[version]))
        # The saver's name as `User.get_full_name()`, else the username.
        saver = (f"{first} {last}".strip() or username) if saver_id is not None else ""
        label = _ACTION_LABELS.get(action, action)
        listed.append(ListedRevision(version, label, saved_at, saver, bool(kept), summary))
        previous = version
    if len(values) > HISTORY_LIMIT:
        listed = listed[1:]  # the extra one only served as the first entry's "before"
    return list(reversed(listed))


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


def revision_items_html(listed: list[ListedRevision], kind: str, pk: int) -> SafeString:
    """The 历史版本 list's items as templates/review/_revision_items.html renders them from the
    revisions' model instances (the reference, tests/test_history_html.py), with plain string
    operations: the template's 50 items were a fifth of the table page's time (issue 17)."""
    if not listed:
        return mark_safe('<li class="list-group-item small text-muted">暂无保存记录。</li>')
    # Every item's link differs only in its version: reversed once, completed per item.
    sample = reverse("review:revision", args=[kind, pk, 0])
    base = escape(sample[: -len("0/")])
    parts = []
    for item in listed:
        who = escape(item.saver) if item.saver else "系统"
        when = localtime(item.saved_at).strftime("%Y-%m-%d %H:%M")
        note = "" if item.has_layout else " · 仅有字段记录"
        parts.append(
            f'\n        <li class="list-group-item small">\n'
            f'          <a href="{base}{item.version}/">第{item.version}版</a>\n'
            f'          <span class="fw-semibold">{escape(item.action_label)}</span>'
            f" · {escape(item.summary)}\n"
            f'          <div class="text-muted">{who} · {when}{note}</div>\n'
            f"        </li>\n        "
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
