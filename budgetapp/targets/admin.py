from django.contrib import admin

from .models import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
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


class TableAdmin(admin.ModelAdmin):
    """Edits in the admin count as edits: they bump the version and name the editor, so the
    four-eyes rule and stale-save detection see them too."""

    readonly_fields = _READONLY

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class ProjectGoalInline(admin.TabularInline):
    model = ProjectGoal
    extra = 0


class ProjectIndicatorInline(admin.TabularInline):
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


class DepartmentIndicatorInline(admin.TabularInline):
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


class DepartmentSubGoalInline(admin.StackedInline):
    model = DepartmentSubGoal
    extra = 0


class DepartmentMeasureInline(admin.StackedInline):
    model = DepartmentMeasure
    extra = 0


class DepartmentTaskInline(admin.TabularInline):
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
