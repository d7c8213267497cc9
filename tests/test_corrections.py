"""Corrections of a published table, the way a records office does them (issue 13 §2)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from budgetapp.core.errors import NotAllowed
from budgetapp.exports.models import Publication
from budgetapp.review import services
from budgetapp.review.models import Transition
from budgetapp.targets.models import ProjectTable, Status

from .conftest import login, pdf_text, publish


@pytest.fixture
def published(users, project):
    return publish(project, users)


def _reopen(client, users, table, reason="预算数填写错误，应为 120,000.00 元"):
    login(client, users["admin"])
    url = reverse("review:action", args=["project", table.pk, "reopen"])
    return client.post(url, {"reason": reason})


def test_admin_reopens_a_published_table_with_a_reason_and_the_public_keeps_it(
    client, users, published
):
    page = login(client, users["admin"]).get(published.get_absolute_url()).content.decode()
    assert 'data-action="reopen"' in page and "更正理由" in page
    response = _reopen(client, users, published)
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Status.RETURNED
    entry = Transition.objects.get(action="reopen")
    assert (entry.from_status, entry.actor) == (Status.PUBLISHED, users["admin"])
    # The filer corrects the table; the public still sees what was published.
    ProjectTable.objects.filter(pk=published.pk).update(name="更正后的项目名称")
    client.logout()
    public = client.get(reverse("portal:table", args=["project", published.pk])).content.decode()
    assert "残疾人就业服务中心运转经费" in public and "更正后的项目名称" not in public
    assert "更正说明" not in public


def test_the_reopen_is_refused_to_others_and_without_a_reason(client, users, published):
    for who in ("owner", "reviewer"):
        with pytest.raises(NotAllowed):
            services.reopen_table(table=published, user=users[who], reason="理由")
    login(client, users["reviewer"])
    url = reverse("review:action", args=["project", published.pk, "reopen"])
    assert client.post(url, {"reason": "理由"}).status_code == 403
    assert client.get(url).status_code == 405
    _reopen(client, users, published, reason="  ")
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_the_corrected_version_is_published_with_a_dated_note_and_the_old_one_kept(
    client, users, published
):
    _reopen(client, users, published)
    published.refresh_from_db()
    ProjectTable.objects.filter(pk=published.pk).update(name="更正后的项目名称")
    published.refresh_from_db()
    publish(published, users)
    client.logout()

    first, second = Publication.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.correction_note == "预算数填写错误，应为 120,000.00 元"
    page = client.get(reverse("portal:table", args=["project", published.pk])).content.decode()
    assert "更正后的项目名称" in page
    assert f"更正说明（{timezone.localtime(second.published_at):%Y-%m-%d}）" in page
    assert "预算数填写错误" in page
    old_url = reverse("portal:version", args=["project", published.pk, 1])
    assert old_url in page  # the version list
    old = client.get(old_url).content.decode()
    assert "残疾人就业服务中心运转经费" in old and "已被更正" in old
    for number, name in ((1, "残疾人就业服务中心运转经费"), (2, "更正后的项目名称")):
        url = reverse("portal:version_download", args=["project", published.pk, number, "pdf"])
        assert name in pdf_text(client.get(url).content)
    current_pdf = client.get(
        reverse("portal:table_download", args=["project", published.pk, "pdf"])
    )
    assert "更正后的项目名称" in pdf_text(current_pdf.content)
    # The unit book follows the current version; the feed announces the correction.
    book = client.get(reverse("portal:book_download", args=[published.unit.pk, 2021, "pdf"]))
    assert "更正后的项目名称" in pdf_text(book.content)
    feed = client.get(reverse("portal:feed")).content.decode()
    assert "更正，第2版" in feed and "预算数填写错误" in feed
