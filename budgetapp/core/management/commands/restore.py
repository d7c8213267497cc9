"""Restore a backup made by `manage.py backup`, or check the live data against one.

`python manage.py restore ARCHIVE --yes` replaces the database and the stored files;
`python manage.py restore ARCHIVE --check` only compares row counts and file hashes.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgetapp.core.backup import BackupError, read_manifest, restore_backup, verify


class Command(BaseCommand):
    help = "从 backup 生成的归档恢复数据库和存储文件，并核对每张表的行数和每个文件的 SHA-256。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="backup 生成的 .tar.gz 文件")
        parser.add_argument(
            "--yes", action="store_true", help="确认覆盖现有数据库和存储文件（不再询问）"
        )
        parser.add_argument(
            "--check", action="store_true", help="只核对现有数据与备份清单是否一致，不恢复"
        )

    def handle(self, *args, archive: str, yes: bool, check: bool, **options) -> None:
        path = Path(archive)
        try:
            if check:
                result = verify(read_manifest(path))
            else:
                if not yes and not self._confirmed(path):
                    raise CommandError("已取消：未恢复任何数据。")
                result = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for line in result.lines():
            self.stderr.write(line)
        if not result.ok:
            raise CommandError(f"核对不一致：{len(result.lines())} 处（见上）。")
        done = "核对一致" if check else "已恢复并核对一致"
        self.stdout.write(f"{done}：每张表的行数和每个存储文件的 SHA-256 均与备份清单相同。")

    def _confirmed(self, path: Path) -> bool:
        try:
            answer = input(f"将用 {path} 覆盖现有数据库和全部存储文件，输入 yes 继续：")
        except EOFError:
            return False
        return answer.strip().lower() == "yes"
