"""Request helpers."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, for the audit trail.

    Behind the deployment's reverse proxy REMOTE_ADDR is the proxy; the proxy is expected to
    set X-Real-IP (docs/design.md). Anything else a client sends is not trusted.
    """
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


def stored_file_response(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as an attachment; Django names it as RFC 6266 asks (`filename*=utf-8''…`)."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        logger.error("Stored file %s is missing", file.name)
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def absolute_url(path: str) -> str:
    """A site path as a link that works outside the site (an e-mail): `SITE_URL` + path."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL.rstrip('/')}/{path.lstrip('/')}"
