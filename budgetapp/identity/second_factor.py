"""Two-factor login (django-otp): enrolment with a QR code and backup codes, verification, reset.

Who needs it is decided in `roles.requires_second_factor`. A user signs in with a password,
then proves a second factor on /accounts/otp/: a code from an authenticator app (TOTP, RFC 6238)
or one of the one-time backup codes shown at enrolment (kept only as keyed hashes,
`backup_codes.py`). Until then `SecondFactorMiddleware` sends them back there from every page.
Every step (enrolment, codes issued, verified, failed, backup code used, reset) is written to
the security audit log.
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
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind, EventResult
from budgetapp.identity import backup_codes
from budgetapp.identity.models import BackupCode, BackupCodeDevice

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


def confirm_enrolment(*, user: AbstractBaseUser, token: str, ip: str | None) -> list[str]:
    """Confirm the pending authenticator with a code from it; returns fresh backup codes."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise SecondFactorError("没有待绑定的身份验证器，请刷新页面重新开始。")
        # A wrong code is counted by the device (throttling) and kept: nothing is rolled back.
        confirmed = device.verify_token(token.strip())
        if confirmed:
            replaced, _ = TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record(
                kind=EventKind.OTP_ENROL,
                user=user,
                ip=ip,
                obj=user,
                details={
                    "device": TOTP_NAME,
                    "changes": {"enrolled": {"old": bool(replaced), "new": True}},
                    "replaced_authenticator": bool(replaced),
                },
            )
            codes = issue_backup_codes(user=user, by=user, ip=ip)
    if not confirmed:
        record(
            kind=EventKind.OTP_FAILED,
            user=user,
            ip=ip,
            result=EventResult.REFUSED,
            details={"step": "enrolment"},
        )
        raise SecondFactorError("验证码不正确，请输入身份验证器当前显示的 6 位数字。")
    security_log.info("second factor enrolled by %s from %s", user.get_username(), ip)
    return codes


@transaction.atomic
def issue_backup_codes(
    *, user: AbstractBaseUser, by: AbstractBaseUser | None, ip: str | None
) -> list[str]:
    """New backup codes (shown once, stored hashed); any earlier ones stop working."""
    old = BackupCodeDevice.objects.filter(user=user)
    unused_before = BackupCode.objects.filter(device__in=old).count()
    old.delete()
    device = BackupCodeDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [backup_codes.new_code() for _ in range(settings.OTP_BACKUP_CODES)]
    BackupCode.objects.bulk_create(
        [BackupCode(device=device, code_hash=backup_codes.code_hash(user.pk, c)) for c in codes]
    )
    record(
        kind=EventKind.BACKUP_CODES_ISSUED,
        user=by,
        ip=ip,
        obj=user,
        details={
            "account": user.get_username(),
            "changes": {"unused_codes": {"old": unused_before, "new": len(codes)}},
        },
    )
    return codes


def verify(*, request: HttpRequest, token: str, ip: str | None) -> bool:
    """Check a code from the authenticator or a backup code; on success the session is verified.

    django-otp throttles each device after failures (a growing delay), and a backup code is
    used up when it matches.
    """
    user = request.user
    device = match_token(user, backup_codes.normalise(token))
    if device is None:
        record(
            kind=EventKind.OTP_FAILED,
            request=request,
            ip=ip,
            result=EventResult.REFUSED,
            details={"step": "login"},
        )
        security_log.info("second factor failed for %s from %s", user.get_username(), ip)
        return False
    otp_login(request, device)
    if isinstance(device, BackupCodeDevice):
        remaining = device.remaining()
        record(
            kind=EventKind.BACKUP_CODE_USED,
            request=request,
            ip=ip,
            details={"changes": {"unused_codes": {"old": remaining + 1, "new": remaining}}},
        )
    else:
        record(kind=EventKind.OTP_VERIFIED, request=request, ip=ip, details={"device": device.name})
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
    names = sorted(device.name for device in devices)
    for device in devices:
        device.delete()
    record(
        kind=EventKind.OTP_RESET,
        user=by,
        ip=ip,
        obj=user,
        details={
            "account": user.get_username(),
            "devices_removed": names,
            "changes": {"enrolled": {"old": True, "new": False}},
        },
    )
    security_log.info(
        "second factor reset for %s by %s from %s", user.get_username(), by.get_username(), ip
    )
    return len(devices)


def enrol_with_key(*, user: AbstractBaseUser, key_hex: str) -> TOTPDevice:
    """Enrol a known secret (the demo's printed ones); replaces any other authenticator."""
    replaced, _ = TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key_hex, confirmed=True)
    record(
        kind=EventKind.OTP_ENROL,
        user=None,
        obj=user,
        details={
            "device": TOTP_NAME,
            "via": "load_demo",
            "account": user.get_username(),
            "changes": {"enrolled": {"old": bool(replaced), "new": True}},
        },
    )
    return device


def verify_enrolled(*, request: HttpRequest) -> None:
    """The authenticator just confirmed at enrolment verifies this session too."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is not None:
        otp_login(request, device)
