"""Django's PostgreSQL backend with one change: opening a connection waits for a database that
is restarting, instead of failing the request.

A restart (an upgrade, a failover, `pg_ctlcluster restart`) refuses connections for a second or
two ("the database system is starting up" / "shutting down", or connection refused). Opening a
connection is retried until `DB_CONNECT_RETRY_SECONDS` have passed; only then does the error
reach the request. Connections already open are replaced by Django's CONN_HEALTH_CHECKS
(settings.py), and a safe request that met a connection lost mid-way is run once more by
`core.middleware.RetryAfterDatabaseRestart`.

With server-side binding (`DB_SERVER_SIDE_BINDING`, off by default) a query carries at most
65,535 parameters, which Django 5.2 does not take into account on PostgreSQL (ticket #36822):
`bulk_batch_size` cuts bulk creates, bulk updates and a delete's batches to fit, and any other
query with more (a large `__in` list, a prefetch of more objects) is sent with its parameters
bound client-side, as without the option: `ServerBindingCursor.execute` below
(docs/deployment.md, "Prepared statements").
"""

from __future__ import annotations

import logging
import time
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base, operations

logger = logging.getLogger(__name__)

# The extended query protocol counts a statement's parameters in 16 bits.
MAX_QUERY_PARAMETERS = 65535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs) -> int:
        if not self.connection.features.uses_server_side_binding:
            return super().bulk_batch_size(fields, objs)
        # Two parameters a field and object: a bulk update binds each value with its key.
        return max(MAX_QUERY_PARAMETERS // (2 * max(len(fields), 1)), 1)


def _bound_client_side(cursor: psycopg.Cursor[Any], query: Any, params: Any) -> tuple[Any, Any]:
    """The query and parameters to send: unchanged, or over the protocol's limit the query
    with its parameters merged in by psycopg's client-side binding (`ClientCursor.mogrify`),
    and none left to send apart."""
    if params is None or len(params) <= MAX_QUERY_PARAMETERS:
        return query, params
    return psycopg.ClientCursor(cursor.connection).mogrify(query, params), None


class ServerBindingCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, **kwargs):
        query, params = _bound_client_side(self, query, params)
        return super().execute(query, params, **kwargs)


class ServerSideCursor(psycopg.ServerCursor):
    """A named cursor (`QuerySet.iterator()`) with server-side binding, held to the same limit."""

    def execute(self, query, params=None, **kwargs):
        query, params = _bound_client_side(self, query, params)
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params

    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + getattr(settings, "DB_CONNECT_RETRY_SECONDS", 0)
        delay = 0.1
        while True:
            try:
                connection = super().get_new_connection(conn_params)
            except self.Database.OperationalError as error:
                if time.monotonic() + delay > deadline:
                    raise
                logger.warning("Database not reachable (%s); retrying in %.1f s", error, delay)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            if connection.cursor_factory is ServerBindingCursor:
                # Named cursors (`QuerySet.iterator()`) bind server-side too: held likewise.
                connection.server_cursor_factory = ServerSideCursor
            return connection
