"""Demo accounts that must sign in with a second factor get a known authenticator secret.

The secrets are derived from the username, printed by `load_demo` and listed in the README, so
anyone trying the demo adds them to an authenticator app (or asks `manage.py demo_code` while
DEBUG is on). They are as public as the demo password: demo data only.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from binascii import unhexlify

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.identity.roles import requires_second_factor
from budgetapp.identity.second_factor import enrol_with_key


def demo_key_hex(username: str) -> str:
    return hashlib.sha1(f"budgetapp-demo-totp:{username}".encode()).hexdigest()


def demo_secret(username: str) -> str:
    return b32encode(unhexlify(demo_key_hex(username))).decode("ascii")


def ensure_demo_second_factors(usernames: list[str]) -> list[tuple[str, str]]:
    """Enrol each demo account that needs it (unless it enrolled another device since);
    returns (username, secret) for those holding the demo secret."""
    enrolled: list[tuple[str, str]] = []
    for user in get_user_model().objects.filter(username__in=usernames).order_by("username"):
        if not requires_second_factor(user):
            continue
        key = demo_key_hex(user.username)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = enrol_with_key(user=user, key_hex=key)
        if device.key == key:
            enrolled.append((user.username, demo_secret(user.username)))
    return enrolled
