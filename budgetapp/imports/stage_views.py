"""Import a filled 执行监控表 / 绩效自评表 into its sheet: upload on the sheet's page, preview
with old and new values, confirm. Only the unit's filers, only while the sheet is editable."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from budgetapp.core.errors import TableError
from budgetapp.core.http import client_ip
from budgetapp.evaluation.access import get_evaluation_for_user
from budgetapp.monitoring.access import get_sheet_for_user

from . import stages
from .reader import UnreadableWorkbook
from .safety import Limits, UnsafeFile, check_size


class StageUploadForm(forms.Form):
    file = forms.FileField(
        label="已填写的 Excel 文件（.xlsx）",
        error_messages={"required": "请选择要导入的 Excel 文件。", "empty": "文件是空的。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


def _sheet(request: HttpRequest, kind: str, pk: int):
    if kind == "monitoring":
        sheet = get_sheet_for_user(request.user, pk, write=True)
        page = ("monitoring:sheet", sheet.pk)
    elif kind == "evaluation":
        sheet = get_evaluation_for_user(request.user, pk, write=True)
        page = ("evaluation:sheet", sheet.pk)
    else:
        raise Http404("没有这种表格。")
    if not sheet.is_editable:
        raise PermissionDenied("此表当前状态不能导入。")
    return sheet, page


@login_required
@require_POST
def stage_import(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Upload → preview. The preview page carries the parsed file, signed, to the confirm."""
    sheet, page = _sheet(request, kind, pk)
    form = StageUploadForm(request.POST, request.FILES)
    context = {"sheet": sheet, "kind": kind, "page": page, "form": form}
    if not form.is_valid():
        return render(request, "imports/stage_preview.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        check_size(upload.size)
        parsed = stages.read_upload(upload.read(Limits.from_settings().max_bytes + 1))
    except (UnsafeFile, UnreadableWorkbook) as error:
        form.add_error("file", str(error))
        return render(request, "imports/stage_preview.html", context, status=400)
    plan = stages.preview(sheet, parsed, user=request.user)
    context.update(plan=plan, token=stages.sign(parsed), filename=upload.name)
    return render(request, "imports/stage_preview.html", context)


@login_required
@require_POST
def stage_import_confirm(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    sheet, page = _sheet(request, kind, pk)
    try:
        parsed = stages.unsign(request.POST.get("token", ""))
        stages.apply(sheet, parsed, user=request.user, ip=client_ip(request))
    except TableError as error:
        messages.error(request, f"导入未完成：{error}")
    else:
        messages.success(request, "已从 Excel 导入，请核对后提交。")
    return redirect(*page)
