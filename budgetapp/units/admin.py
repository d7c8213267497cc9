from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from budgetapp.identity.admin import OneTimePasswordAdminMixin

from .models import Account, BudgetYear, ProfileChange, Region, Unit


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "layout"]
    list_filter = ["level", "layout"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "parent", "layout_override", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region", "parent"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "phone"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(BudgetYear)
class BudgetYearAdmin(admin.ModelAdmin):
    list_display = ["year", "framework", "is_open"]


class AccountInline(admin.StackedInline):
    model = Account
    can_delete = False
    autocomplete_fields = ["unit"]
    verbose_name_plural = "所属单位与角色"


class UserWithAccountAdmin(OneTimePasswordAdminMixin, UserAdmin):
    inlines = [AccountInline]
    list_display = [
        "username",
        "first_name",
        "account__role",
        "account__unit",
        "is_active",
        "is_staff",
    ]


admin.site.unregister(User)
admin.site.register(User, UserWithAccountAdmin)


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
