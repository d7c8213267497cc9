"""Middleware of the core."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _a_connection_was_lost() -> bool:
    return any(conn.connection is not None and not conn.is_usable() for conn in connections.all())


class RetryAfterDatabaseRestart:
    """Run a GET/HEAD once more when its database connection was lost under it (the database
    restarted between the connection's health check and its query). Only safe methods: a POST
    might have been committed before the connection broke, so it is never repeated."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method not in SAFE_METHODS or getattr(request, "_database_retried", False):
            return None
        if not isinstance(exception, DatabaseError) or not _a_connection_was_lost():
            return None
        logger.warning("Database connection lost during %s %s; retrying once", request.method,
                       request.path)  # fmt: skip
        request._database_retried = True
        connections.close_all()
        return self.get_response(request)


class NoStoreForLoggedIn:
    """Nothing a logged-in user is shown is kept by a browser or a proxy: drafts, account
    pages and downloads alike get `Cache-Control: no-store` (剩余信息保护, docs/security.md).
    A response that declares itself public (the portal's published files) is left as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        public = "public" in response.get("Cache-Control", "")
        if user is not None and user.is_authenticated and not public:
            patch_cache_control(response, no_store=True, private=True)
        return response
