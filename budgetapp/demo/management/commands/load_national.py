from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from budgetapp.demo.national import DEFAULT_PASSWORD, Size
from budgetapp.demo.national_build import load_national
from budgetapp.units.models import Region


class Command(BaseCommand):
    help = (
        "生成全国规模的基准测试数据（省、市、县级单位、两个年度的表和指标行、各角色账户，"
        "上一年度全部公开）。仅用于基准测试与压力测试的专用数据库；默认规模即全国规模。"
    )

    def add_arguments(self, parser) -> None:
        defaults = Size()
        for name, text in (
            ("provinces", "省级区划数"),
            ("cities", "市级区划数"),
            ("counties", "县级单位数（每个县级区划一个单位）"),
            ("tables", "表的总数（两个年度合计）"),
            ("rows", "指标行总数"),
            ("year", "当前预算年度（上一年度全部公开）"),
            ("bench-city-units", "基准市（第一个市）辖下的单位数（含市残联）"),
            ("bench-rows", "基准项目表的指标行数"),
        ):
            attribute = name.replace("-", "_")
            parser.add_argument(
                f"--{name}",
                type=int,
                default=getattr(defaults, attribute),
                help=f"{text}（默认 {getattr(defaults, attribute)}）",
            )
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="所有生成账户的密码（默认见说明）"
        )
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="数据库中已有行政区划时仍然生成（默认拒绝，以免混入真实数据）",
        )

    def handle(self, *args, **options) -> None:
        if Region.objects.exists() and not options["allow_existing"]:
            raise CommandError(
                "数据库中已有行政区划：本命令只用于空的基准测试数据库"
                "（确需追加请加 --allow-existing）。"
            )
        size = Size(
            provinces=options["provinces"],
            cities=options["cities"],
            counties=options["counties"],
            tables=options["tables"],
            rows=options["rows"],
            year=options["year"],
            bench_city_units=options["bench_city_units"],
            bench_rows=options["bench_rows"],
        )
        try:
            size.check()
        except ValueError as error:
            raise CommandError(str(error)) from error
        started = time.monotonic()

        def log(line: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f} s] {line}")

        report = load_national(size, password=options["password"], log=log)
        for label, count in sorted(report.counts.items()):
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"基准对象：{report.bench}")
        self.stdout.write(
            f"完成，用时 {time.monotonic() - started:.1f} 秒。所有账户的密码：{report.password}"
        )
