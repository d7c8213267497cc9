"""Login lockout: LOGIN_FAILURE_LIMIT failures lock a username (and an address) for the cool-off."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def _try(client, username: str, password: str, ip: str = "10.0.0.5"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _travel(minutes: int) -> None:
    """Move every counted failure back in time, as if the clock had run on."""
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - dt.timedelta(minutes=minutes)
        )


def test_sixth_wrong_password_is_locked_and_right_one_refused_until_lock_ends(client, users):
    for _ in range(4):
        response = _try(client, "owner", "wrong-password")
        assert response.status_code == 200
        assert "lockout" not in response.content.decode()
    # The 5th failure locks; the 6th try and then the right password meet the lock.
    assert _try(client, "owner", "wrong-password").status_code == 429
    sixth = _try(client, "owner", "wrong-password")
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert "登录失败次数过多" in page and "之后再试" in page

    refused = _try(client, "owner", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session

    _travel(14)
    assert _try(client, "owner", PASSWORD).status_code == 429
    _travel(2)  # 16 minutes since the lock: over
    response = _try(client, "owner", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == users["owner"].pk


def test_lock_is_per_username_across_addresses(client, users):
    for n in range(5):
        _try(client, "owner", "wrong", ip=f"10.0.1.{n}")
    assert _try(client, "owner", PASSWORD, ip="10.0.2.1").status_code == 429
    # Another account from a fresh address is not affected.
    assert _try(client, "colleague", PASSWORD, ip="10.0.2.2").status_code == 302


def test_lock_is_per_address_across_usernames(client, users):
    for n in range(5):
        _try(client, f"guess{n}", "wrong", ip="10.0.3.3")
    assert _try(client, "owner", PASSWORD, ip="10.0.3.3").status_code == 429
    assert _try(client, "owner", PASSWORD, ip="10.0.3.4").status_code == 302


def test_message_does_not_reveal_whether_the_account_exists(client, users):
    for _ in range(6):
        real = _try(client, "owner", "wrong", ip="10.0.4.1")
        ghost = _try(client, "nobody-here", "wrong", ip="10.0.4.2")
    assert real.status_code == ghost.status_code == 429

    def message(response) -> str:
        page = response.content.decode()
        start = page.index('data-role="lockout"')
        return page[start : page.index("</div>", start)]

    # Same words; only the minute could differ if the two locks straddle a minute.
    assert message(real).split("请于")[0] == message(ghost).split("请于")[0]
    assert "owner" not in message(real)


def test_lockout_length_follows_settings(client, users, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    _try(client, "owner", "wrong")
    assert _try(client, "owner", "wrong").status_code == 429
    _travel(2)
    assert _try(client, "owner", PASSWORD).status_code == 302


def test_success_resets_the_count(client, users):
    for _ in range(4):
        _try(client, "owner", "wrong")
    assert _try(client, "owner", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _try(client, "owner", "wrong").status_code == 200


def test_security_admin_unlocks(client, users):
    for _ in range(5):
        _try(client, "owner", "wrong", ip="10.0.5.1")
    login(client, users["admin"])
    page = client.get(reverse("identity:locks")).content.decode()
    assert "owner" in page and "10.0.5.1" in page
    response = client.post(reverse("identity:unlock"), {"kind": "username", "value": "owner"})
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert _try(client, "owner", PASSWORD, ip="10.0.5.9").status_code == 302


@pytest.mark.parametrize("who", ["owner", "reviewer"])
def test_locks_page_refused_to_other_roles(client, users, who):
    for _ in range(5):
        _try(client, "colleague", "wrong")
    login(client, users[who])
    assert client.get(reverse("identity:locks")).status_code == 403
    response = client.post(reverse("identity:unlock"), {"kind": "username", "value": "colleague"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="colleague").exists()


def test_locks_page_sends_anonymous_to_login(client, db):
    response = client.get(reverse("identity:locks"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
