"""Password policy: length and classes, history, first-login change, expiry, the change page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from budgetapp.identity import passwords
from budgetapp.identity.models import Credential, PasswordHistory
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db

CHANGE = "identity:password_change"


def _errors(password: str, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Ab1-short", False),  # 9 characters
        ("abcdefghij1", False),  # two classes
        ("abcdefgh1!", True),  # lower, digit, sign
        ("ABCDEFGH1a", True),  # upper, digit, lower
        ("Abcdefghij", False),
        ("残联预算绩效目标管理Ab", True),  # CJK counts as a sign
    ],
)
def test_length_and_classes(password, ok):
    errors = _errors(password)
    assert (errors == "") is ok, errors


def test_messages_are_chinese():
    with translation.override("zh-hans"):
        assert "四类中的至少 3 类" in _errors("abcdefghij")
        assert "密码太短，至少需要 10 个字符" in _errors("Ab1!")


def _change(client, old: str, new: str):
    return client.post(
        reverse(CHANGE), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_every_role_changes_own_password_on_app_page(client, users):
    for key in ("owner", "reviewer", "admin"):
        user = users[key]
        login(client, user)
        page = client.get(reverse("targets:home")).content.decode()
        assert reverse(CHANGE) in page  # linked from the navigation
        response = _change(client, PASSWORD, "Xin-mima-2026")
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("Xin-mima-2026")
        # Still signed in after the change.
        assert client.get(reverse("targets:home")).status_code == 200
        client.post(reverse("logout"))


def test_wrong_old_password_or_weak_new_keeps_password(client, users):
    login(client, users["owner"])
    response = _change(client, "not-it", "Xin-mima-2026")
    assert response.status_code == 200
    assert "旧密码" in response.content.decode()
    response = _change(client, PASSWORD, "short")
    assert response.status_code == 200
    users["owner"].refresh_from_db()
    assert users["owner"].check_password(PASSWORD)


def test_none_of_last_five_passwords(client, users):
    user = users["owner"]
    login(client, user)
    current = PASSWORD
    chosen = [f"Mima-{n}-abcdef" for n in range(5)]
    for new in chosen:
        assert _change(client, current, new).status_code == 302
        current = new
    # Now the last five are chosen[0..4]; each is refused, the sixth-last is allowed again.
    for old in chosen:
        response = _change(client, current, old)
        assert response.status_code == 200
        assert "最近使用过的 5 个密码" in response.content.decode()
    assert _change(client, current, PASSWORD).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_admin_set_password_must_be_changed_at_first_login(client, users):
    admin, owner = users["admin"], users["owner"]
    passwords.set_password_by_admin(user=owner, new_password="Chushi-mima-1", by=admin, ip=None)
    # Logging in with the one-time password lands on the change page, whatever is asked for.
    response = client.post(
        reverse("login"), {"username": "owner", "password": "Chushi-mima-1"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302
    for url in (reverse("targets:home"), reverse("review:notices")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse(CHANGE)
    assert _change(client, "Chushi-mima-1", "Chushi-mima-1").status_code == 200  # not the same
    assert _change(client, "Chushi-mima-1", "Wode-mima-2026").status_code == 302
    assert client.get(reverse("targets:home")).status_code == 200
    assert not Credential.objects.get(user=owner).must_change_password


def test_django_admin_password_reset_is_one_time(client, users):
    login(client, users["admin"])
    owner = users["owner"]
    url = reverse("admin:auth_user_password_change", args=[owner.pk])
    response = client.post(
        url, {"password1": "Reset-mima-77", "password2": "Reset-mima-77", "usable_password": "true"}
    )
    assert response.status_code == 302
    assert Credential.objects.get(user=owner).must_change_password


def test_django_admin_created_user_must_change(client, users):
    login(client, users["admin"])
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newfiler",
            "first_name": "新填报人",
            "password1": "Chushi-mima-9",
            "password2": "Chushi-mima-9",
            "usable_password": "true",
            "account-TOTAL_FORMS": "1",
            "account-INITIAL_FORMS": "0",
            "account-0-role": "filer",
            "account-0-unit": str(users["owner"].account.unit_id),
            "account-0-phone": "0335-5050000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(username="newfiler")
    assert Credential.objects.get(user=user).must_change_password


def _changed(user, *, days_ago: int) -> None:
    Credential.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now() - dt.timedelta(days=days_ago)}
    )


def test_expiry_off_by_default(client, users):
    _changed(users["owner"], days_ago=3000)
    login(client, users["owner"])
    assert client.get(reverse("targets:home")).status_code == 200


def test_expired_password_sends_to_change_page_and_warns_before(client, users, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    settings.PASSWORD_EXPIRY_WARNING_DAYS = 7
    owner = users["owner"]
    _changed(owner, days_ago=85)
    client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    page = client.get(reverse("targets:home")).content.decode()
    assert "过期（还有 4 天）" in page

    _changed(owner, days_ago=91)
    client.post(reverse("logout"))
    login(client, owner)
    response = client.get(reverse("targets:home"))
    assert response.status_code == 302 and response["Location"] == reverse(CHANGE)
    assert _change(client, PASSWORD, "Xin-mima-2027").status_code == 302
    assert client.get(reverse("targets:home")).status_code == 200


def test_change_page_sends_anonymous_to_login(client, db):
    response = client.get(reverse(CHANGE))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
