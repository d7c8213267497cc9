from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from budgetapp.demo.loader import ACCOUNTS, ADMIN_USERNAME, DEMO_PASSWORD, load_demo
from budgetapp.demo.second_factors import ensure_demo_second_factors


class Command(BaseCommand):
    help = "载入演示数据：种子文件中的真实公开表格、单位树和演示账户（可重复执行）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="重新载入演示单位的表格（丢弃对这些表格的修改）"
        )
        parser.add_argument(
            "--with-admin",
            action="store_true",
            help="同时创建演示超级管理员 admin（DEBUG 模式下自动创建；切勿用于正式环境）",
        )

    def handle(self, *args, reset: bool = False, with_admin: bool = False, **options) -> None:
        # The superuser with the published demo password exists only where asked for.
        with_admin = with_admin or settings.DEBUG
        report = load_demo(reset=reset, with_admin=with_admin)
        self.stdout.write(
            f"新建表格 {len(report.created)} 张，保留已有表格 {len(report.kept)} 张。"
        )
        names = ", ".join(([ADMIN_USERNAME] if with_admin else []) + [u for u, *_ in ACCOUNTS])
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：{names}")
        if not with_admin:
            self.stdout.write(
                "未创建演示超级管理员（仅在 DEBUG 模式或加 --with-admin 时创建）；"
                "正式环境请用 createsuperuser 创建管理员。"
            )
        enrolled = ensure_demo_second_factors(
            ([ADMIN_USERNAME] if with_admin else []) + [u for u, *_ in ACCOUNTS]
        )
        if enrolled:
            self.stdout.write(
                "以下演示账户登录时须输入双因素验证码：在身份验证器应用中添加对应密钥"
                "（DEBUG 模式下也可用 python manage.py demo_code 账户名 查看当前验证码）："
            )
            for username, secret in enrolled:
                self.stdout.write(f"  {username}  {secret}")
