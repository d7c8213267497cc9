"""An optional read replica for the public portal (DATABASE_REPLICA_URL).

The portal's pages read only what was frozen at publication (exports.Publication and its files)
and the unit tree; on deadline day they are most of the public's traffic and none of the
filers'. With a replica configured, `PortalReadsFromReplica` marks the safe requests under
/public/ and `PortalReplicaRouter` sends their reads of those apps to the `replica` alias.
Everything else reads and writes the primary: sessions and accounts (a login must be seen at
once), every write, and any read inside a transaction.

A replica lags its primary by a moment: a table just published may show there a moment later.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PORTAL_PREFIX = "/public/"
# The apps whose tables the portal reads: frozen publications, the unit tree, content types.
PORTAL_APPS = frozenset({"exports", "units", "contenttypes"})

_portal_request: ContextVar[bool] = ContextVar("portal_request", default=False)


class PortalReadsFromReplica:
    """Marks GET/HEAD requests of the public portal, whose reads may go to the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not request.path_info.startswith(PORTAL_PREFIX):
            return self.get_response(request)
        token = _portal_request.set(True)
        try:
            return self.get_response(request)
        finally:
            _portal_request.reset(token)


class PortalReplicaRouter:
    """Reads of the portal's apps during a portal request go to the replica; nothing else."""

    def db_for_read(self, model, **hints) -> str | None:
        if (
            _portal_request.get()
            and REPLICA in settings.DATABASES
            and model._meta.app_label in PORTAL_APPS
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return db != REPLICA  # the replica gets its schema by replication
