from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from budgetapp.audit.log import verify_chain


class Command(BaseCommand):
    help = "检查安全审计日志的散列链，报告第一处断裂（记录被改动或删除）。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"审计日志在第 {report.first_break_id} 号记录处断裂：{report.reason}"
                f"（之前 {report.checked} 条记录完好）。"
            )
        self.stdout.write(f"审计日志完好：{report.checked} 条记录的散列链全部衔接。")
