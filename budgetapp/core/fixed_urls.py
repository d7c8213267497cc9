"""Paths of URL names that take no arguments, reversed once instead of on every request.

Every signed-in page reversed some 25 of them (the navigation bar's 13, the second-factor and
password middleware's 11, the session timer's 2), about 20 µs each (issue 17). What such a
path depends on is the URL name, the script prefix, the URLconf and, with i18n_patterns, the
language: the cache is keyed on all four, so it gives what `reverse` gives in every case."""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def fixed_reverse(name: str) -> str:
    """`reverse(name)` for a URL name without arguments."""
    return _reversed(
        name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language()
    )


# Bounded: the script prefix comes from the server (SCRIPT_NAME), a handful of values at most.
@functools.lru_cache(maxsize=512)
def _reversed(name: str, script_prefix: str, urlconf: str, language: str | None) -> str:
    # Called with the prefix, URLconf and language in force, which are the key.
    return reverse(name)
