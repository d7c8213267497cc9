from __future__ import annotations

from django.contrib import admin

from budgetapp.audit.admin_audit import AuditedAdminMixin
from budgetapp.audit.models import EventKind

from .models import CheckRule


@admin.register(CheckRule)
class CheckRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_kind = EventKind.RULE_CHANGE
    list_display = ["code", "name", "stage", "severity", "enabled", "order"]
    list_editable = ["severity", "enabled"]
    list_filter = ["stage", "severity", "enabled"]
    search_fields = ["code", "name", "description"]
    # A rule's stage is where its function is registered: it is not the administrator's to move.
    readonly_fields = ["code", "stage"]
    fields = ["code", "stage", "name", "description", "severity", "enabled", "params", "order"]

    def has_add_permission(self, request) -> bool:
        # A rule without its Python implementation would do nothing: rules are added in code
        # (docs/checks.md) and installed by a migration.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
