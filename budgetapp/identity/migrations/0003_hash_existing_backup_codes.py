"""Backup codes that django-otp's static plugin stored in plain text become keyed hashes.

`django_otp.plugins.otp_static` is no longer installed; its tables stay where a database has
them (this migration empties them) and are read with plain SQL. The hash is a frozen copy of
`identity.backup_codes.code_hash` as it was written (no live application code here); codes
already given to people keep working.
"""

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

TOKENS = "otp_static_statictoken"
DEVICES = "otp_static_staticdevice"
KEY_SALT = "budgetapp.identity.backup_code"


def frozen_code_hash(user_id, code):
    normalised = "".join(str(code).split()).replace("-", "").lower()
    return salted_hmac(
        KEY_SALT, f"{user_id}:{normalised}", secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def hash_plain_codes(apps, schema_editor):
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    if not {TOKENS, DEVICES} <= tables:
        return  # a database that never had django-otp's static plugin
    BackupCodeDevice = apps.get_model("identity", "BackupCodeDevice")
    BackupCode = apps.get_model("identity", "BackupCode")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, user_id, name, confirmed FROM {DEVICES} ORDER BY id")
        devices = cursor.fetchall()
        cursor.execute(f"SELECT device_id, token FROM {TOKENS} ORDER BY id")
        tokens = cursor.fetchall()
    by_device = {}
    for device_id, token in tokens:
        by_device.setdefault(device_id, []).append(token)
    for device_id, user_id, name, confirmed in devices:
        if not by_device.get(device_id):
            continue  # every code used up: nothing to keep
        device = BackupCodeDevice.objects.create(
            user_id=user_id, name=name or "备用验证码", confirmed=bool(confirmed)
        )
        BackupCode.objects.bulk_create(
            [
                BackupCode(device=device, code_hash=frozen_code_hash(user_id, token))
                for token in by_device[device_id]
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TOKENS}")
        cursor.execute(f"DELETE FROM {DEVICES}")


class Migration(migrations.Migration):
    dependencies = [("identity", "0002_backup_codes_hashed")]

    operations = [
        # Not reversible: the plain codes are gone (that is the point).
        migrations.RunPython(hash_plain_codes, migrations.RunPython.noop, elidable=False),
    ]
