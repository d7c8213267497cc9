"""Backup and restore of the database and the stored files together, in one archive.

An archive (`.tar.gz`) holds:

- `manifest.json`: when, which database engine, the row count of every table and the SHA-256
  and size of every stored file and of the database dump;
- the database: `database.pgdump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3`
  (SQLite, a consistent copy made with SQLite's online backup API, safe while the app runs);
- `media/…`: every file under MEDIA_ROOT (published files, export files, uploads), except the
  printed-tables cache (EXPORT_CACHE_DIR), which is rebuilt on demand.

`restore` checks every member against the manifest before touching anything, replaces the
database (`pg_restore --clean`, or the SQLite backup API the other way) and the stored files,
then `verify` compares the row counts and file hashes with the manifest. See docs/operations.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (in Chinese)."""


@dataclass
class Verification:
    """What differs between the live data and a manifest; empty lists mean identical."""

    tables: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.tables and not self.files

    def lines(self) -> list[str]:
        return self.tables + self.files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(
            f"不支持的数据库类型：{connection.vendor}（仅支持 PostgreSQL 和 SQLite）。"
        )
    return connection.vendor


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _skipped_dirs() -> list[Path]:
    cache = getattr(settings, "EXPORT_CACHE_DIR", None)
    return [Path(cache).resolve()] if cache else []


def stored_files() -> dict[str, Path]:
    """Every stored file under MEDIA_ROOT by its relative POSIX path (the cache left out)."""
    root = _media_root()
    if not root.is_dir():
        return {}
    skipped = _skipped_dirs()
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        resolved = path.resolve()
        if any(resolved.is_relative_to(s) for s in skipped):
            continue
        found[path.relative_to(root).as_posix()] = path
    return found


def file_hashes() -> dict[str, str]:
    return {name: sha256_of(path) for name, path in stored_files().items()}


def table_counts() -> dict[str, int]:
    """The number of rows of every table of the database (Django's own tables included)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args + ["--no-password", "--dbname", str(db["NAME"])], env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(
            f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）。"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-2000:]}")


def _dump_database(target: Path) -> None:
    if _vendor() == "postgresql":
        args, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], env)
        return
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def _load_database(source: Path) -> None:
    vendor = _vendor()
    connection.close()
    if vendor == "postgresql":
        args, env = _pg_env()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
             str(source)],
            env,
        )  # fmt: skip
        return
    connection.ensure_connection()
    with sqlite3.connect(source) as copy:
        copy.backup(connection.connection)
    copy.close()


def create_backup(output: Path) -> dict[str, Any]:
    """Write the archive to `output` (through a temporary name, so a failed backup leaves no
    half-written archive under the final name); returns the manifest."""
    vendor = _vendor()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backup-") as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        # The counts first, then the dump: rows written in between would only show up as a
        # difference at verification, never be lost.
        counts = table_counts()
        _dump_database(dump)
        files = stored_files()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "name": dump.name, "sha256": sha256_of(dump)},
            "tables": counts,
            "files": {
                name: {"sha256": sha256_of(path), "size": path.stat().st_size}
                for name, path in files.items()
            },
        }
        partial = output.with_name(f".{output.name}.partial")
        with tarfile.open(partial, "w:gz") as archive:
            encoded = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(encoded)
            info.mtime = int(timezone.now().timestamp())
            with tempfile.SpooledTemporaryFile() as buffer:
                buffer.write(encoded)
                buffer.seek(0)
                archive.addfile(info, buffer)
            archive.add(dump, arcname=dump.name)
            for name, path in files.items():
                archive.add(path, arcname=MEDIA_PREFIX + name)
        os.replace(partial, output)
    return manifest


def _safe_media_name(member: str) -> str | None:
    """The relative path of a `media/` member, or None for anything that would leave
    MEDIA_ROOT (absolute paths, `..`)."""
    if not member.startswith(MEDIA_PREFIX):
        return None
    relative = PurePosixPath(member[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    return relative.as_posix()


def read_manifest(archive_path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            handle = archive.extractfile(MANIFEST)
            if handle is None:
                raise KeyError(MANIFEST)
            manifest = json.load(handle)
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"无法读取备份文件 {archive_path}：{error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("备份文件的格式版本不受支持。")
    return manifest


def _unpack(archive_path: Path, manifest: dict[str, Any], work: Path) -> tuple[Path, Path]:
    """Unpack into `work` and check every member against the manifest; nothing live is touched
    until all of it is proven intact."""
    database = manifest["database"]
    dump = work / database["name"]
    media = work / "media"
    media.mkdir()
    seen: set[str] = set()
    with tarfile.open(archive_path, "r:*") as archive:
        for member in archive:
            if member.name == MANIFEST:
                continue
            if member.name == database["name"] and member.isfile():
                target = dump
            else:
                name = _safe_media_name(member.name)
                if name is None or not member.isfile() or name not in manifest["files"]:
                    raise BackupError(f"备份文件中有清单之外的内容：{member.name}")
                target = media / name
                seen.add(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            with target.open("wb") as out:
                shutil.copyfileobj(source, out)
    if not dump.is_file() or sha256_of(dump) != database["sha256"]:
        raise BackupError("备份文件中的数据库部分缺失或已损坏（SHA-256 不符）。")
    missing = sorted(set(manifest["files"]) - seen)
    if missing:
        raise BackupError(f"备份文件缺少 {len(missing)} 个存储文件，例如 {missing[0]}。")
    for name, expected in manifest["files"].items():
        if sha256_of(media / name) != expected["sha256"]:
            raise BackupError(f"备份文件中的存储文件已损坏（SHA-256 不符）：{name}")
    return dump, media


def _replace_media(unpacked: Path) -> None:
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    for path in stored_files().values():
        path.unlink()
    for path in sorted(unpacked.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(unpacked)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def restore_backup(archive_path: Path) -> Verification:
    """Replace the database and the stored files with the archive's; returns the check of the
    result against the manifest (row counts of every table, SHA-256 of every file)."""
    archive_path = Path(archive_path)
    manifest = read_manifest(archive_path)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"此备份来自 {manifest['database']['vendor']} 数据库，不能恢复到 {vendor} 数据库。"
        )
    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        dump, media = _unpack(archive_path, manifest, Path(work))
        _load_database(dump)
        _replace_media(media)
    return verify(manifest)


def verify(manifest: dict[str, Any]) -> Verification:
    """Compare the live database and stored files with a manifest."""
    result = Verification()
    live = table_counts()
    for table, expected in sorted(manifest["tables"].items()):
        actual = live.get(table)
        if actual != expected:
            result.tables.append(f"表 {table}：备份中 {expected} 行，现有 {actual} 行")
    hashes = file_hashes()
    for name, expected in sorted(manifest["files"].items()):
        actual = hashes.get(name)
        if actual is None:
            result.files.append(f"文件缺失：{name}")
        elif actual != expected["sha256"]:
            result.files.append(f"文件内容不符（SHA-256）：{name}")
    return result
