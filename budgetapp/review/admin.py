"""Read-only admin views of the audit trail: records are written by the workflow only."""

from django.contrib import admin
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.utils.html import format_html

from budgetapp.core.admin import ReadOnlyAdmin
from budgetapp.targets.models import DepartmentTable, ProjectTable

from .models import Comment, Notice, Reply, Submission, Transition


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    """审核记录: each row names its table in Chinese and links to the table's page."""

    list_display = [
        "at",
        "unit",
        "table_kind",
        "table_link",
        "action",
        "from_status",
        "to_status",
        "actor",
        "client_ip",
    ]
    list_filter = ["action", "to_status"]
    search_fields = ["unit__name", "actor__username", "comment"]
    date_hierarchy = "at"
    fields = [
        "table_kind",
        "table_link",
        "unit",
        "action",
        "from_status",
        "to_status",
        "actor",
        "at",
        "comment",
        "grade",
        "client_ip",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # One query per kind of table for the whole page, their titles' unit and year included.
        tables = GenericPrefetch(
            "table",
            [
                ProjectTable.objects.only("pk", "sequence", "name"),
                DepartmentTable.objects.select_related("unit", "year"),
            ],
        )
        return (
            super()
            .get_queryset(request)
            .select_related("unit", "actor", "content_type")
            .prefetch_related(tables)
        )

    @admin.display(description="表格类型")
    def table_kind(self, obj: Transition) -> str:
        model = obj.content_type.model_class()
        return str(model._meta.verbose_name) if model else ""

    @admin.display(description="表格")
    def table_link(self, obj: Transition) -> str:
        table = obj.table
        if table is None:
            return f"（已删除，编号 {obj.object_id}）"
        return format_html('<a href="{}">{}</a>', table.get_absolute_url(), table.title)


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
