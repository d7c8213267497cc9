"""Read-only admin views: published files and export jobs are written by the app only."""

from django.contrib import admin

from budgetapp.review.admin import ReadOnlyAdmin

from .models import ExportJob, PublishedFile


@admin.register(PublishedFile)
class PublishedFileAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit", "year", "kind", "fmt", "filename", "size", "created_by"]
    list_filter = ["kind", "fmt", "year"]
    search_fields = ["unit__name", "filename", "sha256"]
    date_hierarchy = "created_at"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "requested_by", "year", "status", "done", "total", "finished_at"]
    list_filter = ["status", "year"]
    search_fields = ["requested_by__username"]
