"""The unread-notice count in the navigation bar."""

from __future__ import annotations

from django.db import connections, router
from django.http import HttpRequest


def unread_notices(request: HttpRequest) -> dict[str, int]:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notices": unread_count(request.user.pk)}


def unread_count(user_id: int) -> int:
    """`Notice.objects.filter(recipient_id=user_id, read_at__isnull=True).count()`, written
    out: every page draws it, and building that query cost 0.25 ms of the 0.32 ms it took
    (issue 17). The same database as the ORM's read, the names from the model; one query,
    counted like any other (tests/test_unread_count.py compares it with the ORM's count)."""
    from .models import Notice

    connection = connections[router.db_for_read(Notice)]
    quote = connection.ops.quote_name
    meta = Notice._meta
    sql = (
        f"SELECT COUNT(*) FROM {quote(meta.db_table)}"
        f" WHERE {quote(meta.get_field('recipient').column)} = %s"
        f" AND {quote(meta.get_field('read_at').column)} IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return cursor.fetchone()[0]
