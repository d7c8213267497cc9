"""Draft files: every file of a table not published says 草稿（未公开） on every page and sheet and
in its name; files stored on publication (and so the portal's) never do (issue 12, bug 6).

The PDF path caches printed tables and book parts by their HTML: the tests print a draft and a
published file of the same content in both orders, so a cached part cannot carry the mark over.
"""

from __future__ import annotations

import re
import subprocess
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from budgetapp.exports.book import DRAFT_MARK, table_book, unit_book
from budgetapp.exports.models import PublishedFile, PublishedKind
from budgetapp.exports.registry import export_table, export_unit_book
from budgetapp.targets.models import ProjectIndicator, ProjectTable, Status

from .conftest import login, publish


def _pages(pdf: bytes) -> list[str]:
    """The text of each page, white space removed."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [re.sub(r"\s+", "", page) for page in pages]


def _long(table: ProjectTable, category, rows: int = 45) -> ProjectTable:
    """Enough indicator rows for the table to run over several pages."""
    for order in range(3, 3 + rows):
        ProjectIndicator.objects.create(
            table=table,
            order=order,
            level1=category("产出指标"),
            level2=category("产出指标", "数量指标"),
            name=f"培训残疾人人数第{order}项",
            description="参加职业技能培训并取得证书的残疾人人数",
            target=f"≥{order * 10}人",
            basis="工作计划",
        )
    return table


def _second_project(project: ProjectTable) -> ProjectTable:
    other = ProjectTable.objects.get(pk=project.pk)
    other.pk = None
    other.sequence, other.code, other.name = 2, "1303032128HRAXGII0LH2", "残疾人康复服务经费"
    other.save()
    return other


def _sheet_marks(content: bytes) -> list[tuple[str, str]]:
    workbook = openpyxl.load_workbook(BytesIO(content))
    return [(ws["A1"].value, ws.oddHeader.center.text) for ws in workbook.worksheets]


def test_a_draft_pdf_says_so_on_every_page_and_in_its_name(project, category):
    table = _long(project, category)
    export = export_table(table, "pdf")

    assert export.filename.endswith("残疾人就业服务中心运转经费绩效目标表（草稿）.pdf")
    pages = _pages(export.content)
    assert len(pages) >= 2
    assert all(DRAFT_MARK in page for page in pages)


def test_a_draft_workbook_has_the_mark_in_a_line_and_the_header_of_every_sheet(project):
    export = export_table(project, "xlsx")

    assert export.filename.endswith("（草稿）.xlsx")
    assert _sheet_marks(export.content) == [(DRAFT_MARK, DRAFT_MARK)]
    sheet = openpyxl.load_workbook(BytesIO(export.content)).active
    assert sheet["A2"].value == project.title  # the table itself follows the mark


@pytest.mark.parametrize("state", [Status.SUBMITTED, Status.APPROVED, Status.RETURNED])
def test_every_state_short_of_published_is_a_draft(project, state):
    project.status = state
    project.save(update_fields=["status"])

    assert table_book(project).draft
    assert "（草稿）" in export_table(project, "xlsx").filename


def test_files_stored_on_publication_have_no_mark_although_a_draft_was_printed_first(
    project, category, users
):
    table = _long(project, category)
    draft = export_table(table, "pdf")  # fills the print cache with the draft's pages
    assert DRAFT_MARK in _pages(draft.content)[0]

    publish(table, users)

    stored = {f.fmt: f for f in PublishedFile.objects.filter(kind=PublishedKind.TABLE)}
    pdf = stored["pdf"].file.read()
    assert stored["pdf"].filename.endswith("绩效目标表.pdf")
    assert "草稿" not in stored["pdf"].filename
    pages = _pages(pdf)
    assert len(pages) == len(_pages(draft.content))
    assert not any("草稿" in page for page in pages)
    xlsx = stored["xlsx"].file.read()
    assert _sheet_marks(xlsx) == [(project.title, None)]
    # The same content printed again now: published, no mark (from the cache or not).
    assert not any("草稿" in page for page in _pages(export_table(table, "pdf").content))


def test_the_same_content_prints_as_a_draft_after_its_published_print(project, category, users):
    table = publish(_long(project, category), users)
    published_pages = _pages(export_table(table, "pdf").content)  # cached without the mark
    assert not any("草稿" in page for page in published_pages)

    # Unchanged content in a state short of published (no service takes a table back from
    # publication; the state alone is what decides).
    ProjectTable.objects.filter(pk=table.pk).update(status=Status.APPROVED)
    table.refresh_from_db()

    export = export_table(table, "pdf")
    assert export.filename.endswith("（草稿）.pdf")
    assert all(DRAFT_MARK in page for page in _pages(export.content))


def test_a_book_with_one_unpublished_table_is_a_draft_on_every_page(project, category, users):
    publish(_long(project, category), users)
    second = _second_project(ProjectTable.objects.get(pk=project.pk))
    second.status = Status.DRAFT
    second.save(update_fields=["status"])

    book = unit_book(project.unit, project.year.year)
    assert book.draft and len(book.entries()) == 2
    export = export_unit_book(project.unit, project.year.year, "pdf")  # printed in parts
    assert export.filename.endswith("绩效目标（草稿）.pdf")
    pages = _pages(export.content)
    assert len(pages) >= 3
    assert all(DRAFT_MARK in page for page in pages)
    xlsx = export_unit_book(project.unit, project.year.year, "xlsx")
    assert [mark for mark, _ in _sheet_marks(xlsx.content)] == [DRAFT_MARK, DRAFT_MARK]

    # Published too: the stored book (the same parts' content) has no mark on any page.
    publish(second, users)
    stored = PublishedFile.objects.filter(kind=PublishedKind.BOOK, fmt="pdf").latest("pk")
    book_pages = _pages(stored.file.read())
    assert len(book_pages) == len(pages)
    assert not any("草稿" in page for page in book_pages)
    assert "草稿" not in stored.filename
    again = export_unit_book(project.unit, project.year.year, "pdf")
    assert "草稿" not in again.filename
    assert not any("草稿" in page for page in _pages(again.content))


def test_the_download_view_names_a_draft_as_such(client, project, users):
    login(client, users["owner"])
    response = client.get(
        reverse("exports:table", kwargs={"kind": "project", "pk": project.pk, "fmt": "pdf"})
    )

    assert response.status_code == 200
    assert "%EF%BC%88%E8%8D%89%E7%A8%BF%EF%BC%89.pdf" in response["Content-Disposition"]
    assert all(DRAFT_MARK in page for page in _pages(response.content))


def test_a_draft_books_running_headers_hang_under_the_one_document_element(
    project, category, users
):
    """WeasyPrint tags a page margin's content as an unlisted child of each part's Document;
    the assembled book adopts them, so every tagged element still leads to its Document."""
    import pikepdf

    _long(project, category)
    _second_project(ProjectTable.objects.get(pk=project.pk))
    pdf = export_unit_book(project.unit, project.year.year, "pdf").content

    with pikepdf.open(BytesIO(pdf)) as parsed:
        root = parsed.Root.StructTreeRoot
        (document,) = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        nums = list(root.ParentTree.Nums)
        for elements in nums[1::2]:
            for element in elements if isinstance(elements, pikepdf.Array) else [elements]:
                node = element
                while node.get("/S") != "/Document":
                    node = node.P
                assert node.objgen == document.objgen
        assert len(_pages(pdf)) >= 3
