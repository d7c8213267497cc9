"""The library's pages: the search the indicator grid calls, and the filer's proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import services
from .access import filer_unit, get_proposal_for_user, require_library_reader
from .categories import CategoryMap
from .forms import ProposalForm
from .models import EntryKind, LibraryEntry
from .selectors import SEARCH_LIMIT, entry_as_json, search_entries


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """Entries for the grid: `q` typed text, `project` the project name, `framework` its id."""
    require_library_reader(request.user)
    q = request.GET.get("q", "").strip()[:100]
    project = request.GET.get("project", "").strip()[:200]
    entries = search_entries(request.user, q=q, project=project, limit=SEARCH_LIMIT)
    categories = CategoryMap.for_framework(_int_or_none(request.GET.get("framework")))
    return JsonResponse(
        {
            "query": q,
            "suggested": not q,
            "results": [entry_as_json(entry, categories) for entry in entries],
        }
    )


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    """List the unit's 个性指标 proposals and propose a new one."""
    unit = filer_unit(request.user)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.propose_entry(user=request.user, unit=unit, data=form.cleaned_data)
        except services.LibraryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已提出个性指标“{entry.name}”，等待管理员审核。")
            return redirect("library:proposals")
    elif request.method == "POST":
        messages.error(request, "提交失败：请按红色提示修改，您填写的内容都已保留。")
    entries = LibraryEntry.objects.filter(kind=EntryKind.UNIT, unit=unit).order_by("-created_at")
    return render(
        request,
        "library/proposals.html",
        {"page_title": "个性指标申请", "unit": unit, "form": form, "entries": entries},
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_proposal_for_user(request.user, pk, write=True)
    try:
        services.withdraw_proposal(user=request.user, entry=entry)
    except services.LibraryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已撤回“{entry.name}”的申请。")
    return redirect("library:proposals")
