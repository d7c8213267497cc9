"""A full disk while publishing rolls the publication back (issue 13 §4).

The storage is made to fail as a full disk does: part of the file is written, then
OSError(ENOSPC). The table must stay approved, nothing published may be recorded, no file (whole
or half) may stay in storage, and the reviewer reads a Chinese message instead of an error page.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from budgetapp.core.errors import TableError
from budgetapp.exports.models import PublishedFile
from budgetapp.review import services
from budgetapp.review.models import Transition
from budgetapp.targets.models import Status

from .conftest import login


@pytest.fixture
def disk_full_after(monkeypatch):
    """Let `n` files be stored, then fail the next one half-way as a full disk does."""
    real_save = FileSystemStorage._save

    def install(n: int) -> list[str]:
        names: list[str] = []

        def save(self, name, content):
            names.append(name)
            if len(names) <= n:
                return real_save(self, name, content)
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.read()[:64])
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(FileSystemStorage, "_save", save)
        return names

    return install


def _stored_files(media_root: Path) -> list[Path]:
    return (
        [p for p in Path(media_root).rglob("*") if p.is_file()] if Path(media_root).exists() else []
    )


@pytest.mark.parametrize("stored_before_failure", [0, 1, 2])
def test_a_full_disk_rolls_the_publication_back(
    client, users, approved, media_root, disk_full_after, stored_before_failure
):
    attempted = disk_full_after(stored_before_failure)
    login(client, users["reviewer"])
    url = reverse("review:action", args=["project", approved.pk, "publish"])

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "服务器磁盘空间不足" in response.content.decode()
    assert "本次公开已撤销" in response.content.decode()
    assert len(attempted) == stored_before_failure + 1
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and approved.published_at is None
    assert not PublishedFile.objects.exists()
    assert not Transition.objects.filter(to_status=Status.PUBLISHED).exists()
    assert _stored_files(media_root) == []


def test_after_the_disk_is_freed_the_same_table_publishes(
    users, approved, disk_full_after, monkeypatch
):
    disk_full_after(0)
    with pytest.raises(TableError, match="磁盘空间不足"):
        services.publish_table(table=approved, user=users["reviewer"])
    monkeypatch.undo()  # space freed

    services.publish_table(table=approved, user=users["reviewer"])

    approved.refresh_from_db()
    assert approved.status == Status.PUBLISHED
    assert all(f.file.storage.exists(f.file.name) for f in PublishedFile.objects.all())
    assert PublishedFile.objects.filter(object_id=approved.pk).count() == 2
