"""The security audit log: records chain by SHA-256, tampering is found, PostgreSQL refuses
UPDATE/DELETE, the purge keeps 180 days, and the events that exist today are recorded."""

from __future__ import annotations

import datetime

import pgtrigger
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from budgetapp.audit.log import content_hash, record, verify_chain
from budgetapp.audit.models import AuditEvent, EventKind, EventResult
from budgetapp.audit.retention import RetentionError, purge_before
from budgetapp.core.http import client_ip

from .conftest import PASSWORD, login

TRIGGER = "audit.AuditEvent:audit_append_only"


def _tamper(event: AuditEvent, **fields) -> None:
    """Change a stored record behind the application's back, as an intruder with SQL would."""
    sets = ", ".join(f"{name} = %s" for name in fields)
    with pgtrigger.ignore(TRIGGER), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditevent SET {sets} WHERE id = %s", [*fields.values(), event.pk]
        )


@pytest.mark.django_db
def test_each_record_chains_onto_the_previous_one(users):
    first = record(kind=EventKind.LOGIN, user=users["owner"], ip="10.0.0.1")
    second = record(kind=EventKind.LOGOUT, user=users["owner"], details={"n": 1})
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64 and second.hash != first.hash
    stored = AuditEvent.objects.get(pk=second.pk)
    assert content_hash(stored) == stored.hash
    assert stored.username == "owner" and stored.role == "filer"
    assert stored.unit_label == str(users["owner"].account.unit)
    report = verify_chain()
    assert report.ok and report.checked == 2


@pytest.mark.django_db
def test_a_malformed_ip_is_never_stored(users):
    event = record(kind=EventKind.LOGIN, user=users["owner"], ip="1.2.3.4<script>")
    assert AuditEvent.objects.get(pk=event.pk).client_ip is None


@pytest.mark.django_db
def test_verify_finds_a_changed_record_and_names_it(users):
    events = [record(kind=EventKind.LOGIN, user=users["owner"]) for _ in range(4)]
    _tamper(events[2], username="someone-else")
    report = verify_chain()
    assert not report.ok
    assert report.first_break_id == events[2].pk
    assert report.checked == 2
    with pytest.raises(CommandError, match=f"第 {events[2].pk} 号记录"):
        call_command("verify_audit_log")


@pytest.mark.django_db
def test_verify_finds_a_removed_record(users):
    events = [record(kind=EventKind.LOGIN, user=users["owner"]) for _ in range(3)]
    with pgtrigger.ignore(TRIGGER), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert report.first_break_id == events[2].pk


@pytest.mark.django_db
def test_verify_command_reports_an_intact_log(users, capsys):
    record(kind=EventKind.LOGIN, user=users["owner"])
    call_command("verify_audit_log")
    assert "1 条记录" in capsys.readouterr().out


@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete(users):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (CI runs the suite there)")
    event = record(kind=EventKind.LOGIN, user=users["owner"])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET result = 'refused'")
    assert AuditEvent.objects.get(pk=event.pk).username == "owner"


@pytest.mark.django_db
def test_purge_refuses_anything_younger_than_the_retention(users, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # below the floor: 180 still holds
    record(kind=EventKind.LOGIN, user=users["owner"])
    too_recent = timezone.localdate() - datetime.timedelta(days=179)
    with pytest.raises(RetentionError):
        purge_before(day=too_recent)
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("purge_audit_log", "--before", too_recent.isoformat())
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_purge_removes_old_records_and_the_chain_still_verifies(users):
    old = [record(kind=EventKind.LOGIN, user=users["owner"]) for _ in range(3)]
    long_ago = timezone.now() - datetime.timedelta(days=400)
    for event in old:
        _tamper(event, created_at=long_ago)
    # Re-seal the moved records so only the purge is under test.
    previous = ""
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = previous
        with pgtrigger.ignore(TRIGGER):
            AuditEvent.objects.filter(pk=event.pk).update(
                prev_hash=previous, hash=content_hash(event)
            )
        previous = content_hash(event)
    recent = record(kind=EventKind.LOGOUT, user=users["owner"])
    assert verify_chain().ok
    removed = purge_before(day=timezone.localdate() - datetime.timedelta(days=200))
    assert removed == 3
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(kind=EventKind.AUDIT_PURGE).count() == 1
    assert verify_chain().ok


# Client IP -------------------------------------------------------------------------------


def _request(remote: str, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = []
    request = _request("203.0.113.9", HTTP_X_REAL_IP="1.1.1.1", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert client_ip(request) == "203.0.113.9"


def test_forwarded_headers_from_an_untrusted_address_are_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("203.0.113.9", HTTP_X_FORWARDED_FOR="2.2.2.2")) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    assert client_ip(_request("10.1.2.3", HTTP_X_REAL_IP="198.51.100.7")) == "198.51.100.7"
    # The client may send its own X-Forwarded-For: the entry our proxy appended is the last.
    forwarded = "6.6.6.6, 198.51.100.7, 10.9.9.9"
    assert client_ip(_request("127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == "198.51.100.7"


def test_malformed_values_are_never_returned(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(_request("10.0.0.1", HTTP_X_REAL_IP="not-an-ip")) is None
    assert client_ip(_request("10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4; drop")) is None
    assert client_ip(_request("garbage")) is None


# Events wired today ----------------------------------------------------------------------


def _kinds() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))


@pytest.mark.django_db
def test_login_logout_and_failed_login_are_recorded(client, users):
    client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert "_auth_user_id" in client.session
    client.post(reverse("logout"))
    assert _kinds() == [EventKind.LOGIN_FAILED, EventKind.LOGIN, EventKind.LOGOUT]
    failed = AuditEvent.objects.get(kind=EventKind.LOGIN_FAILED)
    assert failed.result == EventResult.REFUSED
    assert failed.details == {"username": "owner"}
    assert PASSWORD not in str(AuditEvent.objects.values_list("details", flat=True))


@pytest.mark.django_db
def test_a_failed_login_on_the_login_page_records_the_client_ip(client, users):
    client.post(reverse("login"), {"username": "nobody", "password": "x"}, REMOTE_ADDR="192.0.2.44")
    failed = AuditEvent.objects.get(kind=EventKind.LOGIN_FAILED)
    assert failed.client_ip == "192.0.2.44"
    assert failed.details == {"username": "nobody"}


@pytest.mark.django_db
def test_a_draft_download_is_recorded_with_who_and_what(client, users, project):
    login(client, users["owner"])
    response = client.get(reverse("exports:table", args=["project", project.pk, "xlsx"]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=EventKind.DRAFT_DOWNLOAD)
    assert event.username == "owner"
    assert event.object_id == str(project.pk)
    assert event.details["format"] == "xlsx"


@pytest.mark.django_db
def test_a_refused_download_leaves_no_download_event(client, users, project):
    login(client, users["colleague"])
    response = client.get(reverse("exports:table", args=["project", project.pk, "xlsx"]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind=EventKind.DRAFT_DOWNLOAD).exists()


@pytest.mark.django_db
def test_deleting_a_table_is_recorded(users, project):
    from budgetapp.targets import services

    label = str(project)
    services.delete_project_table(user=users["owner"], table=project, ip="192.0.2.1")
    event = AuditEvent.objects.get(kind=EventKind.DELETE)
    assert event.details["label"] == label
    assert event.client_ip == "192.0.2.1"


@pytest.mark.django_db
def test_reopening_a_published_table_is_recorded(users, project):
    from budgetapp.review import services

    from .conftest import publish

    publish(project, users)
    services.reopen_table(table=project, user=users["admin"], reason="数字有误")
    event = AuditEvent.objects.get(kind=EventKind.REOPEN)
    assert event.details == {"reason": "数字有误"}
    assert event.object_id == str(project.pk)


@pytest.mark.django_db
def test_a_rule_change_in_the_admin_has_old_and_new_values(client, users):
    from budgetapp.checks.models import CheckRule

    rule = CheckRule.objects.order_by("pk").first()
    login(client, users["admin"])
    url = reverse("admin:checks_checkrule_change", args=[rule.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["params"] = form["params"].value()
    data["enabled"] = "on"
    data["name"] = rule.name + "（改）"
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(kind=EventKind.RULE_CHANGE)
    assert event.details["changes"]["name"] == {"old": rule.name, "new": rule.name + "（改）"}
    assert event.role == "superuser"
    assert AuditEvent.objects.filter(kind=EventKind.SUPERUSER_USE).exists()
