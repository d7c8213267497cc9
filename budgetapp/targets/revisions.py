"""What every write leaves: a `Revision` with the content, the changes, who, when, the path, and
the official layout as it printed (the history page shows an old version exactly so).

The layouts app builds on the target models, so targets must not import it: dependencies point
one way (docs/design.md, "Layers"). The layouts app hands its builder over at start-up instead
(`LayoutsConfig.ready`); a revision written without one (a project that does not install the
layouts app) simply has no frozen layout, which the history page already handles.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch, prefetch_related_objects

from budgetapp.core.prefetch import keep_as_prefetched

from .models import Revision, RevisionAction, TargetTable
from .models.base import INDICATOR_RELATED
from .snapshots import ROW_SECTIONS, changes_as_json, serialize_table

LayoutBuilder = Callable[[TargetTable], dict[str, Any]]

_builder: LayoutBuilder | None = None


def use_layout_builder(builder: LayoutBuilder | None) -> None:
    """Set the function that turns a table into its layout as JSON (None: freeze nothing)."""
    global _builder
    _builder = builder


def frozen_layout(table: TargetTable) -> dict[str, Any] | None:
    """The table's official layout now, as JSON kept in its revision."""
    return _builder(table) if _builder is not None else None


def ensure_revision(table: TargetTable) -> Revision:
    """The revision of the table's current version. Tables loaded or changed outside the
    services (demo loader, older releases) have none; record it before it is overwritten, so the
    next write has an "old" side and a stale save can still list what changed. Its frozen
    layout (some 27 KB of JSON for a 20-row table) and changes are read only if asked for: the
    writes want its content."""
    existing = Revision.of(table).filter(version=table.version).defer("layout", "changes").first()
    if existing is not None:
        return existing
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        version=table.version,
        data=serialize_table(table),
        saved_by=table.updated_by,
        action=RevisionAction.BASELINE,
        layout=frozen_layout(table),
    )


def _rows_read_once(
    table: TargetTable, handed: Mapping[str, Sequence[Model]] | None = None
) -> TargetTable:
    """A copy of `table` with its row lists read (those not prefetched already nor `handed`:
    rows a save has just written, as a read would give them, saved_rows.py), so that its
    snapshot and its layout, which both read every list, read each once (issue 17: 2 queries
    less per save of a project table, 4 of a department table). The caller's instance is left
    as it was: it must not keep rows read at this moment."""
    reading = copy.copy(table)
    cache = dict(getattr(table, "_prefetched_objects_cache", {}))
    reading._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    for section, rows in (handed or {}).items():
        keep_as_prefetched(reading, section, rows)
    lookups = [
        Prefetch(section, queryset=_indicators(table).select_related(*INDICATOR_RELATED))
        if section == "indicators"
        else section
        for section in ROW_SECTIONS[type(table)]
        if section not in cache
    ]
    if lookups:
        prefetch_related_objects([reading], *lookups)
    return reading


def _indicators(table: Any) -> Any:
    """Every indicator row of the table's kind (the project's or the department's model)."""
    return table.indicators.model._default_manager.all()


def record_revision(
    table: TargetTable,
    *,
    user: User | None,
    action: str,
    ip: str | None,
    before: dict[str, Any] | None = None,
    version: int | None = None,
    data: dict[str, Any] | None = None,
    rows: Mapping[str, Sequence[Model]] | None = None,
) -> Revision:
    """Write the revision of a write: content now, old/new against `before`, who, IP, path.
    `rows`: row lists (by related name) the write has just saved, as a read of them would give
    them (`saved_rows.as_read`); the others are read."""
    table = _rows_read_once(table, rows)
    data = data if data is not None else serialize_table(table)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
        version=version if version is not None else table.version,
        data=data,
        saved_by=user,
        action=action,
        client_ip=ip or None,
        changes=changes_as_json(before, data) if before is not None else {},
        layout=frozen_layout(table),
    )
