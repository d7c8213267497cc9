"""Backup codes of the second factor are kept only as keyed hashes; plain codes that
django-otp's static plugin stored are converted by a migration and keep working."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from budgetapp.identity import backup_codes
from budgetapp.identity.models import BackupCode, BackupCodeDevice
from budgetapp.identity.second_factor import issue_backup_codes

pytestmark = pytest.mark.django_db


def _editor():
    """What the migration uses of its schema editor: the connection. (SQLite's real one cannot
    be opened inside the test's transaction.)"""
    return SimpleNamespace(connection=connection)


def _device(user) -> BackupCodeDevice:
    return BackupCodeDevice.objects.get(user=user)


def test_only_keyed_hashes_are_stored(users):
    codes = issue_backup_codes(user=users["reviewer"], by=users["reviewer"], ip=None)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and all(len(h) == 64 for h in stored)
    everything = " ".join(stored)
    for code in codes:
        assert code not in everything and backup_codes.normalise(code) not in everything
    with connection.cursor() as cursor:  # nothing else in the table holds them either
        cursor.execute("SELECT * FROM identity_backupcode")
        raw = repr(cursor.fetchall())
    assert not any(backup_codes.normalise(code) in raw for code in codes)


def test_the_hash_needs_the_key_and_the_account(users, settings):
    code = "abcde-fghjk"
    same = backup_codes.code_hash(users["reviewer"].pk, code)
    assert backup_codes.code_hash(users["reviewer"].pk, " ABCDE fghjk ") == same
    assert backup_codes.code_hash(users["owner"].pk, code) != same
    settings.SECRET_KEY = "another-deployment's-key"
    assert backup_codes.code_hash(users["reviewer"].pk, code) != same


def test_a_code_works_once_however_it_is_typed(users):
    codes = issue_backup_codes(user=users["reviewer"], by=None, ip=None)
    device = _device(users["reviewer"])
    assert device.verify_token(codes[0].upper().replace("-", " "))
    device.refresh_from_db()
    assert device.remaining() == 9
    assert not device.verify_token(codes[0])
    # A wrong try made the device wait; after it, the next code still works.
    BackupCodeDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    assert device.verify_token(codes[1])


def test_wrong_codes_are_throttled(users):
    codes = issue_backup_codes(user=users["reviewer"], by=None, ip=None)
    device = _device(users["reviewer"])
    assert not device.verify_token("zzzzz-zzzzz")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert not device.verify_token(codes[0])  # refused during the wait, not used up
    assert device.remaining() == 10


def test_codes_made_under_an_older_key_still_work(users, settings):
    codes = issue_backup_codes(user=users["reviewer"], by=None, ip=None)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "the-rotated-key"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert _device(users["reviewer"]).verify_token(codes[0])


def test_new_codes_replace_the_old_ones(users):
    first = issue_backup_codes(user=users["reviewer"], by=None, ip=None)
    second = issue_backup_codes(user=users["reviewer"], by=None, ip=None)
    device = _device(users["reviewer"])
    assert BackupCodeDevice.objects.filter(user=users["reviewer"]).count() == 1
    assert not device.verify_token(first[0])
    BackupCodeDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    assert device.verify_token(second[0])


def test_django_otps_plain_text_plugin_is_not_installed():
    assert not apps.is_installed("django_otp.plugins.otp_static")


def test_the_migration_hashes_codes_django_otp_stored_in_plain_text(users):
    """A database from before: django-otp's static tables with plain codes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_static_staticdevice (id integer PRIMARY KEY, name varchar(64), "
            "confirmed boolean, user_id integer)"
        )
        cursor.execute(
            "CREATE TABLE otp_static_statictoken (id integer PRIMARY KEY, device_id integer, "
            "token varchar(16))"
        )
        cursor.execute(
            "INSERT INTO otp_static_staticdevice VALUES (1, '备用验证码', %s, %s), "
            "(2, '备用验证码', %s, %s)",
            [True, users["reviewer"].pk, True, users["other_reviewer"].pk],
        )
        cursor.execute(
            "INSERT INTO otp_static_statictoken VALUES (1, 1, 'k3vq7zpa'), (2, 1, 'mm2xw4ed')"
        )
    migration = importlib.import_module(
        "budgetapp.identity.migrations.0003_hash_existing_backup_codes"
    )
    migration.hash_plain_codes(apps, _editor())

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM otp_static_statictoken")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM otp_static_staticdevice")
        assert cursor.fetchone()[0] == 0
    # The reviewer's two codes are hashed and work once; the used-up device is not carried over.
    assert not BackupCodeDevice.objects.filter(user=users["other_reviewer"]).exists()
    device = _device(users["reviewer"])
    assert set(BackupCode.objects.values_list("code_hash", flat=True)) == {
        backup_codes.code_hash(users["reviewer"].pk, "k3vq7zpa"),
        backup_codes.code_hash(users["reviewer"].pk, "mm2xw4ed"),
    }
    assert device.verify_token("K3VQ7ZPA")
    assert not device.verify_token("k3vq7zpa")


def test_the_migration_leaves_a_database_without_the_plugin_alone(users):
    migration = importlib.import_module(
        "budgetapp.identity.migrations.0003_hash_existing_backup_codes"
    )
    migration.hash_plain_codes(apps, _editor())
    assert not BackupCodeDevice.objects.exists()
