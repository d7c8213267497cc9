"""The Django admin's user pages: each user with their unit and role, and the password policy
(a password an administrator sets there is one-time)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse

from budgetapp.audit.admin_audit import AuditedAdminMixin
from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.core.http import client_ip
from budgetapp.identity import passwords
from budgetapp.units.admin import account_event_kind
from budgetapp.units.admin_rights import sync_admin_site_rights
from budgetapp.units.models import Account


class OneTimePasswordAdminMixin:
    """For the User admin: a password an administrator sets must be changed at the next login."""

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            passwords.mark_must_change(user=obj, by=request.user, ip=client_ip(request))

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None:
                record(
                    kind=EventKind.PASSWORD_RESET,
                    request=request,
                    obj=user,
                    details={"account": user.get_username(), "via": "admin"},
                )
            if user is not None and user.has_usable_password():
                passwords.mark_must_change(user=user, by=request.user, ip=client_ip(request))
        return response


class AccountInline(admin.StackedInline):
    model = Account
    can_delete = False
    autocomplete_fields = ["unit"]
    verbose_name_plural = "所属单位与角色"


class UserWithAccountAdmin(AuditedAdminMixin, OneTimePasswordAdminMixin, UserAdmin):
    inlines = [AccountInline]
    list_display = [
        "username",
        "first_name",
        "account__role",
        "account__unit",
        "is_active",
        "is_staff",
    ]

    def audit_kind_for(self, obj, changes) -> EventKind:
        # The account inline's role, unit and phone: account business (role_change when the
        # role moved), like the account pages' own events.
        return account_event_kind(changes)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        sync_admin_site_rights(form.instance)


admin.site.unregister(User)
admin.site.register(User, UserWithAccountAdmin)
