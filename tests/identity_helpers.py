"""Test helpers for signing in past the second factor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.identity.roles import requires_second_factor


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator, enrolled if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app would show now; replays in the same step are allowed
    again (tests sign in the same user several times within 30 seconds)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def complete_second_factor(client, user) -> None:
    """For a force_login'ed test client: mark the session as verified by the second factor."""
    if not requires_second_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def prepare_browser_login(username: str) -> TOTPDevice | None:
    """Before a browser signs in: the authenticator whose code it will type, if one is needed."""
    user = get_user_model().objects.get(username=username)
    return authenticator(user) if requires_second_factor(user) else None
