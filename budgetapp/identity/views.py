"""Pages of identification and authentication: unlocking (安全管理员)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from budgetapp.core.http import client_ip
from budgetapp.identity import lockout
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
