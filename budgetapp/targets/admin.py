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

_READONLY = ["status", "version", "created_at", "updated_at", "updated_by"]


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
class ProjectTableAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "year", "budget_total", "money_unit", "status"]
    list_filter = ["year", "status", "unit__region"]
    search_fields = ["name", "code", "unit__name"]
    readonly_fields = _READONLY
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
class DepartmentTableAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "status"]
    list_filter = ["year", "status"]
    search_fields = ["unit__name"]
    readonly_fields = _READONLY
    inlines = [
        DepartmentSubGoalInline,
        DepartmentMeasureInline,
        DepartmentTaskInline,
        DepartmentIndicatorInline,
    ]
