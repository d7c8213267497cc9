"""Request helpers."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, for the audit trail.

    Behind the deployment's reverse proxy REMOTE_ADDR is the proxy; the proxy is expected to
    set X-Real-IP (docs/design.md). Anything else a client sends is not trusted.
    """
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None
