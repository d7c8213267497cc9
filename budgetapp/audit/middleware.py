"""The Django superuser is for deployment only: its use of the admin site is on the record."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .log import record
from .models import EventKind

_SESSION_FLAG = "audit_superuser_admin_logged"


class SuperuserUseMiddleware:
    """Records once per session when a superuser opens the admin site, and every change it
    POSTs there (the admin's own change records are in `admin_change` events too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_superuser:
            return response
        if not self.admin_prefix:
            self.admin_prefix = reverse("admin:index")
        if not request.path.startswith(self.admin_prefix):
            return response
        if request.method == "POST":
            record(
                kind=EventKind.SUPERUSER_USE,
                request=request,
                details={
                    "method": "POST",
                    "path": request.path[:300],
                    "status": response.status_code,
                },
            )
        elif hasattr(request, "session") and not request.session.get(_SESSION_FLAG):
            request.session[_SESSION_FLAG] = True
            record(
                kind=EventKind.SUPERUSER_USE,
                request=request,
                details={"method": request.method, "path": request.path[:300]},
            )
        return response
