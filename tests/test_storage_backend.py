"""Stored files go through Django's STORAGES only (issue 17 §6), so an S3-compatible store can
replace the local disk: with a storage that has no local paths at all (Django's in-memory one, without `path`),
publishing, the portal's downloads, a city export and a unit's book all work, and nothing is
left on the local disk."""

from __future__ import annotations

import os
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.urls import reverse
from django.utils._os import safe_join

from budgetapp.exports.models import ExportJob, JobStatus, PublishedFile
from budgetapp.targets.models import ProjectTable

from .conftest import login, pdf_text, publish


class RemoteLikeStorage(InMemoryStorage):
    """Files kept in memory, and, like an S3 store, no local path for any of them."""

    def path(self, name: str) -> str:
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name: str) -> str:  # the in-memory tree's own use of `path`
        return os.path.relpath(safe_join(self.location, name), self.location)


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RemoteLikeStorage"},
    }
    with pytest.raises(NotImplementedError):
        default_storage.path("x")  # no local file behind any name


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_publishing_and_exports_need_no_local_disk(
    client, users, project, memory_storage, media_root, settings
):
    publish(project, users)
    stored = PublishedFile.objects.filter(object_id=project.pk, fmt="pdf").get()
    assert default_storage.exists(stored.file.name)
    download = client.get(reverse("portal:table_download", args=["project", project.pk, "pdf"]))
    assert download.status_code == 200
    assert project.name in pdf_text(_body(download))

    # A city export: the ZIP is written locally, then stored, and served from the storage.
    login(client, users["reviewer"]).post(reverse("exports:job_start"), {"year": "2021"})
    job = ExportJob.objects.get()
    assert job.status == JobStatus.DONE and default_storage.exists(job.file.name)
    response = client.get(reverse("exports:job_download", args=[job.pk]))
    archive = zipfile.ZipFile(BytesIO(_body(response)))
    assert len(archive.namelist()) == 1

    # A unit's book above EXPORT_BOOK_INLINE_TABLES, printed as a task.
    settings.EXPORT_BOOK_INLINE_TABLES = 1
    ProjectTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, sequence=2,
        name="第二个康复项目", budget_total=Decimal("1.00"),
    )  # fmt: skip
    login(client, users["owner"]).post(
        reverse("exports:unit_book_start", args=[project.unit_id, 2021, "pdf"])
    )
    book = ExportJob.objects.get(kind="book")
    assert book.status == JobStatus.DONE and default_storage.exists(book.file.name)
    response = client.get(reverse("exports:job_download", args=[book.pk]))
    assert "第二个康复项目" in pdf_text(_body(response))

    assert _files_on_disk(Path(media_root)) == []


def test_the_storage_options_are_a_json_object_or_a_clear_error(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from budgetapp.core.env import env_json_object

    monkeypatch.setenv("FILE_STORAGE_OPTIONS", '{"bucket_name": "budgetapp", "verify": false}')
    assert env_json_object("FILE_STORAGE_OPTIONS") == {"bucket_name": "budgetapp", "verify": False}
    monkeypatch.setenv("FILE_STORAGE_OPTIONS", "")
    assert env_json_object("FILE_STORAGE_OPTIONS") == {}
    for wrong in ('{"bucket_name": ', '["budgetapp"]'):
        monkeypatch.setenv("FILE_STORAGE_OPTIONS", wrong)
        with pytest.raises(ImproperlyConfigured, match="FILE_STORAGE_OPTIONS"):
            env_json_object("FILE_STORAGE_OPTIONS")
