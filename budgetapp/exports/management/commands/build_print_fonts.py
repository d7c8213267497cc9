"""Build the print font once per installation (exports/print_fonts.py)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from budgetapp.exports import print_fonts


class Command(BaseCommand):
    help = "生成导出 PDF 用的印刷字体（Noto Serif CJK SC 的 GB2312 子集），已是最新时不做任何事。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="即使已是最新也重新生成")

    def handle(self, *args, force: bool = False, **options) -> None:
        font_dir = settings.EXPORT_FONT_DIR
        if not force and print_fonts.installed(font_dir):
            self.stdout.write(f"印刷字体已是最新：{font_dir}")
            return
        started = time.perf_counter()
        try:
            files = print_fonts.build(font_dir, force=force)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        took = time.perf_counter() - started
        names = "，".join(path.name for path in files)
        self.stdout.write(f"已生成印刷字体（{took:.0f} 秒）：{names}，位于 {font_dir}")
