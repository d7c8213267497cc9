"""The administrators' side of the library: add, edit, retire; decide on proposals."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from budgetapp.audit.admin_audit import AuditedAdminMixin

from . import notices, services
from .models import CONTENT_FIELDS, EntryStatus, LibraryDecision, LibraryEntry


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


class RejectForm(forms.Form):
    note = forms.CharField(
        label="驳回理由",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="提出单位会在“我的个性指标”中看到这段话，最多 200 字。",
        error_messages={"required": "请填写驳回理由，提出单位会看到它。"},
    )


@admin.action(description="驳回所选申请（需填写理由）")
def reject(modeladmin, request, queryset) -> TemplateResponse | None:
    """Asks for the reason first (a page like Django's delete confirmation), then rejects."""
    form = RejectForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        _report(
            modeladmin,
            request,
            "驳回",
            services.reject_entries(
                user=request.user, entries=queryset, note=form.cleaned_data["note"]
            ),
        )
        return None
    return TemplateResponse(
        request,
        "admin/library/reject.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "驳回个性指标申请",
            "opts": modeladmin.model._meta,
            "entries": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
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


class _ReadOnly:
    """Decisions are written by the library's services only, and never changed."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LibraryDecisionInline(_ReadOnly, admin.TabularInline):
    model = LibraryDecision
    fields = ["at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(LibraryDecision)
class LibraryDecisionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["at", "entry_name", "from_status", "to_status", "actor", "note"]
    list_filter = ["to_status"]
    search_fields = ["entry_name", "note", "actor__username"]
    list_select_related = ["actor"]


@admin.register(LibraryEntry)
class LibraryEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
    inlines = [LibraryDecisionInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new entry has no history

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
        decided = change and "status" in form.changed_data and obj.status != EntryStatus.PROPOSED
        if decided:
            # A decision taken in the edit form is recorded like one taken by an action.
            from django.utils import timezone

            obj.reviewed_by = request.user
            obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)
        if decided:
            record = services.decision(
                obj, user=request.user, to_status=obj.status, note=obj.review_note
            )
            record.from_status = form.initial.get("status", "")
            record.save()
            notices.proposal_decided(obj)
