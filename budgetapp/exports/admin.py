"""Read-only admin views: published files and export jobs are written by the app only."""

from django.contrib import admin

from budgetapp.core.admin import ReadOnlyAdmin

from .models import ExportJob, Publication, PublishedFile


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["published_at", "unit_name", "year", "title", "number", "published_by"]
    list_filter = ["kind", "year", "backfilled"]
    search_fields = ["unit_name", "title", "project_code"]
    date_hierarchy = "published_at"


@admin.register(PublishedFile)
class PublishedFileAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit", "year", "kind", "fmt", "filename", "size", "created_by"]
    list_filter = ["kind", "fmt", "year"]
    search_fields = ["unit__name", "filename", "sha256"]
    date_hierarchy = "created_at"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "requested_by",
        "year",
        "kind",
        "unit",
        "contents",
        "status",
        "done",
        "total",
        "finished_at",
    ]
    list_filter = ["status", "kind", "contents", "year"]
    search_fields = ["requested_by__username"]
