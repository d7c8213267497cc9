"""The admin pages of the target tables.

Administrators may correct a draft or returned table here; every save and delete goes through
`targets.services` (revision with old and new values, who, IP; closed years and inactive units
refused). Submitted, approved and published tables are frozen: their pages are read-only and a
save or delete is refused; the way back is the audited reopen of the review workflow.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from budgetapp.audit.log import record
from budgetapp.audit.models import EventKind
from budgetapp.core.errors import TableError
from budgetapp.core.http import client_ip

from . import services
from .models import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
    Revision,
    TargetTable,
)

_READONLY = [
    "status",
    "version",
    "created_at",
    "updated_at",
    "updated_by",
    "submitted_at",
    "approved_at",
    "published_at",
    "grade",
]


def _frozen(obj: TargetTable | None) -> bool:
    return obj is not None and obj.pk is not None and not obj.is_editable


class TableAdmin(admin.ModelAdmin):
    """Saves and deletes call the services: admin edits bump the version and name the editor
    (four-eyes rule, stale-save detection) and leave a revision like any other write."""

    readonly_fields = _READONLY

    def has_change_permission(self, request: HttpRequest, obj: TargetTable | None = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: TargetTable | None = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if _frozen(obj) and request.method == "GET":
            messages.warning(
                request,
                f"此表状态为“{obj.get_status_display()}”，内容已冻结，只能查看；"
                "如需更正，请通过审核流程重新打开。",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        # The table is written with its rows in `save_related`, in one service call.
        pass

    def save_related(self, request, form, formsets, change) -> None:
        try:
            services.save_table_in_admin(
                user=request.user,
                table=form.instance,
                form=form,
                formsets=formsets,
                ip=client_ip(request),
            )
        except TableError as error:
            raise PermissionDenied(str(error)) from error
        # The old and new content are in the table's revisions; the event points at them.
        record(
            kind=EventKind.ADMIN_CHANGE,
            request=request,
            obj=form.instance,
            details={"action": "change" if change else "add", "fields": form.changed_data},
        )

    def delete_model(self, request, obj) -> None:
        try:
            services.delete_table_in_admin(user=request.user, table=obj, ip=client_ip(request))
        except TableError as error:
            raise PermissionDenied(str(error)) from error

    def delete_queryset(self, request, queryset: QuerySet) -> None:
        for table in queryset:
            self.delete_model(request, table)


class FrozenWithParentInline:
    """Rows of a frozen table can be neither changed, added nor deleted."""

    def has_change_permission(self, request, obj=None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class ProjectGoalInline(FrozenWithParentInline, admin.TabularInline):
    model = ProjectGoal
    extra = 0


class ProjectIndicatorInline(FrozenWithParentInline, admin.TabularInline):
    model = ProjectIndicator
    extra = 0
    fields = [
        "order",
        "level1",
        "level2",
        "name",
        "description",
        "target",
        "basis",
        "value_prev1",
        "value_prev2",
    ]


@admin.register(ProjectTable)
class ProjectTableAdmin(TableAdmin):
    list_display = ["name", "code", "unit", "year", "budget_total", "money_unit", "status"]
    list_filter = ["year", "status", "unit__region"]
    search_fields = ["name", "code", "unit__name"]
    inlines = [ProjectGoalInline, ProjectIndicatorInline]


class DepartmentIndicatorInline(FrozenWithParentInline, admin.TabularInline):
    model = DepartmentIndicator
    extra = 0
    fields = [
        "goal_no",
        "order",
        "level1",
        "level2",
        "name",
        "target",
        "value_prev1",
        "value_prev2",
        "basis",
    ]


class DepartmentSubGoalInline(FrozenWithParentInline, admin.StackedInline):
    model = DepartmentSubGoal
    extra = 0


class DepartmentMeasureInline(FrozenWithParentInline, admin.StackedInline):
    model = DepartmentMeasure
    extra = 0


class DepartmentTaskInline(FrozenWithParentInline, admin.TabularInline):
    model = DepartmentTask
    extra = 0


@admin.register(DepartmentTable)
class DepartmentTableAdmin(TableAdmin):
    list_display = ["unit", "year", "status"]
    list_filter = ["year", "status"]
    search_fields = ["unit__name"]
    inlines = [
        DepartmentSubGoalInline,
        DepartmentMeasureInline,
        DepartmentTaskInline,
        DepartmentIndicatorInline,
    ]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """The write record: read-only, never changed or deleted from the admin."""

    list_display = ["saved_at", "content_type", "object_id", "version", "action", "saved_by"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_id", "saved_by__username"]
    readonly_fields = [f.name for f in Revision._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
