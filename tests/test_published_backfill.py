"""store_published_files: published tables without stored files get them; nothing is replaced."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from budgetapp.exports.models import PublishedFile, PublishedKind
from budgetapp.exports.published import latest_book_file, latest_table_file
from budgetapp.targets.models import ProjectTable, Status

from .conftest import pdf_text


def run(*args: str) -> str:
    out = StringIO()
    call_command("store_published_files", *args, stdout=out)
    return out.getvalue()


def published_before_files(table: ProjectTable) -> ProjectTable:
    """A table published the old way: the state set, no files stored."""
    ProjectTable.objects.filter(pk=table.pk).update(status=Status.PUBLISHED)
    table.refresh_from_db()
    return table


@pytest.fixture
def old_published(project) -> ProjectTable:
    return published_before_files(project)


@pytest.fixture
def draft_elsewhere(tree, project) -> ProjectTable:
    return ProjectTable.objects.create(
        unit=tree["other"],
        year=project.year,
        framework=project.framework,
        money_unit="元",
        sequence=1,
        name="北戴河区草稿项目",
        budget_total=Decimal("1.00"),
    )


def test_dry_run_lists_what_is_missing_and_stores_nothing(old_published, draft_elsewhere):
    output = run("--dry-run")
    assert (
        f"缺少：山海关区残联本级 2021年 {old_published.title}（补记公开版本）（pdf、xlsx）"
        in output
    )
    assert "缺少：山海关区残联本级 2021年 全本（pdf、xlsx）" in output
    assert "北戴河区" not in output  # a draft is never published by this command
    assert "共 2 项" in output
    assert not PublishedFile.objects.exists()


def test_stores_the_tables_and_the_books_files(old_published, draft_elsewhere, media_root):
    output = run()
    assert "共保存 4 个公开文件" in output
    pdf = latest_table_file(old_published, "pdf")
    xlsx = latest_table_file(old_published, "xlsx")
    book = latest_book_file(old_published.unit, 2021, "pdf")
    assert pdf and xlsx and book and latest_book_file(old_published.unit, 2021, "xlsx")
    assert pdf.created_by is None
    with pdf.file.open("rb") as handle:
        content = handle.read()
    assert len(content) == pdf.size
    assert "1303032128HRAXGII0LHI" in pdf_text(content)
    with xlsx.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(BytesIO(handle.read())).active
    assert any(cell.value == old_published.name for row in sheet.iter_rows() for cell in row)
    assert (media_root / pdf.file.name).exists()
    # Nothing for the draft of another unit.
    assert not PublishedFile.objects.filter(unit=draft_elsewhere.unit).exists()


def test_a_second_run_stores_nothing_and_changes_nothing(old_published):
    run()
    before = list(PublishedFile.objects.values_list("pk", "file", "sha256", "created_at"))
    output = run()
    assert "没有缺少公开文件的已公开表" in output
    after = list(PublishedFile.objects.values_list("pk", "file", "sha256", "created_at"))
    assert after == before


def test_files_stored_before_versions_are_kept_but_not_served(old_published):
    existing = PublishedFile(
        kind=PublishedKind.TABLE,
        unit=old_published.unit,
        year=old_published.year,
        content_type=ContentType.objects.get_for_model(old_published),
        object_id=old_published.pk,
        fmt="pdf",
        filename="old.pdf",
        mimetype="application/pdf",
        sha256="0" * 64,
        size=9,
    )
    existing.file.save("old.pdf", ContentFile(b"%PDF-old\n"), save=False)
    existing.save()

    run()

    # The old file may list what was never public (a Hubei department table listed drafts):
    # it stays on record, and the version frozen now gets its own files.
    table_files = PublishedFile.objects.filter(kind=PublishedKind.TABLE)
    assert sorted(table_files.values_list("fmt", flat=True)) == ["pdf", "pdf", "xlsx"]
    kept = PublishedFile.objects.get(pk=existing.pk)
    assert (kept.file.name, kept.sha256) == (existing.file.name, "0" * 64)
    with kept.file.open("rb") as handle:
        assert handle.read() == b"%PDF-old\n"
    served = latest_table_file(old_published, "pdf")
    assert served.pk != existing.pk and served.publication.backfilled


def test_unit_and_year_narrow_the_run(tree, project, old_published):
    other = published_before_files(
        ProjectTable.objects.create(
            unit=tree["other"],
            year=project.year,
            framework=project.framework,
            money_unit="元",
            sequence=1,
            name="北戴河区康复项目",
            budget_total=Decimal("2.00"),
        )
    )
    assert "没有缺少" in run("--year", "2020")
    run("--unit", "北戴河区残联本级", "--year", "2021")
    assert latest_table_file(other, "pdf") is not None
    assert latest_table_file(old_published, "pdf") is None


def test_an_ambiguous_unit_code_is_refused(old_published):
    with pytest.raises(CommandError, match="对应多个单位"):
        run("--unit", "762001")
    assert not PublishedFile.objects.exists()


def test_a_table_no_longer_published_gets_nothing(old_published):
    from budgetapp.exports.backfill import find_missing, store_missing

    missing = find_missing(year=2021)
    ProjectTable.objects.filter(pk=old_published.pk).update(status=Status.RETURNED)
    stored = [record for item in missing for record in store_missing(item)]
    assert stored == []
    assert not PublishedFile.objects.exists()


def test_a_version_without_one_of_its_files_gets_it_rendered_from_its_frozen_layout(users, project):
    from budgetapp.exports.models import Publication

    from .conftest import publish

    publish(project, users)
    Publication.objects.get().files.filter(fmt="xlsx").delete()
    ProjectTable.objects.filter(pk=project.pk).update(name="发布后改过的名称")

    assert "共保存 1 个公开文件" in run()

    xlsx = latest_table_file(project, "xlsx")
    with xlsx.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(BytesIO(handle.read())).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "残疾人就业服务中心运转经费" in values and "发布后改过的名称" not in values
    assert "没有缺少" in run()
