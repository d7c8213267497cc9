"""Account management pages: the 安全管理员 for every unit, a city's reviewer for its subtree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from budgetapp.core.http import client_ip

from . import access, services
from .forms import AccountForm


def _data(form: AccountForm) -> services.AccountData:
    return services.AccountData(
        full_name=form.cleaned_data["full_name"],
        phone=form.cleaned_data["phone"],
        unit=form.cleaned_data.get("unit"),
        role=form.cleaned_data["role"],
    )


def _show_errors(form: AccountForm, error: services.AccountError) -> None:
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
@require_safe
@never_cache
def account_list(request: HttpRequest) -> HttpResponse:
    access.require_account_manager(request.user)
    accounts = access.accounts_managed_by(request.user).order_by(
        "unit__region__path", "unit__name", "user__username"
    )
    query = (request.GET.get("q") or "").strip()
    if query:
        accounts = accounts.filter(
            Q(user__username__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(unit__name__icontains=query)
        )
    return render(request, "security/account_list.html", {"accounts": accounts, "q": query})


@login_required
@never_cache
def account_new(request: HttpRequest) -> HttpResponse:
    access.require_account_manager(request.user)
    form = AccountForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account, password = services.create_account(
                manager=request.user,
                username=form.cleaned_data["username"],
                data=_data(form),
                ip=client_ip(request),
            )
        except services.AccountError as error:
            _show_errors(form, error)
        else:
            return render(
                request,
                "security/one_time_password.html",
                {"account": account, "password": password, "created": True},
            )
    return render(request, "security/account_form.html", {"form": form, "account": None})


@login_required
@never_cache
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_manager(request.user, pk)
    initial = {
        "full_name": account.user.first_name,
        "phone": account.phone,
        "role": account.role,
        "unit": account.unit_id,
    }
    form = AccountForm(request.POST or None, manager=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_account(
                manager=request.user, account=account, data=_data(form), ip=client_ip(request)
            )
        except services.AccountError as error:
            _show_errors(form, error)
        else:
            messages.success(request, f"账户 {account.user.username} 已保存。")
            return redirect("security:accounts")
    return render(request, "security/account_form.html", {"form": form, "account": account})


@login_required
@require_POST
def account_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_manager(request.user, pk)
    active = request.POST.get("active") == "1"
    services.set_account_active(
        manager=request.user, account=account, active=active, ip=client_ip(request)
    )
    verb = "启用" if active else "停用"
    messages.success(request, f"账户 {account.user.username} 已{verb}。")
    return redirect("security:accounts")


@login_required
@require_POST
@never_cache
def account_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = access.get_account_for_manager(request.user, pk)
    password = services.reset_password(manager=request.user, account=account, ip=client_ip(request))
    return render(
        request,
        "security/one_time_password.html",
        {"account": account, "password": password, "created": False},
    )
