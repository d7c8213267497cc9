"""Replies in a comment's thread: the unit's filer answers a reviewer's remark, or a reviewer
follows up. Only the people of the table's review take part: the unit's filers and the
reviewers of its city (administrators read, they do not take part)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.units.access import can_file_for

from . import notices
from .access import can_review
from .models import Comment, Reply

MAX_REPLY_LENGTH = 2000


def can_reply(user: User | AnonymousUser, comment: Comment) -> bool:
    return can_file_for(user, comment.unit) or can_review(user, comment.unit)


@transaction.atomic
def reply_to_comment(*, comment: Comment, user: User, text: str, ip: str | None = None) -> Reply:
    """Add `user`'s reply under `comment` and tell the others in the thread."""
    # The comment row is locked so two replies posted at once are numbered in order and each
    # notice sees the thread as it was.
    comment = Comment.objects.select_for_update().select_related("unit__region").get(pk=comment.pk)
    if not can_reply(user, comment):
        raise NotAllowed("只有本单位的填报人和本市的审核人可以回复审核意见。")
    text = (text or "").strip()
    if not text:
        raise TableError("请填写回复内容。")
    if len(text) > MAX_REPLY_LENGTH:
        raise TableError(f"回复不能超过 {MAX_REPLY_LENGTH} 个字（现有 {len(text)} 个字）。")
    reply = Reply.objects.create(comment=comment, author=user, text=text, client_ip=ip)
    notices.comment_replied(reply)
    return reply
