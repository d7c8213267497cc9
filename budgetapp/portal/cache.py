"""Published pages are cached: they change only when something is published or reopened.

A portal page is the same for everyone (no login, no form token), so the whole response body is
kept in the default cache (Redis when REDIS_URL is set, shared by every web process) under the
public token (`exports.public_state`: the newest published version and an epoch moved on by
every publication and reopening), the host and the full path with its query. A request reads
the token (one query) and the cached page; only a miss renders. A new token leaves the old
entries unread until they expire.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from budgetapp.exports.public_state import public_token

logger = logging.getLogger(__name__)

PREFIX = "portal:page"
TIMEOUT = 60 * 60 * 24  # a day: entries of an older token are never read again


def page_key(request: HttpRequest, token: str) -> str:
    where = request.build_absolute_uri()  # scheme and host too: the feeds print them
    digest = hashlib.sha256(where.encode()).hexdigest()
    return f"{PREFIX}:{token}:{digest}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's 200 answers to GET/HEAD from the cache; render and keep them once."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        token = public_token()
        if token is None:  # the cache is down: the page is rendered, as without a cache
            return view(request, *args, **kwargs)
        key = page_key(request, token)
        try:
            kept = cache.get(key)
        except Exception:
            logger.exception("reading the portal cache failed")
            kept = None
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            try:
                cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
            except Exception:
                logger.exception("writing the portal cache failed")
        return response

    return wrapper
