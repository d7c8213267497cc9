"""Request helpers."""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

logger = logging.getLogger(__name__)

IPNetwork = IPv4Network | IPv6Network


def _ip(value: str | None) -> str | None:
    """A well-formed IPv4/IPv6 address in its normal form, or None (never store junk)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in proxies)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, for the audit trail.

    The socket address (REMOTE_ADDR), unless the request arrived from one of the reverse
    proxies named in `TRUSTED_PROXIES` (IPs or CIDRs; empty by default): then the proxy's
    X-Real-IP, or else the last X-Forwarded-For entry not itself a trusted proxy. Headers sent
    by anyone else are ignored, and a malformed value is never returned.
    """
    remote = _ip(request.META.get("REMOTE_ADDR"))
    proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    if remote is None or not proxies:
        return remote
    networks = _trusted_networks(proxies)

    def trusted(address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(ip.version == net.version and ip in net for net in networks)

    if not trusted(remote):
        return remote
    real_ip = request.META.get("HTTP_X_REAL_IP")
    if real_ip:
        return _ip(real_ip)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # Each proxy appends the address it saw: read from the right, skip our own proxies.
    for entry in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        address = _ip(entry)
        if address is None:
            return None
        if not trusted(address):
            return address
    return remote


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
