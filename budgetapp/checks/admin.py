from __future__ import annotations

from django.contrib import admin

from .models import CheckRule


@admin.register(CheckRule)
class CheckRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "severity", "enabled", "order"]
    list_editable = ["severity", "enabled"]
    list_filter = ["severity", "enabled"]
    search_fields = ["code", "name", "description"]
    readonly_fields = ["code"]
    fields = ["code", "name", "description", "severity", "enabled", "params", "order"]

    def has_add_permission(self, request) -> bool:
        # A rule without its Python implementation would do nothing: rules are added in code
        # (docs/checks.md) and installed by a migration.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
