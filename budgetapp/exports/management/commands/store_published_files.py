"""Freeze published tables that have no published version yet, render and store the files of
versions that have none, and (`--verify`) check every served file against its SHA-256,
rendering a missing or changed one again from its frozen version. Never replaces a stored
file: a repaired file is a new record beside the broken one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from budgetapp.exports import integrity
from budgetapp.exports.backfill import find_missing, store_missing
from budgetapp.exports.published import PublishFailed
from budgetapp.units.lookup import unit_for_command


class Command(BaseCommand):
    help = (
        "为已公开但没有公开版本或公开文件的表（及单位全本）补记版本、生成并保存 PDF 和 Excel 文件；"
        "已有的文件一律不动。--verify 校验每个对外提供的文件的 SHA-256，缺失或不一致的按公开版本重新生成。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", help="只处理这个单位（单位名称或单位编码）")
        parser.add_argument("--year", type=int, help="只处理这个预算年度，如 2021")
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出缺少的文件，不生成也不保存"
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="校验对外提供的公开文件（SHA-256），缺失或被改动的按公开版本重新生成",
        )

    def handle(
        self,
        *args,
        unit: str | None = None,
        year: int | None = None,
        dry_run: bool = False,
        verify: bool = False,
        **options,
    ) -> None:
        if verify:
            self._verify(dry_run=dry_run)
            return
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

    def _verify(self, *, dry_run: bool) -> None:
        broken = integrity.find_broken()
        if not broken:
            self.stdout.write("所有公开文件均与公开时的 SHA-256 一致。")
            return
        for item in broken:
            self.stdout.write(f"校验失败（缺失或被改动）：{item.label}")
        if dry_run:
            self.stdout.write(f"共 {len(broken)} 个公开文件校验失败（试运行，未重新生成）。")
            return
        for item in broken:
            try:
                files = integrity.repair(item)
            except PublishFailed as error:
                raise CommandError(f"{item.label}：{error}") from error
            for record in files:
                self.stdout.write(f"已按公开版本重新生成：{record.filename}")
        self.stdout.write(f"共 {len(broken)} 个公开文件校验失败，已重新生成。")
