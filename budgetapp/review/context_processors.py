"""The unread-notice count in the navigation bar."""

from __future__ import annotations

from django.http import HttpRequest


def unread_notices(request: HttpRequest) -> dict[str, int]:
    if not request.user.is_authenticated:
        return {}
    from .models import Notice

    return {
        "unread_notices": Notice.objects.filter(
            recipient=request.user, read_at__isnull=True
        ).count()
    }
