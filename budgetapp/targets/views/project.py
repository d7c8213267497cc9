"""Filing and reading 项目支出绩效目标表."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from budgetapp.core.errors import TableError
from budgetapp.core.http import client_ip
from budgetapp.units.access import account_of, can_file_for
from budgetapp.units.models import BudgetYear

from .. import services
from ..access import get_project_table_for_user
from ..forms import ProjectTableForm
from ..forms.editor import PROJECT_SECTIONS
from ..models import ProjectTable
from .editing import handle


@login_required
def project_create(request: HttpRequest, year: int) -> HttpResponse:
    account = account_of(request.user)
    if account is None or account.unit is None or not can_file_for(request.user, account.unit):
        raise PermissionDenied("只有填报人可以新建项目支出绩效目标表。")
    budget_year = get_object_or_404(BudgetYear, year=year)
    unit = account.unit
    next_sequence = ProjectTable.objects.filter(unit=unit, year=budget_year).count() + 1
    table = ProjectTable(
        unit=unit, year=budget_year, framework=budget_year.framework, sequence=next_sequence
    )

    def save(form, formsets):
        return services.create_project_table(
            user=request.user,
            unit=unit,
            year=budget_year,
            form=form,
            formsets=formsets,
            ip=client_ip(request),
        )

    return handle(
        request,
        table=table,
        form_class=ProjectTableForm,
        sections=PROJECT_SECTIONS,
        save=save,
        template="targets/project_form.html",
        context={"page_title": f"新建项目支出绩效目标表（{year}年）"},
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_project_table_for_user(request.user, pk, write=True)
    if not table.is_editable:
        messages.warning(request, f"此表当前状态为“{table.get_status_display()}”，不能修改。")
        return redirect(table.get_absolute_url())

    def save(form, formsets):
        return services.update_project_table(
            user=request.user,
            table=table,
            form=form,
            formsets=formsets,
            ip=client_ip(request),
        )

    return handle(
        request,
        table=table,
        form_class=ProjectTableForm,
        sections=PROJECT_SECTIONS,
        save=save,
        template="targets/project_form.html",
        context={"page_title": f"编辑：{table.title}"},
    )


@login_required
@require_POST
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_project_table_for_user(request.user, pk, write=True)
    year = table.year.year
    try:
        services.delete_project_table(user=request.user, table=table, ip=client_ip(request))
    except TableError as error:
        messages.error(request, str(error))
        return redirect(table.get_absolute_url())
    messages.success(request, f"已删除“{table.name}”。")
    return redirect(f"{reverse('targets:home')}?year={year}")
