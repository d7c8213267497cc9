"""Second-factor pages: enrol (QR code, backup codes), verify at login, reset (安全管理员)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.core.http import client_ip
from budgetapp.identity import login_state, second_factor
from budgetapp.identity.roles import is_security_admin, requires_second_factor


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if second_factor.is_enrolled(user) and not user.is_verified():
        # Re-enrolling needs the current factor first; a lost device is reset by a 安全管理员.
        return redirect("identity:otp_verify")
    device = second_factor.pending_device(user)
    error = ""
    if request.method == "POST":
        try:
            codes = second_factor.confirm_enrolment(
                user=user, token=request.POST.get("token", ""), ip=client_ip(request)
            )
        except second_factor.SecondFactorError as problem:
            error = str(problem)
        else:
            second_factor.verify_enrolled(request=request)
            login_state.enrolment_changed(request, enrolled=True)
            return render(
                request,
                "identity/otp_backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    context = {
        "qr_svg": second_factor.qr_svg(device),
        "secret": second_factor.secret_base32(device),
        "error": error,
        "next": _next_url(request),
        "required": requires_second_factor(user),
    }
    return render(request, "identity/otp_setup.html", context, status=400 if error else 200)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not second_factor.is_enrolled(user):
        return redirect("identity:otp_setup")
    if user.is_verified():
        return redirect(_next_url(request))
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "")
        if second_factor.verify(request=request, token=token, ip=client_ip(request)):
            return redirect(_next_url(request))
        error = "验证码不正确或已使用，请重新输入（多次错误后需等待片刻再试）。"
    return render(
        request,
        "identity/otp_verify.html",
        {"error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


@login_required
def otp_accounts(request: HttpRequest) -> HttpResponse:
    if not is_security_admin(request.user):
        raise PermissionDenied("仅安全管理员可以操作。")
    enrolled = (
        TOTPDevice.objects.filter(confirmed=True)
        .select_related("user", "user__account", "user__account__unit")
        .order_by("user__username")
    )
    return render(request, "identity/otp_accounts.html", {"devices": enrolled})


@login_required
@require_POST
def otp_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    if not is_security_admin(request.user):
        raise PermissionDenied("仅安全管理员可以操作。")
    target = get_object_or_404(get_user_model(), pk=user_id)
    try:
        second_factor.reset(user=target, by=request.user, ip=client_ip(request))
    except second_factor.SecondFactorError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request, f"已重置 {target.get_username()} 的双因素认证，该用户下次登录时重新绑定。"
        )
    return redirect("identity:otp_accounts")
