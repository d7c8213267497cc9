"""A password set by someone else is a one-time password: its owner must change it at the next
login. The flag and its enforcement belong to the identity app (password policy)."""

from __future__ import annotations

from django.contrib.auth.models import User

from budgetapp.identity.passwords import must_change_password, set_password_by_admin


def set_one_time_password(*, user: User, password: str, by: User, ip: str | None) -> None:
    set_password_by_admin(user=user, new_password=password, by=by, ip=ip)


def needs_new_password(user: User) -> bool:
    return must_change_password(user)
