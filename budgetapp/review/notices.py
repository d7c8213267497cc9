"""Telling people what happened: an in-app notice, and an e-mail where they have an address.

Mail goes through Django's mail framework (console backend by default, SMTP from settings) and
is sent after the transaction commits, so a refused or rolled-back step never notifies anyone.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction

from budgetapp.core.http import absolute_url
from budgetapp.targets.models import TargetTable
from budgetapp.units.models import Account, Role, Unit

from .models import Notice

logger = logging.getLogger(__name__)


def reviewers_of_unit(unit: Unit) -> list[User]:
    """The active reviewers whose city contains the unit."""
    accounts = Account.objects.filter(role=Role.REVIEWER, unit__isnull=False).select_related(
        "user", "unit__region"
    )
    path = unit.region.path
    return [a.user for a in accounts if path.startswith(a.unit.region.path) and a.user.is_active]


def filers_of_unit(unit: Unit) -> list[User]:
    """The unit's active filers."""
    return list(
        get_user_model().objects.filter(
            account__role=Role.FILER, account__unit=unit, is_active=True
        )
    )


def _reviewers_of(table: TargetTable) -> list[User]:
    return reviewers_of_unit(table.unit)


def _filers_of(table: TargetTable) -> list[User]:
    return filers_of_unit(table.unit)


def _send(recipients: list[User], text: str, url: str) -> None:
    max_length = Notice._meta.get_field("text").max_length
    if len(text) > max_length:
        text = text[: max_length - 1] + "…"
    # In-app links stay relative; e-mail needs the site's address to be clickable.
    mail_url = absolute_url(url)
    Notice.objects.bulk_create(Notice(recipient=user, text=text, url=url) for user in recipients)
    addresses = [user.email for user in recipients if user.email]
    if not addresses:
        return

    def mail() -> None:
        try:
            send_mail(
                subject=f"[绩效目标] {text[:60]}",
                message=f"{text}\n\n查看：{mail_url}",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=addresses,
            )
        except Exception:  # a mail server being down must not undo a review step
            logger.exception("Could not send notice mail to %s", addresses)

    transaction.on_commit(mail)


def notify(recipients: list[User], text: str, url: str) -> None:
    """An in-app notice and an e-mail (after commit) for other apps' events (the library's
    decisions on proposals), the same way as the review steps'."""
    _send(recipients, text, url)


def table_submitted(table: TargetTable, actor: User) -> None:
    text = f"{table.unit.name} 提交了“{table.title}”，请审核。"
    _send(_reviewers_of(table), text, _review_url(table))


def table_returned(table: TargetTable, actor: User, reason: str) -> None:
    text = f"“{table.title}”被退回：{reason[:100]}"
    _send(_filers_of(table), text, table.get_absolute_url())


def table_approved(table: TargetTable, actor: User) -> None:
    text = f"“{table.title}”已审核通过。"
    _send(_filers_of(table), text, table.get_absolute_url())


def _review_url(table: TargetTable) -> str:
    return table.get_absolute_url()


def comment_replied(reply) -> None:
    """A reply in a comment's thread: whoever else wrote in it hears of it (the reviewer who
    commented, first of all); a reviewer's reply also reaches the unit's filers."""
    from budgetapp.units.access import can_file_for

    comment = reply.comment
    table = comment.table
    people = {comment.author_id: comment.author}
    people |= {r.author_id: r.author for r in comment.replies.select_related("author")}
    if not can_file_for(reply.author, comment.unit):
        people |= {user.pk: user for user in _filers_of(table)}
    recipients = [u for pk, u in people.items() if pk != reply.author_id and u.is_active]
    who = reply.author.get_full_name() or reply.author.username
    where = comment.anchor_label or "整张表"
    text = f"{who} 回复了对“{table.title}”（{where}）的意见：{reply.text[:80]}"
    _send(recipients, text, f"{table.get_absolute_url()}#comment-{comment.pk}")
