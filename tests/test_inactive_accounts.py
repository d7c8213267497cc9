"""Accounts unused for the configured period are disabled by a management command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _age(user, *, login_days: int | None, joined_days: int) -> None:
    now = timezone.now()
    get_user_model().objects.filter(pk=user.pk).update(
        last_login=None if login_days is None else now - dt.timedelta(days=login_days),
        date_joined=now - dt.timedelta(days=joined_days),
    )


def test_disables_only_accounts_unused_for_the_period(users, settings):
    settings.ACCOUNT_INACTIVE_DAYS = 90
    _age(users["owner"], login_days=91, joined_days=400)  # stale login
    _age(users["colleague"], login_days=10, joined_days=400)  # recent
    _age(users["reviewer"], login_days=None, joined_days=100)  # never logged in, old
    _age(users["other_reviewer"], login_days=None, joined_days=5)  # new, never logged in
    _age(users["admin"], login_days=500, joined_days=900)  # deployment superuser: kept

    out = StringIO()
    call_command("disable_inactive_accounts", "--dry-run", stdout=out)
    assert "将停用 2 个" in out.getvalue()
    assert get_user_model().objects.filter(is_active=False).count() == 0

    out = StringIO()
    call_command("disable_inactive_accounts", stdout=out)
    assert "已停用 2 个" in out.getvalue()
    inactive = set(
        get_user_model().objects.filter(is_active=False).values_list("username", flat=True)
    )
    assert inactive == {"owner", "reviewer"}


def test_days_argument_and_off_setting(users, settings):
    settings.ACCOUNT_INACTIVE_DAYS = 0
    with pytest.raises(CommandError):
        call_command("disable_inactive_accounts", stdout=StringIO())
    _age(users["owner"], login_days=40, joined_days=400)
    call_command("disable_inactive_accounts", "--days", "30", stdout=StringIO())
    users["owner"].refresh_from_db()
    assert not users["owner"].is_active


def test_disabled_account_cannot_log_in(client, users, settings):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    _age(users["owner"], login_days=200, joined_days=400)
    call_command("disable_inactive_accounts", "--days", "90", stdout=StringIO())
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_an_unused_account_is_refused_at_login_even_without_the_command(client, users, settings):
    """The rule holds where the daily command is not scheduled: the login itself disables it,
    and says so only after the right password."""
    from django.urls import reverse

    from budgetapp.audit.models import AuditEvent, EventKind
    from tests.conftest import PASSWORD

    settings.ACCOUNT_INACTIVE_DAYS = 90
    _age(users["owner"], login_days=91, joined_days=400)
    wrong = client.post(reverse("login"), {"username": "owner", "password": "wrong-password"})
    assert "天未使用" not in wrong.content.decode()
    users["owner"].refresh_from_db()
    assert users["owner"].is_active

    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "此账户已超过 90 天未使用，按规定已停用" in response.content.decode()
    users["owner"].refresh_from_db()
    assert not users["owner"].is_active
    event = AuditEvent.objects.get(kind=EventKind.ACCOUNT_CHANGE)
    assert event.details["action"] == "disable_inactive" and event.details["by"] == "login"
    assert event.object_id == str(users["owner"].pk)

    # A recently used account and, with the setting off, an old one, log in as usual.
    _age(users["colleague"], login_days=10, joined_days=400)
    client.post(reverse("login"), {"username": "colleague", "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == users["colleague"].pk
    client.post(reverse("logout"))
    settings.ACCOUNT_INACTIVE_DAYS = 0
    _age(users["reviewer"], login_days=900, joined_days=900)
    client.post(reverse("login"), {"username": "reviewer", "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == users["reviewer"].pk


def test_the_admin_sites_login_refuses_an_unused_account_too(client, users, settings):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from tests.conftest import PASSWORD

    settings.ACCOUNT_INACTIVE_DAYS = 90
    staff = users["reviewer"]
    get_user_model().objects.filter(pk=staff.pk).update(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_region"))
    _age(staff, login_days=120, joined_days=400)
    response = client.post(reverse("admin:login"), {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "天未使用" in response.content.decode()
    staff.refresh_from_db()
    assert not staff.is_active
