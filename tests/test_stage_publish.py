"""Publishing a self-evaluation: frozen with its files, shown on the portal beside the year's
targets, never read from live rows afterwards; only the city's reviewer publishes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budgetapp.evaluation.models import EvaluationRow
from budgetapp.evaluation.publishing import publish_evaluation
from budgetapp.evaluation.services import (
    EvaluationInput,
    RowInput,
    approve_evaluation,
    save_evaluation,
    start_evaluation,
    submit_evaluation,
)
from budgetapp.exports.models import Publication
from budgetapp.targets.models import Status
from tests.conftest import login, pdf_text, publish


@pytest.fixture
def approved_evaluation(project, users):
    table = publish(project, users)
    evaluation = start_evaluation(user=users["owner"], table=table)
    rows = {row.name: row.pk for row in evaluation.rows.all()}
    save_evaluation(
        user=users["owner"],
        evaluation=evaluation,
        data=EvaluationInput(
            money={"fiscal_executed": Decimal("99000")},
            goal_actual="保障了全年正常运转",
            weights_reason="",
            rows={
                rows["保障正常办公人数"]: RowInput(actual="17人"),
                rows["单位工作人员满意度"]: RowInput(actual="76%", analysis="办公条件待改善"),
            },
        ),
        loaded_version=1,
    )
    submit_evaluation(evaluation=evaluation, user=users["owner"])
    approve_evaluation(evaluation=evaluation, user=users["reviewer"])
    evaluation.refresh_from_db()
    return evaluation


def test_publish_freezes_and_the_portal_shows_it(client, users, approved_evaluation):
    evaluation = approved_evaluation
    publish_evaluation(evaluation=evaluation, user=users["reviewer"])
    evaluation.refresh_from_db()
    assert evaluation.status == Status.PUBLISHED
    version = Publication.objects.get(kind="evaluation")
    assert version.data["fields"]["total_score"] == "96.00"

    # Live rows change afterwards (as a bad script or a later bug might): the public does not see it.
    EvaluationRow.objects.filter(evaluation=evaluation).update(analysis="机密草稿内容")
    client.logout()
    year_page = client.get(
        reverse("portal:unit_year", args=[evaluation.unit.pk, evaluation.year.year])
    ).content.decode()
    assert "绩效自评" in year_page and "总分 96.00（优）" in year_page
    page = client.get(reverse("portal:table", args=["evaluation", evaluation.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "办公条件待改善" in html and "机密草稿内容" not in html
    pdf = client.get(reverse("portal:table_download", args=["evaluation", evaluation.pk, "pdf"]))
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    text = pdf_text(content)
    assert "项目支出绩效自评表" in text and "草稿" not in text and "机密草稿内容" not in text
    csv = client.get(reverse("portal:table_download", args=["evaluation", evaluation.pk, "csv"]))
    assert csv.status_code == 200 and "实际完成值" in csv.content.decode()


def test_only_the_citys_reviewer_publishes(client, users, approved_evaluation):
    url = reverse("exports:evaluation_publish", args=[approved_evaluation.pk])
    login(client, users["owner"])
    assert client.post(url).status_code == 403
    client.logout()
    login(client, users["other_reviewer"])
    assert client.post(url).status_code == 404
    client.logout()
    login(client, users["reviewer"])
    page = client.get(reverse("evaluation:sheet", args=[approved_evaluation.pk])).content.decode()
    assert "确定公开此自评表吗" in page
    assert client.post(url).status_code == 302
    approved_evaluation.refresh_from_db()
    assert approved_evaluation.status == Status.PUBLISHED
    assert client.post(url, follow=True).status_code == 200  # again: a message, no second version
    assert Publication.objects.filter(kind="evaluation").count() == 1


def test_a_draft_evaluation_is_not_public(client, users, project):
    table = publish(project, users)
    evaluation = start_evaluation(user=users["owner"], table=table)
    assert (
        client.get(reverse("portal:table", args=["evaluation", evaluation.pk])).status_code == 404
    )
