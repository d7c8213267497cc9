"""The cache of printed tables: a table is printed again only when what it prints has changed.

An entry is keyed by a hash of exactly what WeasyPrint is given (the table's HTML, which holds
every printed value: for a department table also its list of projects, the unit's name and its
region's layout) and of everything else the output depends on (`renderer_version()`: the
print stylesheet, the accelerators on, the print font, the WeasyPrint and pikepdf versions and
the format of an entry). A changed table gets a new key; the entries of its old content are
simply never read again and expire.

The entries live in the cache named `exports` of `CACHES`: the shared Redis when REDIS_URL is
set (every process of every machine reuses what any printed), else `PrintedTablesCache`, a
file-based cache on this machine; in memory for the tests. Without that entry nothing is
cached.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import zlib
from functools import cache
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache

from . import pdf_render
from .pdf_footer import PAGE_FOOTER

logger = logging.getLogger(__name__)

CACHE_ALIAS = "exports"
# Bump when the layout code, the HTML renderer or the entries' format change in a way the HTML
# itself does not show.
FORMAT_VERSION = 5  # 5: the accelerators on are part of the key


def renderer_version() -> str:
    return _renderer_version(pdf_render.current_config())


@cache
def _renderer_version(config: pdf_render.PrintConfig) -> str:
    import pikepdf
    import weasyprint

    return (
        f"v{FORMAT_VERSION}/weasyprint {weasyprint.__version__}/pikepdf {pikepdf.__version__}/"
        f"{pdf_render.signature()}/{PAGE_FOOTER}/{sorted(pdf_render.PDF_OPTIONS.items())}"
    )


def key_for(kind: str, html: str) -> str:
    """The cache key of printing `html` as `kind`: "table" (a whole PDF), "part" (a book's first
    part) or "part-continued" (any other part)."""
    digest = hashlib.sha256()
    digest.update(renderer_version().encode())
    digest.update(b"\0" + kind.encode() + b"\0")
    digest.update(html.encode())
    return f"export:{kind}:{digest.hexdigest()}"


def _cache():
    if CACHE_ALIAS not in settings.CACHES:
        return None
    return caches[CACHE_ALIAS]


def get_many(keys: list[str]) -> dict[str, Any]:
    backend = _cache()
    if backend is None or not keys:
        return {}
    try:
        return backend.get_many(keys)
    except Exception:  # a broken cache must not break exports: print instead
        logger.exception("reading the export cache failed")
        return {}


def set_many(values: dict[str, Any]) -> None:
    backend = _cache()
    if backend is None or not values:
        return
    try:
        backend.set_many(values)
    except Exception:
        logger.exception("writing the export cache failed")


def clear() -> None:
    """Forget every printed table, and the font subsets kept in this process (benchmarks and
    tests; on Redis, Django's `clear` empties the whole Redis database)."""
    from .accelerators import font_deferral

    backend = _cache()
    if backend is not None:
        backend.clear()
    font_deferral.forget_subsets()


class PrintedTablesCache(FileBasedCache):
    """Django's file-based cache, tuned for printed tables.

    - Culling (dropping entries beyond MAX_ENTRIES) lists every file of the folder, and Django
      does it before every write: with thousands of entries, a book of a hundred tables would
      spend seconds listing. Here one write in `cull_every` culls (the first one included).
    - An entry is PDF data, compressed already: zlib's fastest level is enough.
    """

    cull_every = 100

    def __init__(self, dir, params) -> None:
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self) -> None:
        self._writes += 1
        if self._writes % self.cull_every == 1:
            super()._cull()

    def _write_content(self, file, timeout, value) -> None:
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), 1))
