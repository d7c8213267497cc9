"""Identity events are on the security audit record (audit.log.record), each with who, when,
the client IP, and old/new values where something changed: lockout, unlock, two-factor
enrolment/verification/failure/reset, backup codes issued and used, password change, reset,
must-change and expiry, accounts created/disabled/enabled/role changed (pages, Django admin,
the inactive-account command), sessions ended by their limits."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.audit.log import verify_chain
from budgetapp.audit.models import AuditEvent, EventKind, EventResult
from budgetapp.identity.models import Credential
from budgetapp.identity.second_factor import enrol_with_key
from budgetapp.identity.sessions import LAST_SEEN_KEY, STARTED_KEY
from budgetapp.units.models import Role

from .conftest import PASSWORD, login
from .identity_helpers import authenticator, current_code
from .security_cast import make_staff

pytestmark = pytest.mark.django_db

HOME = reverse("targets:home")
VERIFY = reverse("identity:otp_verify")
SETUP = reverse("identity:otp_setup")
IP = "198.51.100.23"


@pytest.fixture
def staff(users) -> dict:
    return make_staff(users)


def _events(kind: EventKind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def _one(kind: EventKind) -> AuditEvent:
    events = _events(kind)
    assert len(events) == 1, [e.kind for e in events]
    return events[0]


def _try_login(client, username: str, password: str, ip: str = IP):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _password_login(client, username: str, ip: str = IP):
    response = _try_login(client, username, PASSWORD, ip)
    assert response.status_code == 302
    return response


# Lockout and unlock ------------------------------------------------------------------------


def test_the_lock_is_recorded_once_when_it_begins(client, users):
    for _ in range(4):
        _try_login(client, "owner", "wrong-password")
    assert not _events(EventKind.LOCKOUT)
    assert _try_login(client, "owner", "wrong-password").status_code == 429  # 5th: locks
    event = _one(EventKind.LOCKOUT)
    assert event.result == EventResult.REFUSED
    assert event.client_ip == IP
    assert event.details["username"] == "owner"
    assert event.details["failures"] == 5 and event.details["limit"] == 5
    until = dt.datetime.fromisoformat(event.details["until"])
    assert dt.timedelta(minutes=14) < until - event.created_at <= dt.timedelta(minutes=15)
    # Tries refused during the lock are failed logins, not new locks.
    _try_login(client, "owner", PASSWORD)
    _try_login(client, "owner", "wrong-password")
    assert len(_events(EventKind.LOCKOUT)) == 1
    assert len(_events(EventKind.LOGIN_FAILED)) == 7
    assert PASSWORD not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_a_lock_of_a_name_that_does_not_exist_reads_the_same(client, db):
    for _ in range(5):
        _try_login(client, "no-such-person", "wrong-password")
    event = _one(EventKind.LOCKOUT)
    assert event.user_id is None and event.username == ""
    assert event.details["username"] == "no-such-person"


def test_an_unlock_names_the_security_admin_and_what_was_cleared(client, staff):
    for _ in range(5):
        _try_login(client, "owner", "wrong-password")
    lock = _one(EventKind.LOCKOUT)
    login(client, staff["security"])
    response = client.post(
        reverse("identity:unlock"), {"kind": "username", "value": "owner"}, REMOTE_ADDR=IP
    )
    assert response.status_code == 302
    event = _one(EventKind.UNLOCK)
    assert (event.username, event.role, event.client_ip) == ("secadmin", Role.SECURITY_ADMIN, IP)
    assert event.details["username"] == "owner"
    assert event.details["failures_cleared"] == 5
    assert event.details["changes"]["locked_until"] == {"old": lock.details["until"], "new": None}
    assert _try_login(client, "owner", PASSWORD).status_code == 302


def test_a_refused_unlock_leaves_no_unlock_event(client, staff):
    login(client, staff["reviewer"])
    response = client.post(reverse("identity:unlock"), {"kind": "username", "value": "owner"})
    assert response.status_code == 403
    assert not _events(EventKind.UNLOCK)


# Second factor -----------------------------------------------------------------------------


def test_enrolment_failure_and_backup_codes_are_recorded(client, users):
    _password_login(client, "reviewer")
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=users["reviewer"], confirmed=False)

    assert client.post(SETUP, {"token": "000000"}, REMOTE_ADDR=IP).status_code == 400
    failed = _one(EventKind.OTP_FAILED)
    assert (failed.username, failed.result, failed.details) == (
        "reviewer",
        EventResult.REFUSED,
        {"step": "enrolment"},
    )

    response = client.post(SETUP, {"token": current_code(pending)}, REMOTE_ADDR=IP)
    assert response.status_code == 200
    codes = response.context["codes"]
    enrol = _one(EventKind.OTP_ENROL)
    assert (enrol.username, enrol.client_ip, enrol.object_id) == (
        "reviewer",
        IP,
        str(users["reviewer"].pk),
    )
    assert enrol.details["changes"]["enrolled"] == {"old": False, "new": True}
    issued = _one(EventKind.BACKUP_CODES_ISSUED)
    assert issued.details["changes"]["unused_codes"] == {"old": 0, "new": 10}
    stored = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert not any(code in stored for code in codes)
    assert pending.key not in stored


def test_login_verification_failure_and_a_used_backup_code(client, users):
    device = authenticator(users["reviewer"])
    _password_login(client, "reviewer")
    assert client.post(VERIFY, {"token": current_code(device)}, REMOTE_ADDR=IP).status_code == 302
    verified = _one(EventKind.OTP_VERIFIED)
    assert (verified.username, verified.client_ip) == ("reviewer", IP)

    from budgetapp.identity.second_factor import issue_backup_codes

    codes = issue_backup_codes(user=users["reviewer"], by=users["reviewer"], ip=IP)
    client.post(reverse("logout"))
    _password_login(client, "reviewer")
    assert client.post(VERIFY, {"token": "12345678"}, REMOTE_ADDR=IP).status_code == 400
    failed = _one(EventKind.OTP_FAILED)
    assert failed.result == EventResult.REFUSED and failed.details == {"step": "login"}
    # django-otp waits a little after a failure; the person tries again after it.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    from budgetapp.identity.models import BackupCodeDevice

    BackupCodeDevice.objects.filter(user=users["reviewer"]).update(throttling_failure_count=0)
    assert client.post(VERIFY, {"token": codes[3]}, REMOTE_ADDR=IP).status_code == 302
    used = _one(EventKind.BACKUP_CODE_USED)
    assert used.username == "reviewer"
    assert used.details["changes"]["unused_codes"] == {"old": 10, "new": 9}
    assert codes[3] not in str(used.details)


def test_a_device_reset_names_who_reset_whose_device(client, staff):
    authenticator(staff["reviewer"])
    login(client, staff["security"])
    url = reverse("identity:otp_reset", args=[staff["reviewer"].pk])
    assert client.post(url, REMOTE_ADDR=IP).status_code == 302
    event = _one(EventKind.OTP_RESET)
    assert (event.username, event.client_ip) == ("secadmin", IP)
    assert event.object_type == "auth.User" and event.object_id == str(staff["reviewer"].pk)
    assert event.details["account"] == "reviewer"
    assert event.details["changes"]["enrolled"] == {"old": True, "new": False}


def test_the_demo_enrolment_is_recorded(users):
    enrol_with_key(user=users["reviewer"], key_hex="3132333435363738393031323334353637383930")
    event = _one(EventKind.OTP_ENROL)
    assert event.details["via"] == "load_demo" and event.details["account"] == "reviewer"


# Passwords ---------------------------------------------------------------------------------


def test_an_own_password_change_says_why_it_was_asked(client, users):
    Credential.objects.update_or_create(
        user=users["owner"], defaults={"must_change_password": True}
    )
    _password_login(client, "owner")
    response = client.post(
        reverse("identity:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2027",
            "new_password2": "Xin-mima-2027",
        },
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 302
    event = _one(EventKind.PASSWORD_CHANGE)
    assert (event.username, event.client_ip) == ("owner", IP)
    assert event.details["reason"] == "must_change"
    assert event.details["changes"]["must_change_password"] == {"old": True, "new": False}
    assert "Xin-mima-2027" not in str(event.details) and "md5" not in str(event.details)


def test_a_reset_on_the_account_page_is_a_reset_and_a_must_change(client, staff):
    login(client, staff["security"])
    owner = staff["owner"]
    url = reverse("security:account_reset_password", args=[owner.account.pk])
    response = client.post(url, REMOTE_ADDR=IP)
    password = response.context["password"]
    reset = _one(EventKind.PASSWORD_RESET)
    must = _one(EventKind.PASSWORD_MUST_CHANGE)
    for event in (reset, must):
        assert (event.username, event.client_ip) == ("secadmin", IP)
        assert password not in str(event.details)
    assert must.object_id == str(owner.pk)
    assert must.details["changes"]["must_change_password"] == {"old": False, "new": True}


def test_a_reset_in_the_django_admin_is_recorded(client, users):
    login(client, users["admin"])
    url = reverse("admin:auth_user_password_change", args=[users["owner"].pk])
    response = client.post(
        url,
        {"password1": "Chong-zhi-2027", "password2": "Chong-zhi-2027", "usable_password": "true"},
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 302
    reset = _one(EventKind.PASSWORD_RESET)
    assert reset.username == "sysadmin" and reset.details["via"] == "admin"
    assert reset.object_id == str(users["owner"].pk)
    must = _one(EventKind.PASSWORD_MUST_CHANGE)
    assert must.details["account"] == "owner"
    assert "Chong-zhi-2027" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_an_expired_password_is_recorded_at_login(client, users, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    Credential.objects.update_or_create(
        user=users["owner"],
        defaults={"password_changed_at": timezone.now() - dt.timedelta(days=91)},
    )
    _password_login(client, "owner")
    event = _one(EventKind.PASSWORD_EXPIRED)
    assert (event.username, event.client_ip, event.result) == ("owner", IP, EventResult.REFUSED)
    assert event.details["max_age_days"] == 90
    client.get(HOME)
    client.get(HOME)
    assert len(_events(EventKind.PASSWORD_EXPIRED)) == 1  # once per login, not per page
    client.post(
        reverse("identity:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-mima-2027",
            "new_password2": "Xin-mima-2027",
        },
    )
    assert _one(EventKind.PASSWORD_CHANGE).details["reason"] == "expired"


# Accounts ----------------------------------------------------------------------------------


def test_disable_and_enable_on_the_account_page_have_old_and_new(client, staff):
    login(client, staff["security"])
    account = staff["owner"].account
    url = reverse("security:account_active", args=[account.pk])
    client.post(url, {"active": "0"}, REMOTE_ADDR=IP)
    client.post(url, {"active": "1"}, REMOTE_ADDR=IP)
    disable, enable = _events(EventKind.ACCOUNT_CHANGE)
    assert disable.details["action"] == "disable" and enable.details["action"] == "enable"
    assert disable.details["changes"]["is_active"] == {"old": True, "new": False}
    assert enable.details["changes"]["is_active"] == {"old": False, "new": True}
    assert {disable.username, enable.username, disable.client_ip} == {"secadmin", IP}


def test_a_role_changed_in_the_django_admin_is_a_role_change(client, users):
    owner = users["owner"]
    login(client, users["admin"])
    url = reverse("admin:auth_user_change", args=[owner.pk])
    # The user page as the browser posts it: the person's own fields unchanged (the flags and
    # dates left out are not part of what changes here), the account inline with a new role.
    data = {
        "username": owner.username,
        "first_name": "山海关填报人",  # a named person (required)
        "last_name": "",
        "email": owner.email,
        "is_active": "on",
        "date_joined_0": timezone.localtime(owner.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(owner.date_joined).strftime("%H:%M:%S"),
    }
    account = owner.account
    data.update(
        {
            "account-TOTAL_FORMS": "1",
            "account-INITIAL_FORMS": "1",
            "account-MIN_NUM_FORMS": "0",
            "account-MAX_NUM_FORMS": "1",
            "account-0-id": str(account.pk),
            "account-0-user": str(owner.pk),
            "account-0-role": Role.REVIEWER,
            "account-0-unit": str(account.unit_id),
            "account-0-phone": "0335-5051111",
        }
    )
    response = client.post(url, data, REMOTE_ADDR=IP)
    assert response.status_code == 302, response.context["adminform"].form.errors
    account.refresh_from_db()
    assert account.role == Role.REVIEWER
    event = _one(EventKind.ROLE_CHANGE)
    assert (event.username, event.client_ip) == ("sysadmin", IP)
    assert event.object_type == "units.Account"
    assert event.details["changes"]["role"] == {"old": Role.FILER, "new": Role.REVIEWER}


def test_the_inactive_account_command_records_each_account_it_disables(users, settings):
    settings.ACCOUNT_INACTIVE_DAYS = 90
    last = timezone.now() - dt.timedelta(days=120)
    get_user_model().objects.filter(pk=users["owner"].pk).update(last_login=last, date_joined=last)
    get_user_model().objects.exclude(pk=users["owner"].pk).update(last_login=timezone.now())
    call_command("disable_inactive_accounts", stdout=StringIO())
    event = _one(EventKind.ACCOUNT_CHANGE)
    assert event.username == "" and event.client_ip is None  # the system, not a person
    assert event.object_id == str(users["owner"].pk)
    assert event.details["action"] == "disable_inactive"
    assert event.details["unused_days"] == 90
    assert event.details["changes"]["is_active"] == {"old": True, "new": False}
    assert event.details["last_login"] == last.isoformat()


# Sessions ----------------------------------------------------------------------------------


def _shift(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


@pytest.mark.parametrize(
    ("key", "reason"), [(LAST_SEEN_KEY, "idle"), (STARTED_KEY, "absolute")], ids=str
)
def test_a_session_ended_by_its_limit_says_why(client, users, key, reason):
    login(client, users["owner"])
    assert client.get(HOME).status_code == 200
    _shift(client, key, 13 * 3600)
    assert client.get(HOME, REMOTE_ADDR=IP).status_code == 302
    event = _one(EventKind.SESSION_END)
    assert (event.username, event.client_ip) == ("owner", IP)
    assert event.details["reason"] == reason
    assert not _events(EventKind.LOGOUT)


def test_a_session_replaced_by_a_newer_login_says_so(client, users, settings):
    from django.test import Client

    settings.SESSION_ONE_PER_ACCOUNT = True
    _password_login(client, "owner")
    _password_login(Client(), "owner", ip="192.0.2.99")
    assert client.get(HOME, REMOTE_ADDR=IP).status_code == 302
    assert _one(EventKind.SESSION_END).details["reason"] == "replaced"


def test_a_logout_by_the_person_is_a_plain_logout(client, users):
    _password_login(client, "owner")
    client.post(reverse("logout"))
    assert _one(EventKind.LOGOUT).username == "owner"
    assert not _events(EventKind.SESSION_END)


def test_the_chain_holds_over_all_of_these(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            _try_login(client, "owner", "wrong-password")
        login(client, staff["security"])
        client.post(reverse("identity:unlock"), {"kind": "username", "value": "owner"})
        client.post(reverse("security:account_reset_password", args=[staff["owner"].account.pk]))
    report = verify_chain()
    assert report.ok, report
    assert report.checked == AuditEvent.objects.count() >= 4
