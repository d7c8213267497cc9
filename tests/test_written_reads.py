"""The reads every signed-in request makes, written out (core/written_reads.py, issue 17): the
account with its unit and region, and the session, are what the ORM's queries gave, field by
field and type by type (SQLite's booleans and datetimes go through the same converters), in one
query each, with the same instances cached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends import db as django_db_sessions
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgetapp.identity.session_store import SessionStore
from budgetapp.units.access import account_of
from budgetapp.units.models import Account, Region, Unit

from .conftest import login

pytestmark = pytest.mark.django_db


def _values(instance) -> list:
    return [getattr(instance, f.attname) for f in instance._meta.concrete_fields]


def _same(ours, orms) -> None:
    assert type(ours) is type(orms)
    assert _values(ours) == _values(orms)
    assert [type(v) for v in _values(ours)] == [type(v) for v in _values(orms)]
    assert ours._state.db == orms._state.db and ours._state.adding is orms._state.adding is False


def _orm_account(user) -> Account | None:
    return next(iter(Account.objects.select_related("unit__region").filter(user_id=user.pk)), None)


@pytest.mark.parametrize("name", ["owner", "reviewer", "admin"])
def test_the_account_is_the_orms_with_its_unit_and_region(users, name):
    user = get_user_model().objects.get(pk=users[name].pk)
    orms = _orm_account(user)
    with CaptureQueriesContext(connection) as queries:
        ours = account_of(user)
        assert ours is not None and orms is not None
        _same(ours, orms)
        if orms.unit is None:
            assert ours.unit is None
        else:
            _same(ours.unit, orms.unit)
            _same(ours.unit.region, orms.unit.region)
        assert ours.user is user and user.account is ours
        assert account_of(user) is ours
    assert len(queries) == 1


def test_the_types_are_converted_as_the_orm_does(users, tree):
    """is_active a bool, whatever the database returns for it (SQLite: an integer)."""
    Unit.objects.filter(pk=tree["own"].pk).update(is_active=False)
    Region.objects.filter(pk=tree["own"].region_id).update(layout="hebei")
    account = account_of(get_user_model().objects.get(pk=users["owner"].pk))
    assert account is not None and account.unit is not None
    assert account.unit.is_active is False
    assert account.unit.region.layout == "hebei"


def test_a_user_without_an_account_has_none(db):
    user = get_user_model().objects.create_user(username="no_account", password="x")
    with CaptureQueriesContext(connection) as queries:
        assert account_of(user) is None
        assert account_of(user) is None
    assert len(queries) == 1
    with pytest.raises(Account.DoesNotExist):
        user.account  # noqa: B018 — cached as the ORM caches a missing one-to-one


def test_sessions_are_stored_by_our_engine():
    assert settings.SESSION_ENGINE == "budgetapp.identity.session_store"


def test_a_session_reads_as_djangos(client, users):
    login(client, users["owner"])
    assert client.get(reverse("targets:home")).status_code == 200
    key = client.session.session_key
    theirs = django_db_sessions.SessionStore(key)
    ours = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        loaded = ours.load()
    assert len(queries) == 1
    assert loaded == theirs.load() and loaded["_auth_user_id"] == str(users["owner"].pk)
    assert ours.session_key == key
    _same(SessionStore(key)._get_session_from_db(), Session.objects.get(session_key=key))


def test_an_expired_or_unknown_session_is_none(client, users):
    login(client, users["owner"])
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    for session_key in (key, "x" * 32):
        store = SessionStore(session_key)
        assert store.load() == {} and store.session_key is None
        theirs = django_db_sessions.SessionStore(session_key)
        assert theirs.load() == {} and theirs.session_key is None
    # The page sends an expired session to log in, as ever.
    response = client.get(reverse("targets:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
