"""The Django admin's user pages: each user with their unit and role, and the password policy
(a password an administrator sets there is one-time).

Every account belongs to a named person here too, as on the app's account pages: the name is
asked for when a login is created, and its account row (unit, role, phone) must be filled in.
The deployment superuser is the one login that is not a person's (createsuperuser).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse

from budgetapp.audit.admin_audit import AuditedAdminMixin
from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.core.http import client_ip
from budgetapp.identity import passwords
from budgetapp.units.admin import account_event_kind
from budgetapp.units.admin_rights import sync_admin_site_rights
from budgetapp.units.models import Account, Role

NAME_LABEL = "姓名（使用此账户的人）"
# Roles that work across the province and belong to no unit (as on the account pages).
UNITLESS_ROLES = {Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


class NamedUserCreationForm(AdminUserCreationForm):
    """A new login names the person who will use it: no shared accounts."""

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "first_name")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["first_name"].label = NAME_LABEL


class NamedUserChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "first_name" in self.fields and not self.instance.is_superuser:
            self.fields["first_name"].required = True
            self.fields["first_name"].label = NAME_LABEL


class NamedPersonAccountForm(forms.ModelForm):
    """Unit and phone with the account pages' messages (before the model's own constraint)."""

    class Meta:
        model = Account
        fields = ["user", "unit", "role", "phone"]

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("phone") or "").strip():
            self.add_error("phone", "请填写联系电话。")
        if data.get("role") not in UNITLESS_ROLES and data.get("unit") is None:
            self.add_error("unit", "请选择所属单位。")
        return data


class NamedPersonAccountFormSet(BaseInlineFormSet):
    """The account row is required for every login but the superuser."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or getattr(self.instance, "is_superuser", False):
            return
        rows = [
            form
            for form in self.forms
            if (form.has_changed() or form.instance.pk is not None)
            and not (form.cleaned_data or {}).get("DELETE")
        ]
        if not rows:
            raise ValidationError("每个账户属于一个具体的人：请填写所属单位、角色和联系电话。")


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
    form = NamedPersonAccountForm
    formset = NamedPersonAccountFormSet
    can_delete = False
    autocomplete_fields = ["unit"]
    verbose_name_plural = "所属单位与角色"


class UserWithAccountAdmin(AuditedAdminMixin, OneTimePasswordAdminMixin, UserAdmin):
    inlines = [AccountInline]
    form = NamedUserChangeForm
    add_form = NamedUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "first_name", "usable_password", "password1", "password2"),
            },
        ),
    )
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
