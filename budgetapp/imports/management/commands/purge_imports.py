"""Delete uploaded Excel files that were never confirmed: `python manage.py purge_imports`."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from budgetapp.imports.services import purge_stale_batches


class Command(BaseCommand):
    help = "删除超过保留天数仍未确认导入的 Excel 上传记录（已导入的记录保留）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"保留天数（默认 IMPORT_PENDING_DAYS={settings.IMPORT_PENDING_DAYS}）",
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days 不能是负数。")
        deleted = purge_stale_batches(days=days)
        kept = settings.IMPORT_PENDING_DAYS if days is None else days
        self.stdout.write(f"已删除 {deleted} 个超过 {kept} 天未确认的导入。")
