"""manage.py disable_inactive_accounts [--days N] [--dry-run]"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from budgetapp.identity.inactive import disable_inactive_accounts


class Command(BaseCommand):
    help = "停用超过 ACCOUNT_INACTIVE_DAYS 天未登录的账户（部署用超级用户除外）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="默认取 ACCOUNT_INACTIVE_DAYS")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不停用")

    def handle(self, *args, days: int | None = None, dry_run: bool = False, **options) -> None:
        days = settings.ACCOUNT_INACTIVE_DAYS if days is None else days
        if days <= 0:
            raise CommandError("未启用：ACCOUNT_INACTIVE_DAYS 为 0；或用 --days 给出天数。")
        names = disable_inactive_accounts(days=days, dry_run=dry_run)
        verb = "将停用" if dry_run else "已停用"
        if not names:
            self.stdout.write(f"没有超过 {days} 天未登录的账户。")
            return
        self.stdout.write(f"{verb} {len(names)} 个超过 {days} 天未登录的账户：")
        for name in names:
            self.stdout.write(f"  {name}")
