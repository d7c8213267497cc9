"""Django's PostgreSQL backend with one change: opening a connection waits for a database that
is restarting, instead of failing the request.

A restart (an upgrade, a failover, `pg_ctlcluster restart`) refuses connections for a second or
two ("the database system is starting up" / "shutting down", or connection refused). Opening a
connection is retried until `DB_CONNECT_RETRY_SECONDS` have passed; only then does the error
reach the request. Connections already open are replaced by Django's CONN_HEALTH_CHECKS
(settings.py), and a safe request that met a connection lost mid-way is run once more by
`core.middleware.RetryAfterDatabaseRestart`.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db.backends.postgresql import base

logger = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + getattr(settings, "DB_CONNECT_RETRY_SECONDS", 0)
        delay = 0.1
        while True:
            try:
                return super().get_new_connection(conn_params)
            except self.Database.OperationalError as error:
                if time.monotonic() + delay > deadline:
                    raise
                logger.warning("Database not reachable (%s); retrying in %.1f s", error, delay)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
