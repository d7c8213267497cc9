"""Pages of identification and authentication: unlocking (安全管理员), sessions, CSRF failure."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from budgetapp.core.http import client_ip
from budgetapp.identity import lockout, sessions
from budgetapp.identity.roles import is_security_admin


def _require_security_admin(request: HttpRequest) -> None:
    if not is_security_admin(request.user):
        raise PermissionDenied("仅安全管理员可以操作。")


@login_required
def locks(request: HttpRequest) -> HttpResponse:
    _require_security_admin(request)
    context = {"locks": lockout.current_locks(), "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "identity/locks.html", context)


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    _require_security_admin(request)
    kind = request.POST.get("kind", "")
    value = request.POST.get("value", "")
    try:
        lockout.unlock(kind=kind, value=value, by=request.user, ip=client_ip(request))
    except lockout.NotLocked as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已解锁：{value}")
    return redirect("identity:locks")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a Chinese page with a way back instead of Django's English one.

    A form posted from a page left open too long (the session ended, or the browser was
    restarted) meets this; the editor's typed work is still in the browser (draft-keeper.js).
    """
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    context = {"back": back, "signed_in": request.user.is_authenticated}
    return render(request, "identity/csrf_failure.html", context, status=403)


@login_required
@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """继续 in the idle dialog."""
    return sessions.extend(request)
