"""Downloads rendered on demand for logged-in users: one table or a unit's whole book (drafts
included) for whoever may read them, and the reviewer's city summary.

A unit's book is of one kind (`models.BookContents`): the target tables (the URL without a
kind, as it always was), the monitoring sheets, the self-evaluations, or the whole year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from budgetapp.targets.access import get_table_for_user
from budgetapp.targets.models.base import Status
from budgetapp.units.access import get_unit_for_user, role_of
from budgetapp.units.models import BudgetYear, Role, Unit

from .book_jobs import prints_in_background, start_book_export
from .jobs import overseen_units, scope_name
from .models import BookContents, FileFormat
from .registry import (
    BOOKS,
    EXPORTERS,
    BookKind,
    Export,
    attachment,
    export_table,
    export_unit_book,
    recorded_download,
)
from .summary import city_summary

FORMAT_LABELS = dict(FileFormat.choices)


def download(export: Export) -> HttpResponse:
    """An attachment named as RFC 6266 asks (`filename*=utf-8''…` for Chinese names)."""
    return attachment(export)


@login_required
@require_safe
@never_cache  # drafts are not public: no shared or browser cache keeps a copy
def table_export(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    table = get_table_for_user(request.user, kind, pk)
    return recorded_download(
        request,
        export_table(table, fmt),
        obj=table,
        draft=table.status != Status.PUBLISHED,
        details={"format": fmt, "status": table.status},
    )


def _book_kind(contents: str) -> BookKind:
    if contents not in BOOKS:
        raise Http404("没有这种全本。")
    return BOOKS[contents]


def _readable_book(
    request: HttpRequest, unit_pk: int, year: int, fmt: str, contents: str
) -> tuple[Unit, int]:
    """The unit (404 unless the user may read it) and the number of tables its book holds."""
    if fmt not in EXPORTERS:
        raise Http404("没有这种导出格式。")
    kind = _book_kind(contents)
    unit = get_unit_for_user(request.user, unit_pk)
    tables = kind.count(unit, year)
    if not tables:
        raise Http404(kind.empty)
    return unit, tables


def _start_url(unit: Unit, year: int, fmt: str, contents: str) -> str:
    if contents == BookContents.TARGETS:
        return reverse("exports:unit_book_start", args=[unit.pk, year, fmt])
    return reverse("exports:unit_stage_book_start", args=[unit.pk, year, contents, fmt])


@login_required
@require_safe
@never_cache
def unit_book_export(
    request: HttpRequest, unit_pk: int, year: int, fmt: str, contents: str = BookContents.TARGETS
) -> HttpResponse:
    """Every table of a unit for a year (of the kind `contents`), whatever its state, for its
    filers and reviewers.

    Up to EXPORT_BOOK_INLINE_TABLES tables the file is printed here; a larger book is printed
    by the task worker: this page offers to start it (`unit_book_start`)."""
    unit, tables = _readable_book(request, unit_pk, year, fmt, contents)
    if prints_in_background(tables):
        return render(
            request,
            "exports/book_start.html",
            {
                "unit": unit,
                "year": year,
                "fmt": fmt,
                "tables": tables,
                "label": FORMAT_LABELS[fmt],
                "contents": BookContents(contents),
                "start_url": _start_url(unit, year, fmt, contents),
            },
        )
    return _book_download(request, unit, year, fmt, contents)


@login_required
@require_POST
def unit_book_start(
    request: HttpRequest, unit_pk: int, year: int, fmt: str, contents: str = BookContents.TARGETS
) -> HttpResponse:
    """Start printing a large book in the background and show its progress page."""
    unit, tables = _readable_book(request, unit_pk, year, fmt, contents)
    if not prints_in_background(tables):
        return _book_download(request, unit, year, fmt, contents)
    budget_year = get_object_or_404(BudgetYear, year=year)
    job = start_book_export(
        user=request.user, unit=unit, year=budget_year, fmt=fmt, contents=contents
    )
    return redirect("exports:job", pk=job.pk)


def _book_download(
    request: HttpRequest, unit: Unit, year: int, fmt: str, contents: str
) -> HttpResponse:
    # A unit's book holds its tables in whatever state they are: drafts included.
    return recorded_download(
        request,
        export_unit_book(unit, year, fmt, contents),
        obj=unit,
        draft=True,
        details={"format": fmt, "year": year, "contents": contents},
    )


@login_required
@require_safe
@never_cache
def city_summary_export(request: HttpRequest, year: int) -> HttpResponse:
    if role_of(request.user) not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有审核人可以下载全市汇总表。")
    budget_year = get_object_or_404(BudgetYear, year=year)
    units = list(overseen_units(request.user))
    return recorded_download(
        request,
        city_summary(units=units, year=budget_year, scope=scope_name(request.user)),
        obj=budget_year,
        draft=False,
        details={"export": "city_summary", "units": len(units)},
    )
