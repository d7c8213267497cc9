"""Carry forward (结转上年): preview what would be copied, copy, and list what was copied."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from budgetapp.core.errors import TableError
from budgetapp.core.http import client_ip
from budgetapp.units.access import can_file_for, get_unit_for_user
from budgetapp.units.models import Unit

from .. import carry
from ..models import DepartmentTable, ProjectTable, TargetTable


def _unit_for_filer(user: User | AnonymousUser, unit_pk: int) -> Unit:
    unit = get_unit_for_user(user, unit_pk)
    if not can_file_for(user, unit):
        raise PermissionDenied("只有本单位的填报人可以结转本单位的表。")
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def carry_forward(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """GET: the preview, table by table, with a checkbox each. POST: carry the ticked ones."""
    unit = _unit_for_filer(request.user, unit_pk)
    from_year = year - 1
    selected: set[str] | None = None
    if request.method == "POST":
        selected = set(request.POST.getlist("tables"))
        try:
            result = carry.carry_forward(
                user=request.user,
                unit=unit,
                from_year=from_year,
                to_year=year,
                selection=selected,
                ip=client_ip(request),
            )
        except TableError as error:
            messages.error(request, str(error))
        else:
            if result.created:
                messages.success(
                    request,
                    f"已从{from_year}年结转 {len(result.created)} 张表到{year}年，均为草稿。"
                    "预算数、资金支出计划和指标值仍是上年数，请逐表核对更新。",
                )
            else:
                messages.info(request, f"没有结转任何表：所选的表在{year}年都已存在。")
            query = "&".join(
                [f"created={table.kind}:{table.pk}" for _, table in result.created]
                + [f"skipped={item.key}" for item in result.skipped]
            )
            done = reverse("targets:carry_forward_done", args=[unit.pk, year])
            return redirect(f"{done}?{query}" if query else done)
    plan = carry.plan_carry_forward(unit=unit, from_year=from_year, to_year=year)
    return render(
        request,
        "targets/carry_preview.html",
        {
            "page_title": f"从{from_year}年结转到{year}年",
            "unit": unit,
            "plan": plan,
            "selected": selected,
        },
    )


def _carried_tables(unit: Unit, year: int, keys: list[str]) -> list[TargetTable]:
    """The tables of `unit` in `year` started by carry-forward: those named, or all of them."""
    models = {"department": DepartmentTable, "project": ProjectTable}
    tables: list[TargetTable] = []
    for kind, model in models.items():
        rows = model.objects.filter(unit=unit, year__year=year, carried_from__isnull=False)
        wanted = [k.split(":", 1)[1] for k in keys if k.startswith(f"{kind}:")]
        if keys:
            rows = rows.filter(pk__in=[pk for pk in wanted if pk.isdigit()])
        tables.extend(
            rows.select_related(
                "carried_from__framework", "carried_from__year", "framework", "year"
            )
        )
    return tables


@login_required
@require_GET
def carry_forward_done(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """What was copied: each new table with its row counts and what the filer must update."""
    unit = _unit_for_filer(request.user, unit_pk)
    tables = _carried_tables(unit, year, request.GET.getlist("created"))
    skipped_keys = set(request.GET.getlist("skipped"))
    skipped = []
    if skipped_keys:
        plan = carry.plan_carry_forward(unit=unit, from_year=year - 1, to_year=year)
        skipped = [item for item in plan.skipped if item.key in skipped_keys]
    return render(
        request,
        "targets/carry_result.html",
        {
            "page_title": f"{year}年结转结果",
            "unit": unit,
            "year": year,
            "from_year": year - 1,
            "summaries": [carry.carried_summary(table) for table in tables],
            "skipped": skipped,
        },
    )
