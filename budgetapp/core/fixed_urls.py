"""Paths of URL names that take no arguments, reversed once instead of on every request, and
the URLs of static files, worked out once.

Every signed-in page reversed some 25 of them (the navigation bar's 13, the second-factor and
password middleware's 11, the session timer's 2), about 20 µs each (issue 17). What such a
path depends on is the URL name, the script prefix, the URLconf and, with i18n_patterns, the
language: the cache is keyed on all four, so it gives what `reverse` gives in every case."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# The storage `{% static %}` asks (django.contrib.staticfiles: STORAGES["staticfiles"]).
STATICFILES = "staticfiles"


def fixed_reverse(name: str) -> str:
    """`reverse(name)` for a URL name without arguments."""
    return _reversed(name, *_in_force())


def fixed_reverses(names: tuple[str, ...]) -> tuple[str, ...]:
    """`fixed_reverse` of each name: what they depend on looked up once."""
    in_force = _in_force()
    return tuple(_reversed(name, *in_force) for name in names)


def _in_force() -> tuple[str, str, str | None]:
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language()


# Bounded: the script prefix comes from the server (SCRIPT_NAME), a handful of values at most.
@functools.lru_cache(maxsize=512)
def _reversed(name: str, script_prefix: str, urlconf: str, language: str | None) -> str:
    # Called with the prefix, URLconf and language in force, which are the key.
    return reverse(name)


def fixed_static(path: str) -> str:
    """`static(path)` (the `{% static %}` tag's URL), worked out once per path and storage.

    The URL of a static file depends on the storage alone (its STATIC_URL and, with hashed
    names, the manifest it loaded when it was made) and on DEBUG, which hashed names follow;
    a change of STORAGES, STATIC_URL or STATIC_ROOT makes a new storage (Django's
    setting_changed handling), so keying on the storage object gives what `static` gives.
    base.html's seven links cost about 20 µs each with the plain storage (issue 17), more with
    the manifest's."""
    return _static_url(path, storages[STATICFILES], settings.DEBUG)


@functools.lru_cache(maxsize=256)
def _static_url(path: str, storage: Storage, debug: bool) -> str:
    # Called with the storage and DEBUG in force, which are the key.
    return static(path)
