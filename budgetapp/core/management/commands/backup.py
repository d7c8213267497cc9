"""Back up the database and the stored files into one archive: `python manage.py backup`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from budgetapp.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "把数据库和全部存储文件备份到一个归档文件（.tar.gz），附行数与 SHA-256 清单。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            default=None,
            help="归档文件路径（默认 backups/budgetapp-<时间>.tar.gz）",
        )

    def handle(self, *args, output: str | None = None, **options) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(output) if output else Path("backups") / f"budgetapp-{stamp}.tar.gz"
        try:
            manifest = create_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已备份到 {target}：{len(manifest['tables'])} 张表共 {rows} 行，"
            f"{len(manifest['files'])} 个存储文件。"
        )
