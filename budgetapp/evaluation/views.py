"""Pages of the year-end self-evaluation: the list, starting one, filling it, the workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip
from budgetapp.core.paging import page_of, query_without_page, years_of
from budgetapp.exports.jobs import scope_name
from budgetapp.layouts.html import render_html
from budgetapp.review.stage_pages import run_stage_action, save_stage_page, stage_context
from budgetapp.targets.access import get_project_table_for_user
from budgetapp.targets.models import ProjectTable, Status
from budgetapp.units.access import account_unit, can_file_for, role_of, units_visible_to
from budgetapp.units.models import BudgetYear, Role

from . import services
from .access import evaluations_visible_to, get_evaluation_for_user
from .checks import check_evaluation
from .forms import evaluation_forms, evaluation_input
from .layout import evaluation_document
from .models import SelfEvaluation
from .selectors import evaluated_units, evaluation_overview

# Units per page of the 绩效自评 tab (an administrator's year has the whole country's).
PAGE_SIZE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role not in (Role.FILER, Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("此页面仅供填报人、审核人和管理员使用。")
    evaluations = (
        evaluations_visible_to(request.user)
        .select_related("table", "unit", "year")
        .order_by("-year__year", "unit__region__path", "unit__name", "table__sequence", "pk")
    )
    startable = (
        ProjectTable.objects.filter(
            unit__in=units_visible_to(request.user),
            status__in=services.EVALUATED_STATES,
            self_evaluation__isnull=True,
        )
        .select_related("unit", "year")
        .order_by("-year__year", "sequence")
        if role == Role.FILER
        else ProjectTable.objects.none()
    )
    page = page_of(request, evaluations, PAGE_SIZE)
    return render(
        request,
        "evaluation/index.html",
        {
            "evaluations": page.object_list,
            "page": page,
            "query_string": query_without_page(request),
            "startable": startable,
            "is_filer": role == Role.FILER,
            # The downloads of each year of the whole list (not only the page's years).
            "download_years": years_of(evaluations, "year__year"),
            "own_unit": account_unit(request.user) if role == Role.FILER else None,
            # What a reviewer's or an administrator's 自评汇总表 covers (their city, province…).
            "summary_scope": scope_name(request.user) if role != Role.FILER else "",
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, table_pk: int) -> HttpResponse:
    table = get_project_table_for_user(request.user, table_pk, write=True)
    try:
        evaluation = services.start_evaluation(
            user=request.user, table=table, ip=client_ip(request)
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except TableError as error:
        messages.error(request, str(error))
        return redirect("evaluation:index")
    messages.success(request, "已开始绩效自评：指标和年度指标值已从绩效目标表带入。")
    return redirect("evaluation:sheet", evaluation.pk)


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk)
    may_edit = can_file_for(request.user, evaluation.unit) and evaluation.is_editable
    form, rows = evaluation_forms(evaluation, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = save_stage_page(
            request,
            evaluation,
            form,
            rows,
            save=_save,
            data=evaluation_input,
            saved="已保存，得分已按评分规则重新计算。",
        )
        if saved is not None:
            return saved
    return render(
        request,
        "evaluation/sheet.html",
        {
            "evaluation": evaluation,
            "document_html": render_html(evaluation_document(evaluation), anchors=False),
            "form": form,
            "rows": rows,
            "may_edit": may_edit,
            # The filer fixes what it finds; the reviewer reads the warnings left at submission.
            "report": check_evaluation(evaluation)
            if evaluation.is_editable or evaluation.status == Status.SUBMITTED
            else None,
            **stage_context(
                request.user,
                evaluation,
                step_url="evaluation:action",
                changes_between=services.changes_between,
                publish_url=reverse("exports:evaluation_publish", args=[evaluation.pk]),
            ),
        },
    )


@login_required
@require_POST
def action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk)
    run_stage_action(request, evaluation, action, submit=_submit)
    return redirect("evaluation:sheet", evaluation.pk)


def _save(*, sheet: SelfEvaluation, **fields: Any) -> object:
    return services.save_evaluation(evaluation=sheet, **fields)


def _submit(*, sheet: SelfEvaluation, user, ip: str | None) -> object:
    return services.submit_evaluation(evaluation=sheet, user=user, ip=ip)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The 绩效自评 tab of 审核工作台: units × projects with score, grade and state, for the year
    the other tabs show (`?year=`)."""
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人可以查看审核工作台。")
    years = list(BudgetYear.objects.order_by("-year"))
    latest = evaluations_visible_to(request.user).order_by("-year__year").first()
    year = next((y for y in years if str(y.year) == request.GET.get("year")), None)
    year = year or (latest.year if latest else (years[0] if years else None))
    context: dict[str, Any] = {
        "years": years,
        "year": year,
        "overview": None,
        "summary_scope": scope_name(request.user),
    }
    if year:
        # The units of one page with their projects; the figures of all of them.
        page = page_of(request, evaluated_units(request.user, year), PAGE_SIZE)
        context.update(
            overview=evaluation_overview(request.user, year, list(page.object_list)),
            page=page,
            query_string=query_without_page(request),
        )
    return render(request, "evaluation/dashboard.html", context)
