"""The editor's live 智能审核: the page POSTs what was typed, the findings come back as JSON."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from budgetapp.targets.access import get_table_for_user
from budgetapp.targets.forms.editor import bind_editor
from budgetapp.targets.models import DepartmentTable, ProjectTable, TargetTable
from budgetapp.units.access import account_of, can_file_for
from budgetapp.units.models import BudgetYear

from .data import from_forms
from .engine import CheckContext, run_checks


def _new_table(request: HttpRequest, kind: str, year: int) -> TargetTable:
    """An unsaved table of the filer's own unit, as the create pages build it."""
    account = account_of(request.user)
    if account is None or account.unit is None or not can_file_for(request.user, account.unit):
        raise PermissionDenied("只有填报人可以检查新建的表。")
    budget_year = get_object_or_404(BudgetYear, year=year)
    model = {"project": ProjectTable, "department": DepartmentTable}.get(kind)
    if model is None:
        raise Http404("没有这种表格。")
    return model(unit=account.unit, year=budget_year, framework=budget_year.framework)


def _respond(request: HttpRequest, table: TargetTable) -> JsonResponse:
    form, formsets = bind_editor(request.POST, table)
    data = from_forms(form, [formset for _, formset in formsets], table)
    findings = run_checks(data, context=CheckContext.for_table(data))
    errors = sum(1 for f in findings if f.is_error)
    return JsonResponse(
        {
            "errors": errors,
            "warnings": len(findings) - errors,
            "findings": [f.as_dict() for f in findings],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_POST
def live(request: HttpRequest, kind: str, pk: int) -> JsonResponse:
    """Findings for a saved table's editor; only the unit's filer (others: 404 / 403)."""
    table = get_table_for_user(request.user, kind, pk, write=True)
    return _respond(request, table)


@login_required
@require_POST
def live_new(request: HttpRequest, kind: str, year: int) -> JsonResponse:
    """Findings for a table being created (not saved yet) in the filer's unit."""
    return _respond(request, _new_table(request, kind, year))
