"""Replying to a reviewer's comment from the table page (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip

from ..access import get_comment_for_user
from ..replies import reply_to_comment


@login_required
@require_POST
def add_reply(request: HttpRequest, kind: str, pk: int, comment_pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, kind, pk, comment_pk)
    table = comment.table
    text = request.POST.get("text", "")
    try:
        reply_to_comment(comment=comment, user=request.user, text=text, ip=client_ip(request))
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except TableError as error:
        # The page again, with what was typed still in the reply box.
        from .table import _page_context

        messages.error(request, str(error))
        context = _page_context(request, table, kind) | {"reply_typed": {comment.pk: text}}
        return render(request, "review/table.html", context, status=400)
    messages.success(request, "回复已发送。")
    return redirect(f"{table.get_absolute_url()}#comment-{comment.pk}")
