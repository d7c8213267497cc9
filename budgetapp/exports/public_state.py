"""What the public sees, as a token that changes whenever it may have changed.

The portal caches its pages (budgetapp/portal/cache.py) under this token. It is made of the
newest published version (so a publication or a correction is seen at once, by every process,
whatever cache each has) and an epoch kept in the shared cache, which `public_changed` moves
on when a transaction that changes what is public commits (publishing, reopening a published
table, files stored again by `store_published_files`), so the cached pages are dropped.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max

from .models import Publication

EPOCH_KEY = "public:epoch"
logger = logging.getLogger(__name__)


def public_changed() -> None:
    """Drop every cached public page once the current transaction commits."""
    transaction.on_commit(_next_epoch)


def _next_epoch() -> None:
    try:
        try:
            cache.incr(EPOCH_KEY)
        except ValueError:  # not set yet (or evicted): any new value will do
            cache.set(EPOCH_KEY, 1, timeout=None)
    except Exception:  # the publication is committed; a cache that is down keeps no pages
        logger.exception("moving the public cache epoch on failed")


def public_token() -> str | None:
    """One query and one cache read: changes whenever what is public may have changed.
    None when the cache cannot be read (then nothing may be served from it)."""
    try:
        epoch = cache.get(EPOCH_KEY, 0)
    except Exception:
        logger.exception("reading the public cache epoch failed")
        return None
    newest = Publication.objects.aggregate(version=Max("pk"))["version"]
    return f"{epoch}.{newest or 0}"
