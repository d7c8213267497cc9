"""DB_SERVER_SIDE_BINDING (settings.py): through our PostgreSQL backend, a connection with
server-side binding and a prepare threshold prepares a query it runs that often; Django's
default connection never does; and with it, Django's batches stay under the protocol's 65,535
parameters (docs/deployment.md, "Prepared statements")."""

from __future__ import annotations

import pytest
from django.db import connection

from budgetapp.core.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.django_db


def _wrapper(options: dict) -> DatabaseWrapper:
    """A connection to the test database with these options instead of the settings' own."""
    base = {
        name: value
        for name, value in connection.settings_dict["OPTIONS"].items()
        if name not in {"server_side_binding", "prepare_threshold"}
    }
    settings_dict = {**connection.settings_dict, "OPTIONS": {**base, **options}}
    return DatabaseWrapper(settings_dict, alias="prepared-statements-test")


def _prepared_after_three_runs(options: dict) -> int:
    other = _wrapper(options)
    try:
        with other.cursor() as cursor:
            for value in (1, 2, 3):
                cursor.execute("SELECT %s::integer + 1", [value])
                assert cursor.fetchone() == (value + 1,)
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]
    finally:
        other.close()


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")


def test_server_side_binding_with_a_threshold_prepares_a_repeated_query():
    assert _prepared_after_three_runs({"server_side_binding": True, "prepare_threshold": 2}) == 1


def test_client_side_binding_prepares_nothing():
    options = {"server_side_binding": False, "prepare_threshold": 2}
    assert _prepared_after_three_runs(options) == 0
    # Server-side binding alone neither: Django leaves psycopg's threshold at None.
    assert _prepared_after_three_runs({"server_side_binding": True}) == 0


def test_batches_keep_under_the_protocols_parameter_limit_with_server_side_binding():
    ids = list(range(200_000))
    bound = _wrapper({"server_side_binding": True, "prepare_threshold": 5})
    try:
        # A delete's batches (one field), a bulk update of two fields (Django passes pk twice).
        assert bound.ops.bulk_batch_size(["id"], ids) <= 65535
        assert bound.ops.bulk_batch_size(["pk", "pk", "a", "b"], ids) * 5 <= 65535
        with bound.cursor() as cursor:
            batch = ids[: bound.ops.bulk_batch_size(["id"], ids)]
            cursor.execute(
                f"SELECT count(*) FROM generate_series(0, 199999) AS n "
                f"WHERE n IN ({', '.join(['%s'] * len(batch))})",
                batch,
            )
            assert cursor.fetchone() == (len(batch),)
    finally:
        bound.close()
    # Client-side binding has no such limit: Django's one batch stays.
    client = _wrapper({})
    assert client.ops.bulk_batch_size(["id"], ids) == len(ids)


def _count_in(cursor, values: list[int]) -> int:
    cursor.execute(
        f"SELECT count(*) FROM generate_series(0, 99999) AS n "
        f"WHERE n IN ({', '.join(['%s'] * len(values))})",
        values,
    )
    return cursor.fetchone()[0]


def test_a_query_over_the_parameter_limit_is_bound_client_side():
    values = list(range(0, 140_000, 2))  # 70,000 parameters, 50,000 of them in the series
    bound = _wrapper({"server_side_binding": True, "prepare_threshold": 1})
    try:
        with bound.cursor() as cursor:
            assert _count_in(cursor, values) == 50_000
            # Small queries still go with their parameters apart, and get prepared.
            for _ in range(3):
                assert _count_in(cursor, [1, 2, 3]) == 3
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] >= 1
        # A named cursor (QuerySet.iterator()) too.
        with bound.chunked_cursor() as cursor:
            assert _count_in(cursor, values) == 50_000
    finally:
        bound.close()


def test_without_the_fallback_the_server_refuses_such_a_query():
    """The check above can fail: psycopg's own server-binding cursor refuses 70,000."""
    import psycopg

    bound = _wrapper({"server_side_binding": True})
    try:
        bound.ensure_connection()
        with psycopg.Cursor(bound.connection) as cursor, pytest.raises(psycopg.Error):
            _count_in(cursor, list(range(70_000)))
    finally:
        bound.close()


def test_a_large_in_list_through_the_orm():
    """With the settings' own binding (CI runs with DB_SERVER_SIDE_BINDING on)."""
    from budgetapp.units.models import Region

    region = Region.objects.create(name="甲省", level="province")
    ids = {*range(1, 70_001), region.pk}  # more than 65,535 parameters
    every = Region.objects.count()
    assert Region.objects.filter(pk__in=ids).count() == every >= 1
    # Through a named cursor too (iterator(), on PostgreSQL a server-side cursor).
    assert [r.pk for r in Region.objects.filter(pk__in=ids).iterator()] == list(
        Region.objects.values_list("pk", flat=True)
    )


def test_the_apps_connections_run_without_jit():
    """DB_JIT (settings.py) is off: a cost estimate over jit_above_cost must not make
    PostgreSQL compile a millisecond query (docs/deployment.md, "JIT")."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
