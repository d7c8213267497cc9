"""What the pages of the later stages (运行监控 sheets, 绩效自评 tables) share: the workflow
buttons a person may press (an administrator's 重新打开 of an approved or published sheet
included), the record of steps taken, the POST that runs one step, and the POST that saves
what the filer typed on the sheet's page.

A stage's page view adds `stage_context(...)` to its context and the template includes
`review/_stage_actions.html`; on a POST it calls `save_stage_page(...)`; its action view calls
`run_stage_action(...)` and redirects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip
from budgetapp.targets.models import Status
from budgetapp.units.access import can_file_for

from . import stage_workflow
from .access import can_review, is_admin
from .models import Transition
from .stage_models import StageSheet
from .stage_workflow import StageProblems

STEPS = ("submit", "withdraw", "return", "approve", "reopen")
_DONE = {
    "submit": "已提交。",
    "withdraw": "已撤回。",
    "return": "已退回。",
    "approve": "已审核通过。",
    "reopen": "已重新打开，填报人更正后须重新提交、审核和公开；此前公开的版本在此之前保持不变。",
}


def stage_context(
    user: Any,
    sheet: StageSheet,
    *,
    step_url: str,
    changes_between: Callable[[dict, dict], dict],
    publish_url: str = "",
) -> dict[str, Any]:
    """The buttons `user` may press on `sheet` (each with its URL), its transitions and, for a
    resubmission, what changed since the previous submission. `step_url` is the URL name of the
    stage's action view (args: pk, step); `publish_url` the stage's publish URL, if it has one."""
    unit = sheet.unit  # type: ignore[attr-defined]
    mine = can_file_for(user, unit)
    reviewer = can_review(user, unit)
    return {
        "stage_sheet": sheet,
        "step_urls": {step: reverse(step_url, args=[sheet.pk, step]) for step in STEPS},
        "publish_url": publish_url,
        "may_submit": mine and sheet.is_editable,
        "may_withdraw": mine and sheet.status == Status.SUBMITTED,
        "may_review": reviewer and sheet.status == Status.SUBMITTED,
        "may_publish": bool(publish_url) and reviewer and sheet.status == Status.APPROVED,
        "may_reopen": is_admin(user) and sheet.status in (Status.APPROVED, Status.PUBLISHED),
        "transitions": Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(sheet), object_id=sheet.pk
        ).select_related("actor"),
        "resubmission": stage_workflow.resubmission_changes(sheet, changes_between),
    }


def run_stage_action(
    request: HttpRequest,
    sheet: StageSheet,
    step: str,
    *,
    submit: Callable[..., object],
) -> None:
    """Run one workflow step on `sheet` and say how it went (a message on the next page).
    `submit(sheet=, user=, ip=)` is the stage's submission (it runs the stage's checks); the
    other steps are the generic ones. Unknown step: 404; not allowed: 403."""
    steps: dict[str, Callable[..., object]] = {
        "submit": submit,
        "withdraw": stage_workflow.withdraw,
        "return": stage_workflow.return_,
        "approve": stage_workflow.approve,
        "reopen": stage_workflow.reopen,
    }
    if step not in steps:
        raise Http404("没有这个操作。")
    extra = {"reason": request.POST.get("reason", "")} if step in ("return", "reopen") else {}
    try:
        steps[step](sheet=sheet, user=request.user, ip=client_ip(request), **extra)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except StageProblems as error:
        messages.error(request, str(error) + "；".join(error.problems))
    except TableError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _DONE[step])


def save_stage_page(
    request: HttpRequest,
    sheet: StageSheet,
    form: forms.Form,
    rows: Sequence[forms.Form],
    *,
    save: Callable[..., object],
    data: Callable[[Any, Any], object],
    saved: str,
) -> HttpResponse | None:
    """Save what the filer typed on a sheet's page: 403 unless the user files for its unit and
    the sheet is editable; the form and its rows validated together, then
    `save(user=, sheet=, data=data(form, rows), loaded_version=, ip=)` (the stage's service).
    Saved: the message `saved` and a redirect to the sheet. Otherwise None, the errors on the
    forms, and the page is shown again with everything typed."""
    if not (can_file_for(request.user, sheet.unit) and sheet.is_editable):  # type: ignore[attr-defined]
        raise PermissionDenied(f"此{sheet.noun}当前不能由您修改。")
    if form.is_valid() and all(row.is_valid() for row in rows):
        try:
            save(
                user=request.user,
                sheet=sheet,
                data=data(form, rows),
                loaded_version=form.cleaned_data["loaded_version"],
                ip=client_ip(request),
            )
        except TableError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, saved)
            return redirect(sheet)
    messages.error(request, "保存失败，请按提示修改后再保存。您填写的内容仍保留在页面上。")
    return None
