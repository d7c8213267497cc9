"""The in-app list of notices."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from budgetapp.core.paging import page_of

from ..models import Notice

PAGE_SIZE = 50


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient=request.user)
    page = page_of(request, notices, PAGE_SIZE)
    unread = notices.filter(read_at__isnull=True).count()
    return render(
        request,
        "review/notices.html",
        {"notices": page.object_list, "page": page, "unread": unread, "query_string": ""},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    Notice.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("review:notices")
