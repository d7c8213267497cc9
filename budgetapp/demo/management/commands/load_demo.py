from __future__ import annotations

from django.core.management.base import BaseCommand

from budgetapp.demo.loader import ACCOUNTS, ADMIN_USERNAME, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据：种子文件中的真实公开表格、单位树和演示账户（可重复执行）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="重新载入演示单位的表格（丢弃对这些表格的修改）"
        )

    def handle(self, *args, reset: bool = False, **options) -> None:
        report = load_demo(reset=reset)
        self.stdout.write(
            f"新建表格 {len(report.created)} 张，保留已有表格 {len(report.kept)} 张。"
        )
        names = ", ".join([ADMIN_USERNAME] + [username for username, *_ in ACCOUNTS])
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：{names}")
