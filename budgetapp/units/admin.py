from django.contrib import admin

from budgetapp.audit.admin_audit import AuditedAdminMixin
from budgetapp.audit.models import EventKind

from .admin_rights import sync_admin_site_rights
from .models import Account, BudgetYear, ProfileChange, Region, Unit


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "level", "parent", "layout"]
    list_filter = ["level", "layout"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region", "parent", "layout_override", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region", "parent"]


def account_event_kind(changes: dict) -> EventKind:
    """Accounts are 安全管理员 business: a role change is `role_change`, the rest
    `account_change`, so the 审计管理员 finds them beside the account pages' own events."""
    return EventKind.ROLE_CHANGE if "role" in changes else EventKind.ACCOUNT_CHANGE


@admin.register(Account)
class AccountAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "unit", "phone"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]

    def audit_kind_for(self, obj, changes) -> EventKind:
        return account_event_kind(changes)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        sync_admin_site_rights(obj.user)  # the admin site follows the role (三权分立)


@admin.register(BudgetYear)
class BudgetYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "framework", "is_open"]


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    """The record of users' own contact changes: read only."""

    list_display = ["at", "user", "field", "old", "new", "changed_by", "client_ip"]
    list_filter = ["field"]
    search_fields = ["user__username", "old", "new"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
