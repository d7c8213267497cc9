"""The security audit log: records chain by SHA-256, tampering is found, PostgreSQL refuses
UPDATE/DELETE, the purge keeps 180 days, and the events that exist today are recorded."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from budgetapp.audit.anchor import write_anchor
from budgetapp.audit.log import content_hash, record, verify_chain
from budgetapp.audit.models import PURGE_SETTING, AuditEvent, EventKind, EventResult
from budgetapp.audit.retention import RetentionError, purge_before
from budgetapp.core.http import client_ip

from .conftest import PASSWORD, login


@contextmanager
def _behind_the_apps_back() -> Iterator[None]:
    """Switch the append-only triggers off for the block, as the table's owner role can
    (docs/security.md says so); a plain statement, so it works with server-side binding too."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        yield
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def _tamper(event: AuditEvent, **fields) -> None:
    """Change a stored record behind the application's back, as an intruder with SQL would."""
    sets = ", ".join(f"{name} = %s" for name in fields)
    with _behind_the_apps_back(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditevent SET {sets} WHERE id = %s", [*fields.values(), event.pk]
        )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what record() leaves for the commit (the anchor line): the test's own transaction
    never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_each_record_chains_onto_the_previous_one(users, committed):
    with committed():
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
    with _behind_the_apps_back(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert report.first_break_id == events[2].pk


@pytest.mark.django_db
def test_verify_command_reports_an_intact_log(users, capsys, committed):
    with committed():
        record(kind=EventKind.LOGIN, user=users["owner"])
    call_command("verify_audit_log")
    out = capsys.readouterr().out
    assert "1 条记录" in out and "1 个链外锚点" in out


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
def test_the_purge_switch_lets_deletes_through_and_never_updates(users):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (CI runs the suite there)")
    kept, doomed = (record(kind=EventKind.LOGIN, user=users["owner"]) for _ in range(2))

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=kept.pk).update(username="x")
        AuditEvent.objects.filter(pk=doomed.pk).delete()
        assert list(AuditEvent.objects.values_list("pk", "username")) == [(kept.pk, "owner")]
        raise Undo
    # The switch went with the rollback (as it goes at the end of its transaction).
    assert AuditEvent.objects.count() == 2
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=doomed.pk).delete()


@pytest.mark.django_db
def test_the_purge_switches_deletes_off_again_in_its_transaction(users):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (CI runs the suite there)")
    old = record(kind=EventKind.LOGIN, user=users["owner"])
    with _behind_the_apps_back(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET created_at = %s WHERE id = %s",
            [timezone.now() - datetime.timedelta(days=400), old.pk],
        )
    recent = record(kind=EventKind.LOGIN, user=users["owner"])
    with transaction.atomic():
        assert purge_before(day=timezone.localdate() - datetime.timedelta(days=200)) == 1
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=recent.pk).delete()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


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
def test_purge_removes_old_records_and_the_chain_still_verifies(users, committed):
    old = [record(kind=EventKind.LOGIN, user=users["owner"]) for _ in range(3)]
    long_ago = timezone.now() - datetime.timedelta(days=400)
    for event in old:
        _tamper(event, created_at=long_ago)
    # Re-seal the moved records so only the purge is under test.
    previous = ""
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = previous
        with _behind_the_apps_back():
            AuditEvent.objects.filter(pk=event.pk).update(
                prev_hash=previous, hash=content_hash(event)
            )
        previous = content_hash(event)
        # As anchored when they were written (the test moved them back in time afterwards).
        write_anchor(event_id=event.pk, event_hash=previous, created_at="")
    with committed():
        recent = record(kind=EventKind.LOGOUT, user=users["owner"])
    assert verify_chain().ok and verify_chain().anchors_checked == 4
    with committed():
        removed = purge_before(day=timezone.localdate() - datetime.timedelta(days=200))
    assert removed == 3
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(kind=EventKind.AUDIT_PURGE).count() == 1
    # The purged records' anchors are older than the oldest record left: not missing.
    report = verify_chain()
    assert report.ok and report.anchors_checked == 2


# The chain's head, anchored outside the database --------------------------------------------


def _committed_records(committed, user, n: int) -> list[AuditEvent]:
    with committed():
        return [record(kind=EventKind.LOGIN, user=user) for _ in range(n)]


def _delete_newest(count: int) -> None:
    """Remove the newest records behind the application's back (on PostgreSQL the trigger is
    switched off by the table's owner role, which the application's sessions have)."""
    with _behind_the_apps_back(), connection.cursor() as cursor:
        newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:count])
        cursor.execute(
            f"DELETE FROM audit_auditevent WHERE id IN ({', '.join(['%s'] * len(newest))})",
            newest,
        )


@pytest.mark.django_db
def test_each_committed_record_is_anchored_outside_the_database(
    users, committed, audit_anchor_file, caplog
):
    caplog.set_level("INFO", logger="budgetapp.security")
    events = _committed_records(committed, users["owner"], 3)
    lines = [json.loads(line) for line in audit_anchor_file.read_text().splitlines()]
    assert [(line["id"], line["hash"]) for line in lines] == [(e.pk, e.hash) for e in events]
    assert f"audit anchor id={events[-1].pk} hash={events[-1].hash}" in caplog.text
    assert audit_anchor_file.parent != settings.MEDIA_ROOT


@pytest.mark.django_db
def test_deleting_the_newest_records_is_found(users, committed, capsys):
    events = _committed_records(committed, users["owner"], 5)
    call_command("verify_audit_log")
    _delete_newest(2)
    # What is left is still a valid chain ...
    report = verify_chain()
    assert report.first_break_id is None and report.checked == 3
    # ... but the anchors name records that are gone.
    assert not report.ok
    assert f"第 {events[3].pk} 号记录已不在日志中" in report.anchor_problem
    assert "共缺 2 条" in report.anchor_problem
    with pytest.raises(CommandError, match="最新的记录"):
        call_command("verify_audit_log")


@pytest.mark.django_db
def test_postgresql_superuser_disabling_the_trigger_to_delete_the_newest_is_found(users, committed):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (CI runs the suite there)")
    events = _committed_records(committed, users["owner"], 4)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER ALL")
    report = verify_chain()
    assert report.first_break_id is None and not report.ok
    assert f"第 {events[-1].pk} 号记录已不在日志中" in report.anchor_problem


@pytest.mark.django_db
def test_rewriting_the_whole_chain_consistently_is_found(users, committed):
    events = _committed_records(committed, users["owner"], 4)
    # An intruder who knows the (unkeyed) hash rule changes a record and re-seals the rest.
    _tamper(events[1], username="someone-else")
    previous = ""
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = previous
        previous = content_hash(event)
        with _behind_the_apps_back():
            AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=previous)
    report = verify_chain()
    assert report.first_break_id == events[1].pk
    assert "锚点" in report.reason


@pytest.mark.django_db
def test_a_rolled_back_record_leaves_no_anchor(users, committed, audit_anchor_file):
    kept = _committed_records(committed, users["owner"], 1)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        record(kind=EventKind.LOGIN, user=users["owner"])
        raise RuntimeError("the request failed after the event")
    assert len(audit_anchor_file.read_text().splitlines()) == 1
    report = verify_chain()
    assert report.ok and report.anchor_head == kept[0].pk


@pytest.mark.django_db
def test_a_missing_anchor_file_is_reported(users, committed, audit_anchor_file):
    _committed_records(committed, users["owner"], 2)
    audit_anchor_file.unlink()
    report = verify_chain()
    assert report.first_break_id is None and not report.ok
    assert "锚点文件 不存在" in report.anchor_problem


@pytest.mark.django_db
def test_an_anchor_that_cannot_be_written_is_logged_not_raised(users, committed, settings, caplog):
    blocker = settings.AUDIT_ANCHOR_FILE.parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the folder should be")
    events = _committed_records(committed, users["owner"], 1)  # the login still happens
    assert AuditEvent.objects.filter(pk=events[0].pk).exists()
    assert f"audit anchor for record {events[0].pk} could not be written" in caplog.text


@pytest.mark.django_db
def test_reanchoring_after_a_restore_is_on_the_record(users, committed, capsys):
    _committed_records(committed, users["owner"], 4)
    _delete_newest(1)  # what a restore from last night's backup looks like
    with pytest.raises(CommandError):
        call_command("verify_audit_log")
    with pytest.raises(CommandError, match="原因"):
        call_command("verify_audit_log", "--reanchor", " ")
    with committed():
        call_command("verify_audit_log", "--reanchor", "从 12 月 4 日的备份恢复")
    event = AuditEvent.objects.get(kind=EventKind.AUDIT_REANCHOR)
    assert event.details["reason"] == "从 12 月 4 日的备份恢复"
    assert "已不在日志中" in event.details["anchor_problem_before"]
    report = verify_chain()
    assert report.ok and report.anchor_head == event.pk
    # Deleting the newest again is found again.
    _delete_newest(1)
    assert not verify_chain().ok


@pytest.mark.django_db
def test_reanchoring_refuses_a_broken_chain(users, committed):
    events = _committed_records(committed, users["owner"], 3)
    _tamper(events[1], username="x")
    with pytest.raises(CommandError, match="不能重新设定锚点"):
        call_command("verify_audit_log", "--reanchor", "试图掩盖")
    assert not AuditEvent.objects.filter(kind=EventKind.AUDIT_REANCHOR).exists()


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


@pytest.mark.django_db
def test_anchors_written_out_of_id_order_are_checked_all_the_same(
    users, committed, audit_anchor_file
):
    """Two commits may append their lines in either order."""
    events = _committed_records(committed, users["owner"], 4)
    lines = audit_anchor_file.read_text().splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    audit_anchor_file.write_text("\n".join(lines) + "\n")
    report = verify_chain()
    assert report.ok and report.anchors_checked == 4 and report.anchor_head == events[-1].pk
    _delete_newest(3)  # the swapped pair included
    report = verify_chain()
    assert f"第 {events[1].pk} 号记录已不在日志中" in report.anchor_problem
    assert "共缺 3 条" in report.anchor_problem


@pytest.mark.django_db
def test_the_anchor_file_can_be_rotated(users, committed, audit_anchor_file):
    _committed_records(committed, users["owner"], 2)
    audit_anchor_file.rename(audit_anchor_file.with_name("anchors-2026-11.jsonl"))
    newer = _committed_records(committed, users["owner"], 1)
    report = verify_chain()
    assert report.ok and report.anchors_checked == 1 and report.anchor_head == newer[0].pk


@pytest.mark.django_db
def test_an_unreadable_anchor_line_is_reported(users, committed, audit_anchor_file):
    _committed_records(committed, users["owner"], 2)
    with audit_anchor_file.open("a") as handle:
        handle.write('{"id": 99, "ha')  # a write cut short
    report = verify_chain()
    assert report.first_break_id is None and "1 行无法读取" in report.anchor_problem
