"""Backup and restore that has been tried (issue 13 §5).

The drill: the demo with its published files is backed up, the database and the stored files
are wiped, the archive is restored, and every table's row count and every stored file's SHA-256
must be as before. It runs on the database the suite runs on: PostgreSQL in CI (pg_dump and
pg_restore), SQLite locally (SQLite's backup API).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from budgetapp.core import backup
from budgetapp.demo.loader import load_demo
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.exports.models import PublishedFile
from budgetapp.monitoring.models import MonitoringSheet
from budgetapp.targets.models import ProjectTable

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("checks_on"),
]


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _file_hashes() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def published_demo():
    load_demo()
    call_command("publish_demo", verbosity=0)
    assert PublishedFile.objects.exists()


def test_backup_wipe_restore_drill(published_demo, tmp_path):
    counts, hashes = _row_counts(), _file_hashes()
    assert counts["targets_projecttable"] > 0 and len(hashes) >= 2
    archive = tmp_path / "drill.tar.gz"

    call_command("backup", output=str(archive), verbosity=0)
    _wipe()
    assert ProjectTable.objects.count() == 0 and _file_hashes() == {}
    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)

    assert "已恢复并核对一致" in out.getvalue()
    assert _row_counts() == counts
    assert _file_hashes() == hashes
    # The restored data works as data: the published files are found through their rows.
    stored = PublishedFile.objects.first()
    assert stored.file.storage.exists(stored.file.name)


def test_check_finds_a_changed_file_and_a_changed_table(published_demo, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(archive)
    call_command("restore", str(archive), check=True, stdout=io.StringIO())

    name = next(iter(_file_hashes()))
    (Path(settings.MEDIA_ROOT) / name).write_bytes(b"tampered")
    # A table no monitoring sheet or self-evaluation of the demo refers to (those protect it).
    unreferenced = ProjectTable.objects.filter(
        monitoring_sheets__isnull=True, self_evaluation__isnull=True
    ).first()
    ProjectTable.objects.filter(pk=unreferenced.pk).delete()
    errors = io.StringIO()
    with pytest.raises(CommandError, match="核对不一致"):
        call_command("restore", str(archive), check=True, stderr=errors)
    assert f"文件内容不符（SHA-256）：{name}" in errors.getvalue()
    assert "表 targets_projecttable" in errors.getvalue()


def _rewrite(archive: Path, target: Path, change) -> None:
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else b""
            member, data = change(member, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_a_damaged_archive_is_refused_before_anything_is_touched(published_demo, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(archive)
    counts, hashes = _row_counts(), _file_hashes()

    def corrupt(member, data):
        return member, (b"x" + data[1:] if member.name.startswith("media/") else data)

    def escape(member, data):
        if member.name.startswith("media/"):
            member.name = "media/../../outside.pdf"
        return member, data

    for change, message in ((corrupt, "SHA-256 不符"), (escape, "清单之外")):
        damaged = tmp_path / f"{change.__name__}.tar.gz"
        _rewrite(archive, damaged, change)
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(damaged), yes=True, stdout=io.StringIO())
        assert _row_counts() == counts and _file_hashes() == hashes
    assert not (tmp_path / "outside.pdf").exists()


def test_restore_without_confirmation_changes_nothing(published_demo, tmp_path, monkeypatch):
    archive = tmp_path / "b.tar.gz"
    backup.create_backup(archive)
    # The demo's monitoring sheets and self-evaluations protect their tables: they go first.
    MonitoringSheet.objects.all().delete()
    SelfEvaluation.objects.all().delete()
    ProjectTable.objects.all().delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert ProjectTable.objects.count() == 0


def test_the_print_cache_is_not_backed_up(published_demo, tmp_path, settings):
    settings.EXPORT_CACHE_DIR = Path(settings.MEDIA_ROOT) / "export-cache"
    cached = settings.EXPORT_CACHE_DIR / "ab" / "entry.djcache"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"cache")
    manifest = backup.create_backup(tmp_path / "b.tar.gz")
    assert manifest["files"] and not any(n.startswith("export-cache/") for n in manifest["files"])
