"""The administrators' side of the library: add, edit, retire; decide on proposals."""

from __future__ import annotations

from django.contrib import admin, messages

from . import services
from .models import CONTENT_FIELDS, EntryStatus, LibraryEntry


def _report(modeladmin, request, verb: str, result: tuple[int, int]) -> None:
    changed, skipped = result
    text = f"已{verb} {changed} 条指标。"
    if skipped:
        text += f"另有 {skipped} 条因状态不符未处理。"
    modeladmin.message_user(request, text, messages.SUCCESS if changed else messages.WARNING)


@admin.action(description="审核通过所选指标")
def approve(modeladmin, request, queryset) -> None:
    _report(
        modeladmin, request, "通过", services.approve_entries(user=request.user, entries=queryset)
    )


@admin.action(description="驳回所选申请")
def reject(modeladmin, request, queryset) -> None:
    _report(
        modeladmin, request, "驳回", services.reject_entries(user=request.user, entries=queryset)
    )


@admin.action(description="停用所选指标（不再提供给填报人）")
def retire(modeladmin, request, queryset) -> None:
    _report(
        modeladmin, request, "停用", services.retire_entries(user=request.user, entries=queryset)
    )


@admin.action(description="重新启用所选指标")
def reinstate(modeladmin, request, queryset) -> None:
    _report(
        modeladmin, request, "启用", services.reinstate_entries(user=request.user, entries=queryset)
    )


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "level1_name",
        "level2_name",
        "kind",
        "unit",
        "status",
        "measure_unit",
        "usage_count",
    ]
    list_filter = ["status", "kind", "level1_name", "level2_name"]
    search_fields = ["name", "description", "keywords", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = []
    raw_id_fields = ["unit"]
    actions = [approve, reject, retire, reinstate]
    readonly_fields = [
        "proposed_by",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "unit", "status"]}),
        (
            "指标",
            {"fields": [*CONTENT_FIELDS, "usage_count"]},
        ),
        ("审核", {"fields": ["review_note", "proposed_by", "reviewed_by", "reviewed_at"]}),
        ("记录", {"fields": ["created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.proposed_by_id is None:
            obj.proposed_by = request.user
        if change and "status" in form.changed_data and obj.status != EntryStatus.PROPOSED:
            # A decision taken in the edit form is recorded like one taken by an action.
            from django.utils import timezone

            obj.reviewed_by = request.user
            obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)
