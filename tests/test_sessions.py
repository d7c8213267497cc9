"""Session limits: idle timeout, absolute limit, 继续, one session per account, CSRF page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from budgetapp.identity.sessions import LAST_SEEN_KEY, STARTED_KEY
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db

HOME = reverse("targets:home")


def _shift(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def _signed_in(client) -> Client:
    response = client.get(HOME)
    assert response.status_code == 200
    return client


def test_idle_session_ends_and_login_returns_to_the_page(client, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    _signed_in(login(client, users["owner"]))
    _shift(client, LAST_SEEN_KEY, 29 * 60)
    assert client.get(HOME).status_code == 200  # 29 minutes idle: still in
    _shift(client, LAST_SEEN_KEY, 31 * 60)
    response = client.get(reverse("review:notices"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "未操作，您已自动退出登录" in page


def test_activity_keeps_the_session(client, users, settings):
    _signed_in(login(client, users["owner"]))
    _shift(client, LAST_SEEN_KEY, 20 * 60)
    assert client.get(HOME).status_code == 200  # touches the session
    _shift(client, LAST_SEEN_KEY, 15 * 60)  # 15 min since the last request, 35 since login
    assert client.get(HOME).status_code == 200


def test_absolute_limit_ends_even_an_active_session(client, users, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
    _signed_in(login(client, users["owner"]))
    _shift(client, STARTED_KEY, 12 * 3600 + 1)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_extend_restarts_the_idle_clock(client, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    _signed_in(login(client, users["owner"]))
    _shift(client, LAST_SEEN_KEY, 29 * 60)
    response = client.post(reverse("identity:session_extend"))
    assert response.status_code == 200
    assert 29 * 60 < response.json()["remaining"] <= 30 * 60
    _shift(client, LAST_SEEN_KEY, 20 * 60)
    assert client.get(HOME).status_code == 200


def test_extend_after_the_end_says_so(client, users):
    _signed_in(login(client, users["owner"]))
    _shift(client, LAST_SEEN_KEY, 31 * 60)
    response = client.post(
        reverse("identity:session_extend"), headers={"x-requested-with": "fetch"}
    )
    assert response.status_code == 401 and response.json()["ended"] is True


def test_page_tells_the_script_the_time_left(client, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    settings.SESSION_WARNING_SECONDS = 120
    page = _signed_in(login(client, users["owner"])).get(HOME).content.decode()
    assert 'id="session-timeout"' in page and 'data-warning="120"' in page
    assert "js/session-timeout.js" in page
    assert "<script>" not in page.split("</main>")[1].replace(" ", "")  # no inline script


def test_one_session_per_account_when_configured(users, settings):
    settings.SESSION_ONE_PER_ACCOUNT = True
    first, second = Client(), Client()
    for client in (first, second):
        response = client.post(
            reverse("login"), {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.9.0.1"
        )
        assert response.status_code == 302
        assert client.get(HOME).status_code == 200
    response = first.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert second.get(HOME).status_code == 200


def test_several_sessions_allowed_by_default(users):
    first, second = Client(), Client()
    for client in (first, second):
        client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
        assert client.get(HOME).status_code == 200
    assert first.get(HOME).status_code == 200


def test_csrf_failure_is_a_chinese_page_with_a_way_back(users):
    client = Client(enforce_csrf_checks=True)
    login(client, users["owner"])
    referer = "http://testserver" + HOME
    response = client.post(reverse("identity:password_change"), {}, HTTP_REFERER=referer)
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "没有保存" in page
    assert f'href="{referer}"' in page
    assert "CSRF" not in page.split("<main")[1]


def test_csrf_failure_does_not_link_to_another_site(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {}, HTTP_REFERER="https://evil.example/x")
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
