"""manage.py demo_code USERNAME: the current second-factor code of a demo account (DEBUG only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.demo.second_factors import demo_key_hex


class Command(BaseCommand):
    help = "显示演示账户当前的双因素验证码（仅限 DEBUG 模式下的演示密钥）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("仅在 DEBUG 模式下可用。")
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, key=demo_key_hex(username)
        ).first()
        if device is None:
            raise CommandError(f"{username} 没有绑定演示密钥。")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
