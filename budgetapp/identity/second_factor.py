"""Two-factor login (django-otp): enrolment with a QR code and backup codes, verification, reset.

Who needs it is decided in `roles.requires_second_factor`. A user signs in with a password,
then proves a second factor on /accounts/otp/: a code from an authenticator app (TOTP, RFC 6238)
or one of the one-time backup codes shown at enrolment. Until then `SecondFactorMiddleware`
sends them back there from every page.
"""

from __future__ import annotations

import logging
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

security_log = logging.getLogger("budgetapp.security")

TOTP_NAME = "身份验证器"
BACKUP_NAME = "备用验证码"


class SecondFactorError(Exception):
    """A second-factor step that cannot be done (a Chinese message for the user)."""


def is_enrolled(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per user), created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed by hand."""
    return b32encode(unhexlify(device.key)).decode("ascii").rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (no script, no image request)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title="身份验证器二维码（无法扫描时请手动输入下方密钥）"
    )


@transaction.atomic
def confirm_enrolment(*, user: AbstractBaseUser, token: str, ip: str | None) -> list[str]:
    """Confirm the pending authenticator with a code from it; returns fresh backup codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise SecondFactorError("没有待绑定的身份验证器，请刷新页面重新开始。")
    if not device.verify_token(token.strip()):
        raise SecondFactorError("验证码不正确，请输入身份验证器当前显示的 6 位数字。")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    security_log.info("second factor enrolled by %s from %s", user.get_username(), ip)
    return codes


def _new_backup_codes(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def verify(*, request: HttpRequest, token: str, ip: str | None) -> bool:
    """Check a code from the authenticator or a backup code; on success the session is verified.

    django-otp throttles each device after failures (a growing delay), and a backup code is
    used up when it matches.
    """
    user = request.user
    device = match_token(user, token.strip().replace(" ", "").lower())
    if device is None:
        security_log.info("second factor failed for %s from %s", user.get_username(), ip)
        return False
    otp_login(request, device)
    security_log.info(
        "second factor verified for %s from %s (%s)", user.get_username(), ip, device.name
    )
    return True


@transaction.atomic
def reset(*, user: AbstractBaseUser, by: AbstractBaseUser, ip: str | None) -> int:
    """A lost device: remove every second factor; the user enrols anew at the next login."""
    devices = list(devices_for_user(user, confirmed=None))
    if not devices:
        raise SecondFactorError("该账户没有绑定身份验证器。")
    for device in devices:
        device.delete()
    security_log.info(
        "second factor reset for %s by %s from %s", user.get_username(), by.get_username(), ip
    )
    return len(devices)


def enrol_with_key(*, user: AbstractBaseUser, key_hex: str) -> TOTPDevice:
    """Enrol a known secret (the demo's printed ones); replaces any other authenticator."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key_hex, confirmed=True)


def verify_enrolled(*, request: HttpRequest) -> None:
    """The authenticator just confirmed at enrolment verifies this session too."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is not None:
        otp_login(request, device)
