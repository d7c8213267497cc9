"""Upload an XLSX, look at the preview, confirm. Only filers of the unit import its tables."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from budgetapp.core.http import client_ip
from budgetapp.units.access import account_of, can_file_for

from . import services
from .access import get_batch_for_user
from .forms import UploadForm
from .models import BatchStatus, ImportBatch
from .outcome import ImportResult
from .safety import Limits, UnsafeFile, check_size


def _filer_unit(request: HttpRequest):
    account = account_of(request.user)
    if account is None or account.unit is None or not can_file_for(request.user, account.unit):
        raise PermissionDenied("只有填报人可以导入绩效目标表。")
    return account.unit


# A body larger than the file limit (plus room for the form fields) is refused before it is
# read: Django would otherwise spool the whole upload to disk first. CSRF is then checked on
# every request that goes on to be read (a refusal changes nothing).
_FORM_OVERHEAD = 64 * 1024


@csrf_exempt
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    unit = _filer_unit(request)
    limit = Limits.from_settings().max_bytes
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if request.method == "POST" and length > limit + _FORM_OVERHEAD:
        form = UploadForm(initial={"year": request.GET.get("year")})
        try:
            check_size(length)
        except UnsafeFile as error:
            form.errors["file"] = form.error_class([str(error)])
        return _upload_page(request, form, unit, status=400)
    return _checked_upload(request, unit)


@csrf_protect
def _checked_upload(request: HttpRequest, unit) -> HttpResponse:
    initial = {"year": request.GET.get("year")}
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            check_size(upload_file.size)  # before reading a large file into memory
            data = upload_file.read(Limits.from_settings().max_bytes + 1)
            batch, _ = services.create_batch(
                user=request.user,
                unit=unit,
                year=form.cleaned_data["year"],
                filename=upload_file.name,
                data=data,
            )
        except (services.ImportRefused, UnsafeFile) as error:
            form.add_error("file", str(error))
        else:
            return redirect("imports:preview", pk=batch.pk)
    return _upload_page(request, form, unit, status=400 if request.method == "POST" else 200)


def _upload_page(request: HttpRequest, form: UploadForm, unit, *, status: int) -> HttpResponse:
    return render(
        request,
        "imports/upload.html",
        {"form": form, "unit": unit, "max_mb": Limits.from_settings().max_bytes // (1024 * 1024)},
        status=status,
    )


def _preview_page(
    request: HttpRequest, batch: ImportBatch, result: ImportResult, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "imports/preview.html",
        {
            "batch": batch,
            "result": result,
            "can_confirm": batch.status == BatchStatus.PENDING and bool(result.importable),
            "upload_url": f"{reverse('imports:upload')}?year={batch.year}",
        },
        status=status,
    )


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, pk)
    result = services.preview_batch(batch=batch, user=request.user)
    return _preview_page(request, batch, result)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, pk)
    try:
        result = services.confirm_batch(batch=batch, user=request.user, ip=client_ip(request))
    except services.ImportRefused as error:
        messages.error(request, str(error))
        return redirect("imports:preview", pk=batch.pk)
    if not result.applied:
        messages.error(
            request, "导入未完成：发现以下问题，没有写入任何内容。请修改文件后重新上传。"
        )
        return _preview_page(request, batch, result, status=409)
    if result.refused:
        messages.warning(
            request,
            f"已导入 {batch.filename}：{result.summary()}。有错误的表未导入，请修改文件后重新上传这些表。",
        )
    else:
        messages.success(request, f"已导入 {batch.filename}：{result.summary()}")
    return redirect(f"{reverse('targets:home')}?year={batch.year}")
