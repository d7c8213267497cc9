"""Publishing renders the table's files and the unit's book once and keeps them, immutable."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from budgetapp.exports import published
from budgetapp.exports.models import FileFormat, Publication, PublishedFile, PublishedKind
from budgetapp.exports.published import PublishFailed, latest_book_file, latest_table_file
from budgetapp.review import services
from budgetapp.review.models import Transition
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status

from .conftest import login, pdf_text, publish


def stored_files(media_root) -> list:
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def read(record: PublishedFile) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read()


def second_project(project, name="残疾人康复经费", **fields) -> ProjectTable:
    return ProjectTable.objects.create(
        unit=project.unit,
        year=project.year,
        framework=project.framework,
        money_unit="元",
        sequence=2,
        name=name,
        budget_total=Decimal("5000.00"),
        **fields,
    )


def test_publishing_a_table_stores_its_pdf_and_excel(users, project, media_root):
    publish(project, users)

    files = PublishedFile.objects.filter(kind=PublishedKind.TABLE)
    assert sorted(files.values_list("fmt", flat=True)) == ["pdf", "xlsx"]
    pdf = latest_table_file(project, "pdf")
    content = read(pdf)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "1.残疾人就业服务中心运转经费绩效目标表" in text
    assert "保障正常办公人数" in text and "≥95%" in text
    assert pdf.filename == "山海关区残联本级_2021_1.残疾人就业服务中心运转经费绩效目标表.pdf"
    assert pdf.sha256 == hashlib.sha256(content).hexdigest() and pdf.size == len(content)
    assert pdf.created_by == users["reviewer"] and pdf.unit == project.unit
    assert (pdf.content_type, pdf.object_id) == (
        ContentType.objects.get_for_model(project),
        project.pk,
    )
    # Stored under MEDIA_ROOT with a name nobody can guess, not the Chinese download name.
    assert str(media_root) in pdf.file.path and "残" not in pdf.file.name

    workbook = openpyxl.load_workbook(BytesIO(read(latest_table_file(project, "xlsx"))))
    sheet = workbook.active
    assert sheet["A1"].value == "1.残疾人就业服务中心运转经费绩效目标表"
    numbers = [c.value for row in sheet.iter_rows() for c in row if type(c.value) in (int, float)]
    assert 110000 in numbers  # money stays a number


def test_publishing_a_table_stores_the_units_book_of_published_tables_only(users, project):
    second_project(project, name="尚未公开的草稿项目")
    publish(project, users)

    book = latest_book_file(project.unit, 2021, "pdf")
    assert book.kind == PublishedKind.BOOK and book.object_id is None
    assert book.filename == "山海关区残联本级_2021_绩效目标.pdf"
    text = pdf_text(read(book))
    assert "第二部分预算项目绩效目标" in text and "残疾人就业服务中心运转经费" in text
    assert "尚未公开的草稿项目" not in text
    workbook = openpyxl.load_workbook(BytesIO(read(latest_book_file(project.unit, 2021, "xlsx"))))
    assert workbook.sheetnames == ["1.残疾人就业服务中心运转经费"]


def test_publish_unit_stores_every_table_and_one_book(client, users, project, tree):
    department = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, overall_goal="总体目标"
    )
    other = second_project(project)
    for table in (project, department, other):
        services.submit_table(table=table, user=users["owner"])
        services.approve_table(table=table, user=users["reviewer"])

    response = login(client, users["reviewer"]).post(
        reverse("review:publish_unit", args=[tree["own"].pk, 2021])
    )

    assert response.status_code == 302
    assert PublishedFile.objects.filter(kind=PublishedKind.TABLE).count() == 6
    books = PublishedFile.objects.filter(kind=PublishedKind.BOOK)
    assert sorted(books.values_list("fmt", flat=True)) == ["pdf", "xlsx"]
    text = pdf_text(read(latest_book_file(project.unit, 2021, "pdf")))
    assert text.index("第一部分部门整体绩效目标") < text.index("总体目标")
    assert text.index("1.残疾人就业服务中心运转经费") < text.index("2.残疾人康复经费绩效目标表")


def test_each_publication_renders_the_book_again_and_keeps_the_earlier_one(users, project):
    publish(project, users)
    first = latest_book_file(project.unit, 2021, "pdf")
    first_bytes = read(first)

    publish(second_project(project), users)

    latest = latest_book_file(project.unit, 2021, "pdf")
    assert latest.pk != first.pk and latest.created_at >= first.created_at
    assert "2.残疾人康复经费绩效目标表" in pdf_text(read(latest))
    kept = PublishedFile.objects.get(pk=first.pk)
    assert read(kept) == first_bytes and "残疾人康复经费" not in pdf_text(first_bytes)
    assert PublishedFile.objects.filter(kind=PublishedKind.BOOK, fmt="pdf").count() == 2


def test_republishing_after_a_reopen_stores_a_new_file_and_keeps_the_old(users, project):
    publish(project, users)
    old = latest_table_file(project, "pdf")
    old_bytes = read(old)
    # The workflow cannot take a published table back yet (reopen starts from 审核通过);
    # the storage rule is for when it can: the table is approved again here, then reopened.
    ProjectTable.objects.filter(pk=project.pk).update(status=Status.APPROVED)
    services.reopen_table(table=project, user=users["admin"], reason="预算数与批复不一致")
    ProjectTable.objects.filter(pk=project.pk).update(name="残疾人就业服务中心运转经费（调整）")
    project.refresh_from_db()
    publish(project, users)

    new = latest_table_file(project, "pdf")
    assert new.pk != old.pk
    assert "运转经费（调整）" in pdf_text(read(new))
    kept = PublishedFile.objects.get(pk=old.pk)
    assert read(kept) == old_bytes and kept.sha256 == hashlib.sha256(old_bytes).hexdigest()
    assert "（调整）" not in pdf_text(old_bytes)
    assert PublishedFile.objects.filter(object_id=project.pk, fmt="pdf").count() == 2


def test_a_published_file_cannot_be_changed(users, project):
    publish(project, users)
    record = latest_table_file(project, "pdf")
    record.filename = "other.pdf"
    with pytest.raises(ValueError, match="不可修改"):
        record.save()
    assert PublishedFile.objects.get(pk=record.pk).filename != "other.pdf"


def _approve(table, users):
    services.submit_table(table=table, user=users["owner"])
    services.approve_table(table=table, user=users["reviewer"])


def _failing(*args, **kwargs):
    raise RuntimeError("renderer crashed")


def test_a_failed_render_leaves_the_table_approved_and_nothing_stored(
    users, project, media_root, monkeypatch
):
    _approve(project, users)
    monkeypatch.setitem(published.EXPORTERS, "pdf", _failing)

    with pytest.raises(PublishFailed, match="生成.*公开文件失败，未公开"):
        services.publish_table(table=project, user=users["reviewer"])

    project.refresh_from_db()
    assert project.status == Status.APPROVED and project.published_at is None
    assert not Transition.objects.filter(action="publish").exists()
    assert not PublishedFile.objects.exists() and not Publication.objects.exists()
    assert stored_files(media_root) == []


def test_a_failed_book_render_removes_the_table_files_already_written(
    users, project, media_root, monkeypatch
):
    _approve(project, users)
    render_pdf = published.EXPORTERS["pdf"]

    def only_books_fail(book):
        return render_pdf(book) if book.is_single_table else _failing()

    monkeypatch.setitem(published.EXPORTERS, "pdf", only_books_fail)
    discard, discarded = published.discard, []
    monkeypatch.setattr(
        published, "discard", lambda records: discarded.extend(records) or discard(records)
    )

    with pytest.raises(PublishFailed, match="全本"):
        services.publish_table(table=project, user=users["reviewer"])

    # The table's PDF and Excel had been written when the book failed; both went again.
    assert sorted(record.fmt for record in discarded) == ["pdf", "xlsx"]

    project.refresh_from_db()
    assert project.status == Status.APPROVED
    assert not PublishedFile.objects.exists()
    assert stored_files(media_root) == []


def test_the_reviewer_sees_a_failed_publication_as_a_message(client, users, project, monkeypatch):
    _approve(project, users)
    monkeypatch.setitem(published.EXPORTERS, "pdf", _failing)

    response = login(client, users["reviewer"]).post(
        reverse("review:action", args=["project", project.pk, "publish"]), follow=True
    )

    assert "公开文件失败，未公开" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.APPROVED


def test_formats_stored_are_the_exporters():
    assert sorted(FileFormat.values) == sorted(published.EXPORTERS)


def test_admin_lists_published_files_read_only(client, users, project):
    publish(project, users)
    login(client, users["admin"])
    changelist = client.get(reverse("admin:exports_publishedfile_changelist"))
    assert changelist.status_code == 200 and "绩效目标表.pdf" in changelist.content.decode()
    assert client.get(reverse("admin:exports_publishedfile_add")).status_code == 403
    record = latest_table_file(project, "pdf")
    delete = client.post(reverse("admin:exports_publishedfile_delete", args=[record.pk]))
    assert delete.status_code == 403
    assert PublishedFile.objects.filter(pk=record.pk).exists()
