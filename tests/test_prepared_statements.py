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
