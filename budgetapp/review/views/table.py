"""The table page every role sees, and the workflow actions posted from it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from budgetapp.checks.cached import cached_check_table
from budgetapp.checks.data import tree_of
from budgetapp.checks.engine import Report
from budgetapp.checks.gate import ChecksFailed, ExplanationsMissing
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.core.http import client_ip
from budgetapp.core.prefetch import keep_as_prefetched
from budgetapp.indicators.models import Category
from budgetapp.layouts import document_for
from budgetapp.layouts.html import render_html
from budgetapp.targets.access import get_table_for_user
from budgetapp.targets.models import Grade, Status, TargetTable
from budgetapp.targets.models.base import INDICATOR_RELATED
from budgetapp.targets.snapshots import TableDiff, diff_snapshots, serialize_table
from budgetapp.units.access import can_file_for, role_of
from budgetapp.units.models import Role

from .. import services
from ..access import can_review, is_admin
from ..anchors import anchor_choices
from ..history import revision_items_html, table_history
from ..models import Comment, Reply, Submission, Transition


def _indicator_rows(table: TargetTable):
    model = table._meta.get_field("indicators").related_model
    return model.objects.select_related(*INDICATOR_RELATED)


def _read_rows(table: TargetTable) -> dict[int | None, dict[str, list[str]]]:
    """The table's indicator rows, prefetched with it for the layout and the 智能审核, their
    一级/二级 taken from the framework's categories, read once; those give the 智能审核 its
    category tree too (`trees`, as `checks.data.framework_tree` keeps them). Rows whose
    categories are not all among the framework's are read with their categories joined."""
    categories = {
        c.pk: c for c in Category.objects.filter(framework_id=table.framework_id).order_by()
    }
    for category in categories.values():
        if category.parent_id in categories:
            category.parent = categories[category.parent_id]
    rows = list(table.indicators.all())  # type: ignore[attr-defined]
    for row in rows:
        level1 = categories.get(row.level1_id)
        level2 = categories.get(row.level2_id) if row.level2_id is not None else None
        if level1 is None or (row.level2_id is not None and level2 is None):
            prefetch_related_objects([table], Prefetch("indicators", _indicator_rows(table)))
            break
        row.level1, row.level2 = level1, level2
    else:
        keep_as_prefetched(table, "indicators", rows)
    if any(c.parent_id is not None and c.parent_id not in categories for c in categories.values()):
        return {}  # a 二级 under another framework's 一级: the 智能审核 reads its tree itself
    values = [
        (c.pk, c.order, c.name, c.parent_id, c.parent.name if c.parent_id else None)
        for c in categories.values()
    ]
    return {table.framework_id: tree_of(values)}


def _records(model, table: TargetTable):
    return model.objects.filter(
        content_type=ContentType.objects.get_for_model(table), object_id=table.pk
    )


def latest_submissions(table: TargetTable) -> list[Submission]:
    """The table's last two submissions, newest first."""
    return list(_records(Submission, table).order_by("-number")[:2])


def changes_to_show(
    table: TargetTable, submissions: list[Submission] | None = None
) -> tuple[str, TableDiff | None]:
    """What a reader should see as "changed": since the previous submission while under review,
    since the last submission while the filer is editing again (`submissions`: the last two,
    read already by `latest_submissions`)."""
    if submissions is None:
        submissions = latest_submissions(table)
    if table.status == Status.SUBMITTED and len(submissions) == 2:
        latest, previous = submissions
        return f"第{latest.number}次提交与第{previous.number}次提交相比", diff_snapshots(
            previous.data, latest.data
        )
    if table.status in Status.editable() and submissions:
        return "自上次提交以来的修改", diff_snapshots(submissions[0].data, serialize_table(table))
    return "", None


def _submit_checks(report: Report, typed: dict[str, str]) -> dict:
    """The submit form's 智能审核 part: errors that block it, warnings each with a textarea."""
    return {
        "submit_errors": report.errors,
        "submit_warnings": [(f, typed.get(f.key, "")) for f in report.warnings],
    }


@login_required
def table_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    # The page names who changed the table last: read with it, not by a query of its own.
    table = get_table_for_user(request.user, kind, pk, related=("updated_by",))
    return render(request, "review/table.html", _page_context(request, table, kind))


def _page_context(
    request: HttpRequest, table: TargetTable, kind: str, typed: dict[str, str] | None = None
) -> dict:
    user = request.user
    # The rows are read once for the layout and the 智能审核, which runs once for the page.
    trees = _read_rows(table)
    report = cached_check_table(table, trees)
    comments = list(
        _records(Comment, table)
        .select_related("author", "submission")
        .prefetch_related(Prefetch("replies", queryset=Reply.objects.select_related("author")))
    )
    # Read once for the changes shown and the 智能审核 panel's explanations of the latest.
    submissions = latest_submissions(table)
    diff_title, diff = changes_to_show(table, submissions)
    highlights: dict[str, str] = {}
    for comment in comments:
        if comment.anchor:
            highlights[comment.anchor] = "cell-commented"
    for mark in diff.cells if diff else ():
        highlights[mark] = (highlights.get(mark, "") + " cell-changed").strip()
    reviewer = can_review(user, table.unit)
    filer = can_file_for(user, table.unit)
    document = document_for(table)  # once, for the page and the comment form's places
    context = {
        "table": table,
        "kind": kind,
        "document_html": render_html(document, highlights, first_heading=2),
        "comments": comments,
        "history": _records(Transition, table).select_related("actor"),
        "revisions_html": revision_items_html(table_history(table), kind, table.pk),
        "diff": diff,
        "diff_title": diff_title,
        "anchors": anchor_choices(table, document) if reviewer or is_admin(user) else [],
        # A reviewer came from the dashboard, and goes back to it.
        "back_to_dashboard": role_of(user) == Role.REVIEWER,
        "can_edit": filer and table.is_editable,
        "can_submit": filer and table.is_editable,
        "can_withdraw": filer and table.status == Status.SUBMITTED,
        "can_review": reviewer and table.status == Status.SUBMITTED,
        "can_publish": reviewer and table.status == Status.APPROVED,
        "can_reopen": is_admin(user) and table.status in (Status.APPROVED, Status.PUBLISHED),
        "can_comment": reviewer or is_admin(user),
        "can_reply": reviewer or filer,
        "four_eyes_blocked": reviewer and services.has_touched(user, table),
        "approve_grades": [
            (Grade.EXCELLENT, Grade.EXCELLENT.label),
            (Grade.GOOD, Grade.GOOD.label),
        ],
        "return_grades": [(Grade.FAIR, "中（修改后重新提交）"), (Grade.POOR, "差（不予通过）")],
    }
    context["checks_report"] = report
    context["submissions"] = submissions
    if context["can_submit"]:
        context |= _submit_checks(report, typed or {})
    return context


def _run(
    request: HttpRequest, table: TargetTable, step: Callable[[], object], done: str
) -> HttpResponse:
    try:
        step()
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except TableError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(table.get_absolute_url())


EXPLAIN_PREFIX = "explain-"


def _typed_explanations(request: HttpRequest) -> dict[str, str]:
    return {
        key[len(EXPLAIN_PREFIX) :]: value
        for key, value in request.POST.items()
        if key.startswith(EXPLAIN_PREFIX)
    }


def _submit(request: HttpRequest, table: TargetTable, kind: str) -> HttpResponse:
    """Submit with the filer's explanations; a refusal re-shows the page with what was typed."""
    typed = _typed_explanations(request)
    try:
        services.submit_table(
            table=table, user=request.user, ip=client_ip(request), explanations=typed
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except (ChecksFailed, ExplanationsMissing) as error:
        messages.error(request, str(error))
        table.refresh_from_db()
        return render(request, "review/table.html", _page_context(request, table, kind, typed))
    except TableError as error:
        messages.error(request, str(error))
        return redirect(table.get_absolute_url())
    messages.success(request, "已提交，等待审核。")
    return redirect(table.get_absolute_url())


ACTIONS = {
    "withdraw": (
        lambda r, t, ip: services.withdraw_table(table=t, user=r.user, ip=ip),
        "已撤回，可以继续修改。",
    ),
    "return": (
        lambda r, t, ip: services.return_table(
            table=t,
            user=r.user,
            reason=r.POST.get("reason", ""),
            grade=r.POST.get("grade", ""),
            ip=ip,
        ),
        "已退回给填报人。",
    ),
    "approve": (
        lambda r, t, ip: services.approve_table(
            table=t,
            user=r.user,
            grade=r.POST.get("grade", ""),
            comment=r.POST.get("comment", ""),
            ip=ip,
        ),
        "已审核通过。",
    ),
    "publish": (lambda r, t, ip: services.publish_table(table=t, user=r.user, ip=ip), "已公开。"),
    "reopen": (
        lambda r, t, ip: services.reopen_table(
            table=t, user=r.user, reason=r.POST.get("reason", ""), ip=ip
        ),
        "已重新打开，填报人可以修改。",
    ),
}


@login_required
@require_POST
def table_action(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS and action != "submit":
        raise Http404("没有这个操作。")
    table = get_table_for_user(request.user, kind, pk)
    if action == "submit":
        return _submit(request, table, kind)
    step, done = ACTIONS[action]
    return _run(request, table, lambda: step(request, table, client_ip(request)), done)


@login_required
@require_POST
def add_comment(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    table = get_table_for_user(request.user, kind, pk)
    choices = dict(anchor_choices(table))
    anchor = request.POST.get("anchor", "")
    if anchor not in choices:
        messages.error(request, "所选位置不在此表中，请重新选择。")
        return redirect(table.get_absolute_url())

    def step() -> None:
        services.add_comment(
            table=table,
            user=request.user,
            text=request.POST.get("text", ""),
            anchor=anchor,
            anchor_label=choices[anchor],
        )

    return _run(request, table, step, "意见已保存。")
