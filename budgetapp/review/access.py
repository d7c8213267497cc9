"""Who may review which unit."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from budgetapp.units.access import account_of, role_of
from budgetapp.units.models import Role, Unit


def can_review(user: User | AnonymousUser, unit: Unit) -> bool:
    """A reviewer whose city contains the unit."""
    account = account_of(user)
    if account is None or account.role != Role.REVIEWER or account.unit is None:
        return False
    return unit.region.path.startswith(account.unit.region.path)


def is_admin(user: User | AnonymousUser) -> bool:
    return role_of(user) == Role.ADMIN


def get_comment_for_user(user: User | AnonymousUser, kind: str, pk: int, comment_pk: int):
    """A comment on a table the user may see (else 404); whether they may reply is the
    service's question (403)."""
    from django.contrib.contenttypes.models import ContentType
    from django.shortcuts import get_object_or_404

    from budgetapp.targets.access import get_table_for_user

    from .models import Comment

    table = get_table_for_user(user, kind, pk)
    comment = get_object_or_404(
        Comment.objects.select_related("author", "unit__region"),
        pk=comment_pk,
        content_type=ContentType.objects.get_for_model(table),
        object_id=table.pk,
    )
    comment.table = table
    return comment
