"""The optional read replica (DATABASE_REPLICA_URL): only the public portal's safe requests read
its apps from the replica; sessions, accounts, writes and transactions stay on the primary."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import RequestFactory

from budgetapp.core.replica import PortalReadsFromReplica, PortalReplicaRouter
from budgetapp.exports.models import Publication
from budgetapp.units.models import Unit

router = PortalReplicaRouter()


def _reads_during(method: str, path: str, *, atomic: bool = False) -> dict[str, str | None]:
    seen: dict[str, str | None] = {}

    def view(request):
        def decide() -> None:
            for model in (Publication, Unit, Session):
                seen[model.__name__] = router.db_for_read(model)

        if atomic:
            with transaction.atomic():
                decide()
        else:
            decide()
        return None

    PortalReadsFromReplica(view)(RequestFactory().generic(method, path))
    return seen


@pytest.fixture
def replica(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))


def test_portal_pages_read_publications_and_units_from_the_replica(replica):
    seen = _reads_during("GET", "/public/regions/1/")
    assert seen == {"Publication": "replica", "Unit": "replica", "Session": None}
    assert _reads_during("HEAD", "/public/")["Publication"] == "replica"


def test_everything_else_reads_the_primary(replica):
    assert set(_reads_during("GET", "/review/").values()) == {None}
    assert set(_reads_during("POST", "/public/search/").values()) == {None}
    # Outside a request nothing is routed, and every write goes to the primary.
    assert router.db_for_read(Publication) is None
    assert router.db_for_write(Publication) == "default"
    assert router.allow_migrate("replica", "exports") is False


@pytest.mark.django_db
def test_a_read_inside_a_transaction_stays_on_the_primary(replica):
    assert set(_reads_during("GET", "/public/", atomic=True).values()) == {None}


def test_without_a_replica_the_portal_reads_the_primary():
    assert set(_reads_during("GET", "/public/").values()) == {None}
