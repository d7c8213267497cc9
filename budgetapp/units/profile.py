"""A user's own contact details (e-mail on the login, phone on the account), changed through one
service that records every change with the old and the new value."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import Account, ProfileChange, Role

# Digits with the separators people write: 0335-5051234, 138 0000 0000, +86 13800000000,
# (027)84951234, 0335-5051234转8001.
_PHONE = re.compile(r"\+?[\d\s\-()（）]+(?:(?:转|-|ext\.?)\s*\d{1,6})?")
PHONE_DIGITS = (7, 20)


class ProfileError(Exception):
    """A value the filer typed is not acceptable: `errors` maps the field to a Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Profile:
    email: str
    phone: str


def profile_of(user: User) -> Profile:
    account = Account.objects.filter(user=user).first()
    return Profile(email=user.email, phone=account.phone if account else "")


def clean_email(value: str) -> str:
    email = (value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise ProfileError(
            {"email": "请输入有效的电子邮箱地址，例如 zhangsan@example.org。"}
        ) from None
    return email


def clean_phone(value: str) -> str:
    phone = re.sub(r"\s+", " ", (value or "").strip())
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.fullmatch(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ProfileError(
            {
                "phone": "请输入有效的联系电话（7 至 20 位数字，可含区号、“-”和空格），例如 0335-5051234 或 13800000000。"
            }
        )
    if len(phone) > Account._meta.get_field("phone").max_length:
        raise ProfileError({"phone": "联系电话太长，请只填写一个号码。"})
    return phone


@transaction.atomic
def update_profile(
    *, user: User, email: str, phone: str, ip: str | None = None
) -> list[ProfileChange]:
    """Set the user's own e-mail and phone; one `ProfileChange` per field that changed."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for field, clean, value in (("email", clean_email, email), ("phone", clean_phone, phone)):
        try:
            cleaned[field] = clean(value)
        except ProfileError as error:
            errors |= error.errors
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not errors and cleaned["email"]:
        taken = (
            get_user_model()
            .objects.filter(email__iexact=cleaned["email"])
            .exclude(pk=user.pk)
            .exists()
        )
        if taken:
            errors["email"] = "此电子邮箱已被其他账户使用，请换一个。"
    if errors:
        raise ProfileError(errors)
    account = Account.objects.select_for_update().filter(user=user).first()
    old = {"email": user.email, "phone": account.phone if account else ""}
    changes = [
        ProfileChange(
            user=user, changed_by=user, field=field, old=old[field], new=new, client_ip=ip
        )
        for field, new in cleaned.items()
        if new != old[field]
    ]
    if not changes:
        return []
    if cleaned["email"] != old["email"]:
        user.email = cleaned["email"]
        user.save(update_fields=["email"])
    if cleaned["phone"] != old["phone"]:
        if account is None:
            if not user.is_superuser:
                raise ProfileError(
                    {"phone": "您的登录名尚未开通账户，不能填写联系电话，请联系管理员。"}
                )
            # A superuser made on the command line has no account yet: it is an administrator's.
            account = Account(user=user, role=Role.ADMIN)
        account.phone = cleaned["phone"]
        account.save()
    return ProfileChange.objects.bulk_create(changes)
