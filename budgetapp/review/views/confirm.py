"""Confirmation pages for the steps a reviewer cannot take back: approving a table, publishing
a table, publishing a unit's approved tables.

A page of its own rather than a script's `confirm()`: it works without JavaScript, a screen
reader reads it like any page (h1, what will happen, two plain buttons), and the button that
asks is a GET form, so nothing changes until the confirmation page's POST. The actions keep
their own POST URLs and checks (review/views/table.py, dashboard.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from budgetapp.targets.access import get_table_for_user
from budgetapp.targets.models import DepartmentTable, Grade, ProjectTable, Status
from budgetapp.units.access import units_visible_to
from budgetapp.units.models import BudgetYear

from .. import services
from ..access import can_review

# action → (status it starts from, page heading, what follows, button)
STEPS = {
    "approve": (
        Status.SUBMITTED,
        "确认审核通过",
        "审核通过后，填报人不能再修改此表；之后可以公开。如需修改，须由管理员重新打开。",
        "确认审核通过",
    ),
    "publish": (
        Status.APPROVED,
        "确认公开此表",
        "公开后，公众可以在公开网站上查看和下载此表（PDF、Excel）。公开的是此刻的版本，"
        "以后的更正须由管理员重新打开并写明理由，理由也将公开。",
        "确认公开",
    ),
}
APPROVE_GRADES = {Grade.EXCELLENT: Grade.EXCELLENT.label, Grade.GOOD: Grade.GOOD.label}


@login_required
@require_safe
def table_confirm(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    if action not in STEPS:
        raise Http404("没有这个操作。")
    table = get_table_for_user(request.user, kind, pk)
    if not can_review(request.user, table.unit):
        raise PermissionDenied("只有本市的审核人可以审核和公开。")
    status, title, consequence, button = STEPS[action]
    if table.status != status:
        messages.error(request, f"此表当前状态为“{table.get_status_display()}”，不能{button[2:]}。")
        return redirect(table.get_absolute_url())
    if action == "approve" and services.has_touched(request.user, table):
        messages.error(request, "您填报或修改过此表，按四眼原则不能由您审核通过。")
        return redirect(table.get_absolute_url())
    grade = request.GET.get("grade", "") if action == "approve" else ""
    if grade not in APPROVE_GRADES:
        grade = ""
    return render(
        request,
        "review/confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "button": button,
            "action_url": reverse("review:action", args=[kind, table.pk, action]),
            "cancel_url": table.get_absolute_url(),
            "tables": [table],
            "unit": table.unit,
            "year": table.year,
            "grade": grade,
            "grade_label": APPROVE_GRADES.get(grade, "不评等级") if action == "approve" else "",
        },
    )


@login_required
@require_safe
def publish_unit_confirm(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = get_object_or_404(units_visible_to(request.user).select_related("region"), pk=unit_pk)
    budget_year = get_object_or_404(BudgetYear, year=year)
    if not can_review(request.user, unit):
        raise PermissionDenied("只有本市的审核人可以公开。")
    waiting = [
        *DepartmentTable.objects.filter(unit=unit, year=budget_year, status=Status.APPROVED),
        *ProjectTable.objects.filter(unit=unit, year=budget_year, status=Status.APPROVED).order_by(
            "sequence", "pk"
        ),
    ]
    back = f"{reverse('review:dashboard')}?year={year}&filter=approved"
    if not waiting:
        messages.info(request, f"{unit.name} {year}年没有待公开（已审核通过）的表。")
        return redirect(back)
    return render(
        request,
        "review/confirm.html",
        {
            "title": f"确认公开 {len(waiting)} 张表",
            "consequence": STEPS["publish"][2],
            "button": f"确认公开这 {len(waiting)} 张表",
            "action_url": reverse("review:publish_unit", args=[unit.pk, year]),
            "cancel_url": back,
            "tables": waiting,
            "unit": unit,
            "year": budget_year,
            "grade": "",
            "grade_label": "",
        },
    )
