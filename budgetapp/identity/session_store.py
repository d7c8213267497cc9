"""Django's database sessions (SESSION_ENGINE), their one read on every request written out.

The same table, rows, serializer and behaviour as `django.contrib.sessions.backends.db`: only
the read of a session by its key, which every signed-in request makes, is a SELECT written out
once (core/written_reads.py) instead of a queryset built each time (0.35 ms of CPU, of which
the database's part is under 0.1: issue 17). An expired or unknown key is no session, as there.
Saving, creating, deleting and the asynchronous reads are Django's own.
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from budgetapp.core.written_reads import ModelColumns, column, model_columns, table


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        """`Session.objects.get(session_key=…, expire_date__gt=now)`, or None (and no key)."""
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        sql, columns = _session_sql(model, using)
        expire_date = model._meta.get_field("expire_date")
        params = [
            self.session_key,
            expire_date.get_db_prep_value(timezone.now(), connection, prepared=False),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        session = columns.instance(row)
        assert isinstance(session, Session)
        return session


@functools.lru_cache(maxsize=8)
def _session_sql(model: type[Session], using: str) -> tuple[str, ModelColumns]:
    columns = model_columns(model, "s", using)
    sql = (
        f"SELECT {columns.sql} FROM {table(model, using)} s"
        f" WHERE s.{column(model, 'session_key', using)} = %s"
        f" AND s.{column(model, 'expire_date', using)} > %s"
    )
    return sql, columns
