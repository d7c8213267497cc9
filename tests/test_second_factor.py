"""Two-factor login: required for every role but filer, enrolment, backup codes, reset."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.identity.roles import requires_second_factor
from tests.conftest import PASSWORD, login
from tests.identity_helpers import authenticator, current_code

pytestmark = pytest.mark.django_db

VERIFY = reverse("identity:otp_verify")
SETUP = reverse("identity:otp_setup")


def _password_login(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_rule_is_every_role_but_filer(users, settings):
    assert not requires_second_factor(users["owner"])
    assert requires_second_factor(users["reviewer"])
    assert requires_second_factor(users["admin"])
    users["owner"].is_staff = True
    assert requires_second_factor(users["owner"])
    users["owner"].is_staff = False
    settings.OTP_REQUIRED_FOR_ALL = True
    assert requires_second_factor(users["owner"])


def test_reviewer_cannot_reach_any_page_without_second_factor(client, users, project):
    authenticator(users["reviewer"])
    _password_login(client, "reviewer")
    for url in (
        reverse("targets:home"),
        reverse("review:dashboard"),
        reverse("review:notices"),
        reverse("review:table", args=["project", project.pk]),
        reverse("identity:password_change"),
        reverse("admin:index"),
        reverse("units:profile"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
    # A POST (a workflow action) is refused the same way, changing nothing.
    response = client.post(reverse("review:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_reviewer_with_code_gets_in(client, users):
    device = authenticator(users["reviewer"])
    _password_login(client, "reviewer")
    response = client.post(VERIFY, {"token": "000000", "next": reverse("review:dashboard")})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(
        VERIFY, {"token": current_code(device), "next": reverse("review:dashboard")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("review:dashboard")
    assert client.get(reverse("review:dashboard")).status_code == 200


def test_filer_needs_no_second_factor_unless_configured(client, users, settings):
    _password_login(client, "owner")
    assert client.get(reverse("targets:home")).status_code == 200
    settings.OTP_REQUIRED_FOR_ALL = True
    response = client.get(reverse("targets:home"))
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_enrolment_shows_qr_and_gives_backup_codes_that_work_once(client, users):
    _password_login(client, "reviewer")
    response = client.get(reverse("targets:home"))
    assert response["Location"].startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and 'data-role="otp-secret"' in page
    pending = TOTPDevice.objects.get(user=users["reviewer"], confirmed=False)

    response = client.post(SETUP, {"token": "123"})
    assert response.status_code == 400
    response = client.post(SETUP, {"token": current_code(pending)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    page = response.content.decode()
    assert all(code in page for code in codes)
    assert client.get(reverse("targets:home")).status_code == 200  # this session is verified

    # Next login: a backup code works once.
    client.post(reverse("logout"))
    _password_login(client, "reviewer")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert client.get(reverse("targets:home")).status_code == 200
    client.post(reverse("logout"))
    _password_login(client, "reviewer")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 400


def test_security_admin_resets_lost_device(client, users):
    device = authenticator(users["reviewer"])
    login(client, users["admin"])
    page = client.get(reverse("identity:otp_accounts")).content.decode()
    assert "reviewer" in page
    response = client.post(reverse("identity:otp_reset", args=[users["reviewer"].pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post(reverse("logout"))
    _password_login(client, "reviewer")
    response = client.get(reverse("targets:home"))
    assert response["Location"].startswith(SETUP)  # enrols anew


@pytest.mark.parametrize("who", ["owner", "reviewer"])
def test_reset_refused_to_other_roles(client, users, who):
    device = authenticator(users["other_reviewer"])
    login(client, users[who])
    assert client.get(reverse("identity:otp_accounts")).status_code == 403
    response = client.post(reverse("identity:otp_reset", args=[users["other_reviewer"].pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_otp_pages_send_anonymous_to_login(client, db):
    for url in (VERIFY, SETUP, reverse("identity:otp_accounts")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_next_cannot_leave_the_site(client, users):
    device = authenticator(users["reviewer"])
    _password_login(client, "reviewer")
    response = client.post(VERIFY, {"token": current_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_filer_may_enrol_and_is_then_asked(client, users):
    _password_login(client, "owner")
    page = client.get(reverse("identity:password_change")).content.decode()
    assert SETUP in page  # offered, not forced
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=users["owner"], confirmed=False)
    assert client.post(SETUP, {"token": current_code(pending)}).status_code == 200
    client.post(reverse("logout"))
    _password_login(client, "owner")
    response = client.get(reverse("targets:home"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
