"""The password change page every role has (not the Django admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.core.http import client_ip
from budgetapp.identity import login_state, passwords


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.change_own_password(
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
            ip=client_ip(request),
        )
        update_session_auth_hash(request, request.user)
        login_state.password_changed(request)
        messages.success(request, "密码已修改。")
        return redirect("targets:home")
    context = {
        "form": form,
        "must_change": passwords.must_change_password(request.user),
        "rules": password_validators_help_texts(),
        "enrolled": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
    }
    return render(request, "identity/password_change.html", context)
