"""Request helpers."""

from __future__ import annotations

import logging

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
