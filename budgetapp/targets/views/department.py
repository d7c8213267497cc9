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
from ..forms import DEPARTMENT_SECTIONS, department_form_class
from ..forms.editor import department_sections
from ..models import DepartmentTable
from .editing import handle


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
