"""The password policy: validators (AUTH_PASSWORD_VALIDATORS), history, first-login change, expiry.

Django calls each validator's `password_changed` whenever a user's password is saved, whatever
the path (this app's page, the admin, `createsuperuser`), so the history and the change time
are recorded in one place.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.identity.models import Credential, PasswordHistory

security_log = logging.getLogger("budgetapp.security")


def _classes_in(password: str) -> int:
    lower = any(c.isascii() and c.islower() for c in password)
    upper = any(c.isascii() and c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.isascii() and c.isalnum()) for c in password)
    return sum((lower, upper, digit, other))


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the message in Chinese (Django 5.2's zh-Hans catalogue lacks this one)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other signs."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if _classes_in(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、其他符号这四类中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、其他符号这四类中的至少 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Not one of the user's last `count` passwords; records each new one when it is saved."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if user is None or user.pk is None:
            return
        recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        hashes = list(recent[: self.count])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        if any(check_password(password, stored) for stored in hashes[: self.count]):
            raise ValidationError(
                f"新密码不能与最近使用过的 {self.count} 个密码相同。", code="password_reused"
            )

    def password_changed(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if user is None or user.pk is None:
            return
        with transaction.atomic():
            PasswordHistory.objects.create(user=user, password=user.password)
            keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)
            PasswordHistory.objects.filter(user=user).exclude(
                pk__in=list(keep[: self.count])
            ).delete()
            Credential.objects.update_or_create(
                user=user, defaults={"password_changed_at": timezone.now()}
            )

    def get_help_text(self) -> str:
        return f"不能与最近使用过的 {self.count} 个密码相同。"


def credential_for(user: AbstractBaseUser) -> Credential:
    credential, _ = Credential.objects.get_or_create(user=user)
    return credential


def must_change_password(user: AbstractBaseUser) -> bool:
    return Credential.objects.filter(user=user, must_change_password=True).exists()


def password_expires_at(user: AbstractBaseUser) -> dt.datetime | None:
    """When the password expires (PASSWORD_MAX_AGE_DAYS; None when expiry is off)."""
    if not settings.PASSWORD_MAX_AGE_DAYS:
        return None
    credential = credential_for(user)
    if credential.password_changed_at is None:
        # A password older than the policy: its age is counted from the first time it is seen.
        credential.password_changed_at = timezone.now()
        credential.save(update_fields=["password_changed_at"])
    return credential.password_changed_at + dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def password_expired(user: AbstractBaseUser) -> bool:
    expires = password_expires_at(user)
    return expires is not None and expires <= timezone.now()


@transaction.atomic
def change_own_password(*, user: AbstractBaseUser, new_password: str, ip: str | None) -> None:
    """The user chose a new password (already validated): the first-login flag is cleared."""
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    was_must_change = must_change_password(locked)
    was_expired = password_expired(locked)
    locked.set_password(new_password)
    locked.save(update_fields=["password"])
    user.password = locked.password
    Credential.objects.update_or_create(user=locked, defaults={"must_change_password": False})
    # The reason it was asked for, if it was; never the password or its hash.
    reason = "must_change" if was_must_change else "expired" if was_expired else "own_choice"
    record(
        kind=EventKind.PASSWORD_CHANGE,
        user=locked,
        ip=ip,
        obj=locked,
        details={
            "reason": reason,
            "changes": {"must_change_password": {"old": was_must_change, "new": False}},
        },
    )
    security_log.info("password changed by %s from %s", locked.get_username(), ip)


@transaction.atomic
def set_password_by_admin(
    *, user: AbstractBaseUser, new_password: str, by: AbstractBaseUser | None, ip: str | None
) -> None:
    """An administrator set or reset the password: it is a one-time password, changed at login.

    The caller records the reset itself (`password_reset`, with its own details); this records
    that the password must be changed (`password_must_change`).
    """
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    locked.set_password(new_password)
    locked.save(update_fields=["password"])
    user.password = locked.password
    mark_must_change(user=locked, by=by, ip=ip)


@transaction.atomic
def mark_must_change(
    *, user: AbstractBaseUser, by: AbstractBaseUser | None, ip: str | None
) -> None:
    was = must_change_password(user)
    Credential.objects.update_or_create(user=user, defaults={"must_change_password": True})
    record(
        kind=EventKind.PASSWORD_MUST_CHANGE,
        user=by,
        ip=ip,
        obj=user,
        details={
            "account": user.get_username(),
            "changes": {"must_change_password": {"old": was, "new": True}},
        },
    )
    security_log.info(
        "password set by administrator %s for %s from %s",
        by.get_username() if by else "-",
        user.get_username(),
        ip,
    )
