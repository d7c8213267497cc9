from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from budgetapp.audit.retention import RetentionError, purge_before


class Command(BaseCommand):
    help = (
        "删除某日之前的安全审计记录；保留期（AUDIT_RETENTION_DAYS，至少 180 天）内的记录不可删除。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--before", required=True, help="日期 YYYY-MM-DD：删除此日之前的记录")

    def handle(self, *args: Any, before: str, **options: Any) -> None:
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"日期格式不对：{before!r}，应为 YYYY-MM-DD。") from None
        try:
            removed = purge_before(day=day)
        except RetentionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已删除 {removed} 条 {day} 之前的审计记录。")
