"""Read-only admin views of the audit trail: records are written by the workflow only."""

from django.contrib import admin

from .models import Comment, Notice, Reply, Submission, Transition


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "unit",
        "content_type",
        "object_id",
        "action",
        "from_status",
        "to_status",
        "actor",
        "client_ip",
    ]
    list_filter = ["action", "to_status"]
    search_fields = ["unit__name", "actor__username", "comment"]
    date_hierarchy = "at"


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "submitted_at",
        "unit",
        "content_type",
        "object_id",
        "number",
        "version",
        "submitted_by",
    ]
    search_fields = ["unit__name"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit", "anchor_label", "author", "text"]
    search_fields = ["unit__name", "text"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "comment", "author", "text", "client_ip"]
    search_fields = ["text", "author__username"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "text", "read_at"]
