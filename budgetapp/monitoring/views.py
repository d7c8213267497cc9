"""Pages of mid-year monitoring: the rounds (reviewers), the sheets (filers fill, reviewers
decide), and the city's view of lights. Views stay thin: services write, access helpers scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from budgetapp.core.errors import TableError
from budgetapp.core.http import client_ip
from budgetapp.core.paging import page_of, query_without_page, years_of
from budgetapp.layouts.html import render_html
from budgetapp.review.stage_pages import run_stage_action, save_stage_page, stage_context
from budgetapp.targets.models import Status
from budgetapp.units.access import account_of, account_unit, can_file_for, role_of
from budgetapp.units.models import BudgetYear, Region, RegionLevel, Role

from . import rule_settings, services
from .access import get_round_for_user, get_sheet_for_user, rounds_visible_to, sheets_visible_to
from .checks import check_sheet
from .forms import OpenRoundForm, sheet_forms, sheet_input
from .layout import monitoring_document
from .lights import Light
from .models import MonitoringRound, MonitoringSheet
from .rule_forms import LightRulesForm
from .selectors import round_units, round_view, rounds_of_year

# Units per page of a round's view (a province's round has hundreds, the country's thousands) and
# rounds per page of the list (an administrator sees every city's, year after year).
PAGE_SIZE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role not in (Role.FILER, Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("此页面仅供填报人、审核人和管理员使用。")
    sheets = (
        sheets_visible_to(request.user)
        .select_related("round__year", "table", "unit")
        .order_by("-round__year__year", "table__sequence", "pk")
        if role == Role.FILER
        else MonitoringSheet.objects.none()
    )
    rounds = (
        rounds_visible_to(request.user)
        .select_related("year", "region")
        .annotate(sheet_count=Count("sheets"))
        .order_by("-year__year", "region__path", "pk")
    )
    # A filer sees their unit's sheets, a reviewer or administrator the rounds: one list a page.
    page = page_of(request, sheets if role == Role.FILER else rounds, PAGE_SIZE)
    return render(
        request,
        "monitoring/index.html",
        {
            "sheets": page.object_list if role == Role.FILER else [],
            "rounds": page.object_list if role != Role.FILER else [],
            "page": page,
            "query_string": query_without_page(request),
            "may_open": role in (Role.REVIEWER, Role.ADMIN),
            "today": timezone.localdate(),
            # A filer's books, one for each year of the whole list (not only the page's years).
            "download_years": years_of(sheets, "round__year__year"),
            "own_unit": account_unit(request.user) if role == Role.FILER else None,
        },
    )


def _region_choices(request: HttpRequest) -> list[Region]:
    if role_of(request.user) == Role.ADMIN:
        return list(Region.objects.filter(level=RegionLevel.CITY).order_by("path"))
    account = account_of(request.user)
    return [account.unit.region] if account and account.unit else []


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人和管理员可以发起运行监控。")
    regions = _region_choices(request)
    form = OpenRoundForm(request.POST or None)
    chosen = request.POST.get("region", "")
    if request.method == "POST" and form.is_valid():
        region = next((r for r in regions if str(r.pk) == chosen), None)
        if region is None:
            form.add_error(None, "请选择地区。")
        else:
            try:
                round_ = services.open_round(
                    user=request.user,
                    region=region,
                    year=form.cleaned_data["year"],
                    cutoff_month=form.cleaned_data["cutoff_month"],
                    due_date=form.cleaned_data["due_date"],
                    ip=client_ip(request),
                )
            except TableError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"已发起运行监控，生成 {round_.sheets.count()} 张监控表。"
                )
                return redirect("monitoring:round", round_.pk)
    return render(
        request,
        "monitoring/round_new.html",
        {
            "form": form,
            "regions": regions,
            "chosen": chosen,
            "rules": rule_settings.default_light_rules().as_typed(),
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The 执行监控 tab of 审核工作台: the city's monitoring view for the year the other tabs
    show (`?year=`), one round at a time (`?round=` when the user sees several cities)."""
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人可以查看审核工作台。")
    years = list(BudgetYear.objects.order_by("-year"))
    latest = rounds_visible_to(request.user).order_by("-year__year").first()
    year = next((y for y in years if str(y.year) == request.GET.get("year")), None)
    year = year or (latest.year if latest else (years[0] if years else None))
    rounds = rounds_of_year(request.user, year) if year else []
    chosen = next((r for r in rounds if str(r.pk) == request.GET.get("round")), None)
    chosen = chosen or (rounds[0] if rounds else None)
    return render(
        request,
        "monitoring/dashboard.html",
        {"years": years, "year": year, "rounds": rounds, **_paged_view(request, chosen)},
    )


def _paged_view(request: HttpRequest, round_: MonitoringRound | None) -> dict[str, Any]:
    """The round's view with the units of one page (`?page=`), the figures of all of them."""
    if round_ is None:
        return {"view": None}
    page = page_of(request, round_units(round_), PAGE_SIZE)
    return {
        "view": round_view(round_, list(page.object_list)),
        "page": page,
        "query_string": query_without_page(request),
    }


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The city's monitoring view: units × projects coloured by light, execution against the
    plan, sheets overdue."""
    round_ = get_round_for_user(request.user, pk)
    if request.method == "POST":
        try:
            added = services.add_missing_sheets(
                user=request.user, round_=round_, ip=client_ip(request)
            )
        except TableError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"已补充 {added} 张监控表。" if added else "没有需要补充的表。"
            )
        return redirect("monitoring:round", round_.pk)
    return render(
        request,
        "monitoring/round.html",
        {
            "round": round_,
            **_paged_view(request, round_),
            "rules_text": round_.light_rules.describe(),
            "may_change_rules": rule_settings.may_change_round_rules(request.user, round_),
        },
    )


@login_required
def round_rules(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's thresholds of the lights, changed by its opener (or an administrator) while
    none of its sheets has been submitted."""
    round_ = get_round_for_user(request.user, pk)
    if not rule_settings.may_change_round_rules(request.user, round_):
        raise PermissionDenied("只有发起本批次的审核人或管理员可以修改本批次的亮灯规则。")
    fixed = rule_settings.round_rules_fixed(round_)
    initial = round_.light_rules.as_typed()
    form = LightRulesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and not fixed and form.is_valid():
        try:
            changed = rule_settings.change_round_rules(
                user=request.user, round_=round_, typed=form.typed(), ip=client_ip(request)
            )
        except rule_settings.RulesInvalid as error:
            for field, message in error.problems.items():
                form.add_error(field, message)
        except TableError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已修改亮灯规则，{changed} 张监控表的亮灯随之改变。")
            return redirect("monitoring:round", round_.pk)
    return render(
        request,
        "monitoring/round_rules.html",
        {
            "round": round_,
            "form": form,
            "fixed": fixed,
            "defaults": rule_settings.default_light_rules().as_typed(),
        },
    )


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet_ = get_sheet_for_user(request.user, pk)
    may_edit = can_file_for(request.user, sheet_.unit) and sheet_.is_editable
    form, rows = sheet_forms(sheet_, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = save_stage_page(
            request,
            sheet_,
            form,
            rows,
            save=services.save_sheet,
            data=sheet_input,
            saved="已保存。",
        )
        if saved is not None:
            return saved
    return render(
        request,
        "monitoring/sheet.html",
        {
            "sheet": sheet_,
            "period": sheet_.round.period_label,
            "document_html": render_html(monitoring_document(sheet_), anchors=False),
            "form": form,
            "rows": rows,
            "may_edit": may_edit,
            # The filer fixes what it finds; the reviewer reads the warnings left at submission.
            "report": check_sheet(sheet_)
            if sheet_.is_editable or sheet_.status == Status.SUBMITTED
            else None,
            "light_label": Light.LABELS.get(sheet_.light, ""),
            **stage_context(
                request.user,
                sheet_,
                step_url="monitoring:sheet_action",
                changes_between=services.changes_between,
            ),
        },
    )


@login_required
@require_POST
def sheet_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sheet_ = get_sheet_for_user(request.user, pk)
    run_stage_action(request, sheet_, action, submit=services.submit_sheet)
    return redirect("monitoring:sheet", sheet_.pk)
