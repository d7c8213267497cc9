"""Rows already read, handed to a model instance as `prefetch_related` would have left them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models


def keep_as_prefetched(instance: models.Model, name: str, rows: Sequence[models.Model]) -> None:
    """Make `instance.<name>.all()` answer `rows` without a query, as after
    `prefetch_related(name)`: an evaluated queryset in the instance's prefetch cache."""
    prefetched = getattr(instance, name).all()
    prefetched._result_cache = list(rows)
    prefetched._prefetch_done = True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        cache = instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    cache[name] = prefetched
