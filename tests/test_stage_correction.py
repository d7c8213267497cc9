"""Correcting a published self-evaluation (更正), as a published target table is corrected: an
administrator reopens it with a reason, the filer corrects it, it is reviewed again (four-eyes)
and published as a new frozen version whose 更正说明 is the reason. Until then the public sees
the version frozen before; afterwards the newest, marked as corrected, and the old one stays
retrievable."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgetapp.audit.models import AuditEvent
from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.evaluation.publishing import publish_evaluation
from budgetapp.evaluation.services import (
    EvaluationInput,
    RowInput,
    approve_evaluation,
    save_evaluation,
    submit_evaluation,
)
from budgetapp.exports.models import Publication
from budgetapp.monitoring.services import open_round
from budgetapp.review import stage_workflow
from budgetapp.review.models import Action, Transition
from budgetapp.targets.models import Status
from tests.conftest import login, pdf_text, publish
from tests.test_stage_publish import approved_evaluation  # noqa: F401 (a fixture)

REASON = "满意度调查样本录入有误，实际完成值更正为 86%"


@pytest.fixture
def published_evaluation(approved_evaluation, users):  # noqa: F811
    publish_evaluation(evaluation=approved_evaluation, user=users["reviewer"])
    approved_evaluation.refresh_from_db()
    return approved_evaluation


def _public_page(client, evaluation, number=None) -> str:
    client.logout()
    if number is None:
        url = reverse("portal:table", args=["evaluation", evaluation.pk])
    else:
        url = reverse("portal:version", args=["evaluation", evaluation.pk, number])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _correct(evaluation, users) -> None:
    rows = {row.name: row.pk for row in evaluation.rows.all()}
    save_evaluation(
        user=users["owner"],
        evaluation=evaluation,
        data=EvaluationInput(
            money={},
            goal_actual="保障了全年正常运转",
            weights_reason="",
            rows={
                rows["单位工作人员满意度"]: RowInput(actual="86%", analysis="更正后：样本已核对"),
            },
        ),
        loaded_version=evaluation.version,
    )


def test_a_published_evaluation_is_corrected_and_republished(client, users, published_evaluation):
    evaluation = published_evaluation
    first = _public_page(client, evaluation)
    assert "办公条件待改善" in first and "更正说明" not in first

    login(client, users["admin"])
    page = client.get(reverse("evaluation:sheet", args=[evaluation.pk])).content.decode()
    assert "重新打开以更正" in page and "更正理由（必填，将公开）" in page
    response = client.post(
        reverse("evaluation:action", args=[evaluation.pk, "reopen"]), {"reason": REASON}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Status.RETURNED and evaluation.is_editable
    step = Transition.objects.get(action=Action.REOPEN, object_id=evaluation.pk)
    assert (step.from_status, step.comment, step.actor) == (
        Status.PUBLISHED,
        REASON,
        users["admin"],
    )
    event = AuditEvent.objects.get(kind="reopen", object_id=str(evaluation.pk))
    assert event.details == {"reason": REASON}

    # Corrected, submitted and approved: the public still sees what was frozen, only that.
    _correct(evaluation, users)
    for stage in ("saved", "submitted", "approved"):
        if stage == "submitted":
            submit_evaluation(evaluation=evaluation, user=users["owner"])
        if stage == "approved":
            approve_evaluation(evaluation=evaluation, user=users["reviewer"])
        html = _public_page(client, evaluation)
        assert "办公条件待改善" in html and "更正后：样本已核对" not in html, stage
        assert Publication.objects.filter(kind="evaluation").count() == 1

    publish_evaluation(evaluation=evaluation, user=users["reviewer"])
    old, new = Publication.objects.filter(kind="evaluation").order_by("number")
    assert (old.number, new.number) == (1, 2)
    assert old.correction_note == "" and new.correction_note == REASON
    assert "更正后：样本已核对" in str(new.document) and "更正后" not in str(old.document)

    current = _public_page(client, evaluation)
    assert "更正后：样本已核对" in current and "办公条件待改善" not in current
    assert (
        f"更正说明（{timezone.localtime(new.published_at):%Y-%m-%d}）" in current
        and REASON in current
    )
    assert "第2版" in current and "第1版" in current  # the list of versions
    year_page = client.get(
        reverse("portal:unit_year", args=[evaluation.unit.pk, evaluation.year.year])
    ).content.decode()
    assert "第2版（已更正）" in year_page

    earlier = _public_page(client, evaluation, number=1)
    assert "办公条件待改善" in earlier and "已被更正" in earlier
    pdf = client.get(
        reverse("portal:version_download", args=["evaluation", evaluation.pk, 1, "pdf"])
    )
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert "办公条件待改善" in pdf_text(content)
    pdf = client.get(reverse("portal:table_download", args=["evaluation", evaluation.pk, "pdf"]))
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert "更正后：样本已核对" in pdf_text(content)


def test_reopen_role_matrix(client, users, published_evaluation):
    """Only an administrator reopens; others are refused and nothing changes."""
    url = reverse("evaluation:action", args=[published_evaluation.pk, "reopen"])
    expected = {
        "owner": 403,  # the filer may see it, not reopen it
        "reviewer": 403,  # the city's reviewer publishes, but reopening is the administrator's
        "colleague": 404,  # another county's filer does not see it
        "other_reviewer": 404,  # another city's reviewer does not see it
    }
    for name, code in expected.items():
        client.logout()
        login(client, users[name])
        assert client.post(url, {"reason": REASON}).status_code == code, name
    client.logout()
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(url).status_code in (302, 405)
    published_evaluation.refresh_from_db()
    assert published_evaluation.status == Status.PUBLISHED
    assert not Transition.objects.filter(action=Action.REOPEN).exists()

    login(client, users["admin"])
    assert client.get(url).status_code == 405  # POST only
    page = client.post(url, {"reason": "  "}, follow=True).content.decode()
    assert "重新打开时必须填写理由" in page
    published_evaluation.refresh_from_db()
    assert published_evaluation.status == Status.PUBLISHED
    assert client.post(url, {"reason": REASON}).status_code == 302
    published_evaluation.refresh_from_db()
    assert published_evaluation.status == Status.RETURNED


def test_the_reopen_control_is_for_administrators_only(client, users, published_evaluation):
    page_url = reverse("evaluation:sheet", args=[published_evaluation.pk])
    for name in ("owner", "reviewer"):
        client.logout()
        login(client, users[name])
        assert "重新打开以更正" not in client.get(page_url).content.decode(), name
    client.logout()
    login(client, users["admin"])
    assert "重新打开以更正" in client.get(page_url).content.decode()


def test_reopen_refuses_a_sheet_not_approved(users, approved_evaluation):  # noqa: F811
    stage_workflow.reopen(sheet=approved_evaluation, user=users["admin"], reason="金额填错")
    approved_evaluation.refresh_from_db()
    assert approved_evaluation.status == Status.RETURNED and approved_evaluation.approved_at is None
    with pytest.raises(TableError, match="不能重新打开"):
        stage_workflow.reopen(sheet=approved_evaluation, user=users["admin"], reason="再次")
    with pytest.raises(NotAllowed):
        stage_workflow.reopen(sheet=approved_evaluation, user=users["reviewer"], reason="x")


def test_the_corrected_version_is_approved_by_someone_else(users, published_evaluation):
    """Four-eyes holds for the correction: a reviewer who saved it may not approve it."""
    evaluation = published_evaluation
    stage_workflow.reopen(sheet=evaluation, user=users["admin"], reason=REASON)
    evaluation.refresh_from_db()
    _correct(evaluation, users)
    submit_evaluation(evaluation=evaluation, user=users["owner"])
    evaluation.refresh_from_db()
    evaluation.updated_by = users["reviewer"]  # as if the reviewer had saved it
    evaluation.save(update_fields=["updated_by"])
    with pytest.raises(TableError, match="四眼原则"):
        approve_evaluation(evaluation=evaluation, user=users["reviewer"])


def test_an_approved_monitoring_sheet_is_reopened_the_same_way(client, users, project, year, tree):
    publish(project, users)
    round_ = open_round(
        user=users["reviewer"],
        region=tree["city"].region,
        year=year,
        cutoff_month=6,
        due_date=date(2021, 7, 15),
    )
    sheet = round_.sheets.get()
    sheet.status = Status.SUBMITTED  # the content does not matter to reopening
    sheet.save(update_fields=["status"])
    stage_workflow.approve(sheet=sheet, user=users["reviewer"])
    login(client, users["admin"])
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert "重新打开的理由（必填）" in page and "重新打开以更正" not in page  # not published
    url = reverse("monitoring:sheet_action", args=[sheet.pk, "reopen"])
    assert client.post(url, {"reason": "执行数填错"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == Status.RETURNED
    assert sheet.is_editable


def test_reopening_drops_the_cached_public_pages(
    client, users, published_evaluation, django_capture_on_commit_callbacks
):
    url = reverse("portal:table", args=["evaluation", published_evaluation.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).status_code == 200
    assert len(cached) == 1  # served from the cache (the public token only)
    with django_capture_on_commit_callbacks(execute=True):
        stage_workflow.reopen(sheet=published_evaluation, user=users["admin"], reason=REASON)
    with CaptureQueriesContext(connection) as rendered:
        html = client.get(url).content.decode()
    assert len(rendered) > 1 and "办公条件待改善" in html  # rendered again, still as frozen
