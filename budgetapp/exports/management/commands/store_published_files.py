"""Render and store the files of published tables that have none (published before publishing
stored files). Never replaces a stored file."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from budgetapp.exports.backfill import find_missing, store_missing
from budgetapp.exports.published import PublishFailed
from budgetapp.units.lookup import unit_for_command


class Command(BaseCommand):
    help = (
        "为已公开但没有公开文件的表（及单位全本）生成并保存 PDF 和 Excel 文件；已有的文件一律不动。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", help="只处理这个单位（单位名称或单位编码）")
        parser.add_argument("--year", type=int, help="只处理这个预算年度，如 2021")
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出缺少的文件，不生成也不保存"
        )

    def handle(
        self,
        *args,
        unit: str | None = None,
        year: int | None = None,
        dry_run: bool = False,
        **options,
    ) -> None:
        units = [unit_for_command(unit)] if unit else None
        missing = find_missing(units=units, year=year)
        if not missing:
            self.stdout.write("没有缺少公开文件的已公开表。")
            return
        if dry_run:
            for item in missing:
                self.stdout.write(f"缺少：{item.label}")
            self.stdout.write(f"共 {len(missing)} 项缺少公开文件（试运行，未生成）。")
            return
        count = 0
        for item in missing:
            try:
                files = store_missing(item)
            except PublishFailed as error:
                raise CommandError(f"{item.label}：{error}") from error
            count += len(files)
            for record in files:
                self.stdout.write(f"已保存：{record.filename}")
        self.stdout.write(f"共保存 {count} 个公开文件。")
