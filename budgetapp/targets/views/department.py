"""Filing and reading 部门整体绩效目标, in the unit's regional layout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from budgetapp.core.http import client_ip
from budgetapp.units.access import account_of, can_file_for
from budgetapp.units.models import BudgetYear, LayoutFamily

from .. import services
from ..access import get_department_table_for_user
from ..forms import (
    DEPARTMENT_FORMSETS,
    DEPARTMENT_INDICATOR_COLUMNS,
    DEPARTMENT_SECTIONS,
    DepartmentMeasureFormSet,
    DepartmentSubGoalFormSet,
    DepartmentTaskFormSet,
    department_form_class,
    department_indicator_formset,
)
from ..models import DepartmentTable
from .editing import RowSection, handle

ROW_SECTIONS = {
    "sub_goals": RowSection(
        "sub_goals",
        "分项绩效目标",
        DepartmentSubGoalFormSet,
        [("title", "标题"), ("text", "内容")],
        "添加分项目标",
    ),
    "measures": RowSection(
        "measures",
        "工作保障措施",
        DepartmentMeasureFormSet,
        [("title", "标题"), ("text", "内容")],
        "添加保障措施",
    ),
    "tasks": RowSection(
        "tasks",
        "年度重点工作任务",
        DepartmentTaskFormSet,
        [
            ("kind", "类别"),
            ("name", "名称"),
            ("content", "主要实施内容"),
            ("amount", "拟投入的资金"),
            ("outcome", "期望达到的目标"),
        ],
        "添加任务",
    ),
}


def _indicator_section(layout: str) -> RowSection:
    return RowSection(
        "indicators",
        "绩效指标",
        department_indicator_formset(layout),
        DEPARTMENT_INDICATOR_COLUMNS[layout],
        "添加指标",
    )


def department_sections(layout: str) -> list[RowSection]:
    """The row lists the editor of a department table in `layout` shows, in page order."""
    return [
        _indicator_section(layout) if key == "indicators" else ROW_SECTIONS[key]
        for key in DEPARTMENT_FORMSETS[layout]
    ]


_sections = department_sections  # the live checks' name for it


def _editor(request: HttpRequest, table: DepartmentTable, save, title: str) -> HttpResponse:
    layout = table.unit.layout
    return handle(
        request,
        table=table,
        form_class=department_form_class(layout),
        sections=department_sections(layout),
        save=save,
        template="targets/department_form.html",
        context={
            "page_title": title,
            "field_sections": DEPARTMENT_SECTIONS[layout],
            "layout_label": LayoutFamily(layout).label,
        },
    )


@login_required
def department_create(request: HttpRequest, year: int) -> HttpResponse:
    account = account_of(request.user)
    if account is None or account.unit is None or not can_file_for(request.user, account.unit):
        raise PermissionDenied("只有填报人可以新建部门整体绩效目标。")
    budget_year = get_object_or_404(BudgetYear, year=year)
    unit = account.unit
    existing = DepartmentTable.objects.filter(unit=unit, year=budget_year).first()
    if existing:
        return redirect("targets:department_edit", pk=existing.pk)
    table = DepartmentTable(unit=unit, year=budget_year, framework=budget_year.framework)

    def save(form, formsets):
        return services.create_department_table(
            user=request.user,
            unit=unit,
            year=budget_year,
            form=form,
            formsets=formsets,
            ip=client_ip(request),
        )

    return _editor(request, table, save, f"新建部门整体绩效目标（{year}年）")


@login_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_department_table_for_user(request.user, pk, write=True)
    if not table.is_editable:
        messages.warning(request, f"此表当前状态为“{table.get_status_display()}”，不能修改。")
        return redirect(table.get_absolute_url())

    def save(form, formsets):
        return services.update_department_table(
            user=request.user,
            table=table,
            form=form,
            formsets=formsets,
            ip=client_ip(request),
        )

    return _editor(request, table, save, f"编辑：{table.title}")
