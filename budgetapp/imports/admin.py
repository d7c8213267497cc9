from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Pending and applied imports, read-only: they are written by the import pages only."""

    list_display = ["created_at", "unit", "year", "filename", "user", "status"]
    list_filter = ["status", "year"]
    search_fields = ["filename", "unit__name", "user__username"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
