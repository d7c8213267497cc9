"""DB_SERVER_SIDE_BINDING (settings.py): through our PostgreSQL backend, a connection with
server-side binding and a prepare threshold prepares a query it runs that often; Django's
default connection never does (docs/deployment.md, "Prepared statements")."""

from __future__ import annotations

import pytest
from django.db import connection

from budgetapp.core.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.django_db


def _prepared_after_three_runs(options: dict) -> int:
    settings_dict = {
        **connection.settings_dict,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], **options},
    }
    other = DatabaseWrapper(settings_dict, alias="prepared-statements-test")
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
