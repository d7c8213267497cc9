"""Public downloads: the files stored at publication, for anyone, and nothing else (404)."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from budgetapp.exports.models import PublishedFile
from budgetapp.exports.published import latest_table_file
from budgetapp.targets.models import ProjectTable, Status

from .conftest import pdf_text, publish

NAME = "残疾人就业服务中心运转经费"


def table_url(table, fmt="pdf", kind="project"):
    return reverse("portal:table_download", args=[kind, table.pk, fmt])


def book_url(unit, year=2021, fmt="pdf"):
    return reverse("portal:book_download", args=[unit.pk, year, fmt])


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def published(users, project):
    return publish(project, users)


def test_anonymous_downloads_the_published_pdf_as_it_was_published(client, published):
    # What the database holds now does not matter: the download is the stored file.
    ProjectTable.objects.filter(pk=published.pk).update(name="发布后改过的名称")

    response = client.get(table_url(published))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = body(response)
    assert content == Path(latest_table_file(published, "pdf").file.path).read_bytes()
    text = pdf_text(content)
    assert NAME in text and "发布后改过的名称" not in text
    filename = f"山海关区残联本级_2021_1.{NAME}绩效目标表.pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(filename)}" in disposition


def test_anonymous_downloads_the_published_excel(client, published):
    response = client.get(table_url(published, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith(f"{quote('绩效目标表.xlsx')}")
    workbook = openpyxl.load_workbook(BytesIO(body(response)))
    assert workbook.active["A1"].value == f"1.{NAME}绩效目标表"


def test_the_latest_stored_file_is_served(client, users, published):
    first = latest_table_file(published, "pdf")
    # A second publication (after a reopen) adds a newer file; the portal serves it.
    ProjectTable.objects.filter(pk=published.pk).update(
        status=Status.RETURNED, name="调整后的项目名称"
    )
    published.refresh_from_db()
    publish(published, users)

    content = body(client.get(table_url(published)))

    assert hashlib.sha256(content).hexdigest() == latest_table_file(published, "pdf").sha256
    assert "调整后的项目名称" in pdf_text(content)
    assert PublishedFile.objects.filter(pk=first.pk).exists()


def test_the_units_book_is_downloaded_from_storage(client, published):
    response = client.get(book_url(published.unit))

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"filename*=utf-8''{quote('山海关区残联本级_2021_绩效目标.pdf')}" in disposition
    assert NAME in pdf_text(body(response))
    workbook = openpyxl.load_workbook(
        BytesIO(body(client.get(book_url(published.unit, fmt="xlsx"))))
    )
    assert workbook.sheetnames == [f"1.{NAME}"]


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED]
)
def test_nothing_unpublished_can_be_downloaded(client, project, status):
    ProjectTable.objects.filter(pk=project.pk).update(status=status)
    for fmt in ("pdf", "xlsx"):
        assert client.get(table_url(project, fmt)).status_code == 404
        assert client.get(book_url(project.unit, fmt=fmt)).status_code == 404


def test_a_reopened_table_keeps_serving_its_published_files(client, published):
    # Reopened for a correction: the public keeps the published version until a new one.
    ProjectTable.objects.filter(pk=published.pk).update(status=Status.RETURNED, name="改动中")
    content = body(client.get(table_url(published)))
    assert content == Path(latest_table_file(published, "pdf").file.path).read_bytes()
    assert NAME in pdf_text(body(client.get(book_url(published.unit))))


def test_a_published_table_without_a_frozen_version_is_not_public(client, project):
    # Published before versions were frozen: nothing public until store_published_files.
    ProjectTable.objects.filter(pk=project.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )
    assert client.get(reverse("portal:table", args=["project", project.pk])).status_code == 404
    assert client.get(table_url(project)).status_code == 404
    assert client.get(book_url(project.unit)).status_code == 404


def test_unknown_format_kind_or_year_is_404(client, published):
    assert client.get(table_url(published, "docx")).status_code == 404
    assert client.get(table_url(published, kind="department")).status_code == 404
    assert client.get(table_url(published, kind="other")).status_code == 404
    assert client.get(book_url(published.unit, fmt="docx")).status_code == 404
    assert client.get(book_url(published.unit, year=2020)).status_code == 404


def test_downloads_only_answer_reads(client, published):
    assert client.post(table_url(published)).status_code == 405
    assert client.post(book_url(published.unit)).status_code == 405


def test_portal_pages_link_to_the_downloads(client, published):
    page = client.get(reverse("portal:table", args=["project", published.pk])).content.decode()
    assert table_url(published, "pdf") in page and table_url(published, "xlsx") in page
    unit_page = client.get(
        reverse("portal:unit_year", args=[published.unit.pk, 2021])
    ).content.decode()
    assert (
        book_url(published.unit) in unit_page and book_url(published.unit, fmt="xlsx") in unit_page
    )
