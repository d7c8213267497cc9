"""The profile page: a logged-in user's own e-mail and phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from budgetapp.core.http import client_ip

from .models import ProfileChange
from .profile import ProfileError, profile_of, update_profile


class ProfileForm(forms.Form):
    email = forms.CharField(
        label="电子邮箱",
        required=False,
        max_length=254,
        help_text="通知（提交、退回、审核通过、回复）会同时发到这个地址；留空则只在站内通知。",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control"}),
    )
    phone = forms.CharField(
        label="联系电话",
        required=False,
        max_length=30,
        help_text="例如 0335-5051234 或 13800000000。",
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "class": "form-control"}
        ),
    )


@login_required
@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                changes = update_profile(
                    user=request.user,
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    ip=client_ip(request),
                )
            except ProfileError as error:
                for field, message in error.errors.items():
                    form.add_error(field, message)
            else:
                if changes:
                    messages.success(request, "个人资料已保存。")
                else:
                    messages.info(request, "没有修改。")
                return redirect("units:profile")
    else:
        current = profile_of(request.user)
        form = ProfileForm(initial={"email": current.email, "phone": current.phone})
    for name in form.errors:  # screen readers announce the message with the field
        if name in form.fields:
            form.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
            )
    changes = ProfileChange.objects.filter(user=request.user).select_related("changed_by")[:20]
    return render(request, "units/profile.html", {"form": form, "changes": changes})
