from __future__ import annotations

from django.contrib import admin

from budgetapp.audit.admin_audit import AuditedAdminMixin
from budgetapp.audit.models import EventKind

from .models import CheckRule


@admin.register(CheckRule)
class CheckRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_kind = EventKind.RULE_CHANGE
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
