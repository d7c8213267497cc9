"""The in-app list of notices."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..models import Notice


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient=request.user)[:100]
    return render(request, "review/notices.html", {"notices": notices})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    Notice.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("review:notices")
