"""Reads of the library: what a filer is offered as they type."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from .categories import CategoryMap
from .models import CONTENT_FIELDS, LibraryEntry
from .ranking import rank

SEARCH_LIMIT = 15
_FIELDS = ["pk", "kind", *CONTENT_FIELDS, "usage_count"]


def search_entries(
    user: User | AnonymousUser, *, q: str = "", project: str = "", limit: int = SEARCH_LIMIT
) -> list[LibraryEntry]:
    """Entries offered to `user` matching every term of `q` (三级 name, 描述 or 二级).

    With an empty `q` these are suggestions for the project: entries sharing terms with its
    name come first. The library holds hundreds of rows, so ranking happens in Python over one
    query's result.
    """
    terms = q.split()
    entries = LibraryEntry.objects.offered_to(user).only(*_FIELDS)
    for term in terms:
        entries = entries.filter(
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(level2_name__icontains=term)
        )
    return rank(entries, terms=terms, project=project, limit=limit)


def entry_as_json(entry: LibraryEntry, categories: CategoryMap) -> dict[str, Any]:
    """The entry for the grid. `level1`/`level2` are the names of the table's framework the
    entry resolves to (legacy 产出指标/成本指标 is 成本指标/经济成本指标 in a 2021-framework
    table), so the list shows what picking it will select; `entry_level1`/`entry_level2` are
    the entry's own names."""
    level1, level2 = categories.resolve(entry.level1_name, entry.level2_name)
    resolved = level1 is not None
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "name": entry.name,
        "description": entry.description,
        "basis": entry.basis,
        "level1": level1.name if level1 is not None else entry.level1_name,
        "level2": (level2.name if level2 else "") if resolved else entry.level2_name,
        "entry_level1": entry.level1_name,
        "entry_level2": entry.level2_name,
        "level1_id": level1.pk if level1 else None,
        "level2_id": level2.pk if level2 else None,
        "comparator": entry.comparator,
        "unit": entry.measure_unit,
        "hint": entry.hint,
    }
