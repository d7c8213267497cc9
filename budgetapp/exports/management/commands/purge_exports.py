"""Delete expired city export files, fail stuck export jobs: `python manage.py purge_exports`."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from budgetapp.exports.jobs import fail_stuck_jobs, purge_expired_exports


class Command(BaseCommand):
    help = (
        "删除超过保留天数的全市导出文件（任务记录保留，标为已过期），并把超时未完成的导出标为失败。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"保留天数（默认 EXPORT_JOB_EXPIRY_DAYS={settings.EXPORT_JOB_EXPIRY_DAYS}）",
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days 不能是负数。")
        failed = fail_stuck_jobs()
        expired = purge_expired_exports(days=days)
        self.stdout.write(
            f"已删除 {expired} 个过期的导出文件；{failed} 个中断或超时的导出标为失败。"
        )
