"""Export a unit's tables of a budget year (or one project table) as PDF or Excel."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from budgetapp.exports.book import table_book, unit_book
from budgetapp.exports.registry import EXPORTERS
from budgetapp.targets.models import ProjectTable
from budgetapp.units.models import Unit


def find_unit(name_or_code: str) -> Unit:
    """The unit with this name or code; a code used in several regions is refused."""
    name_or_code = name_or_code.strip()
    matches = (
        list(
            Unit.objects.filter(Q(name=name_or_code) | Q(code=name_or_code)).select_related(
                "region"
            )
        )
        if name_or_code
        else []
    )
    if not matches:
        raise CommandError(f"找不到单位“{name_or_code}”（请填写单位名称或单位编码）。")
    if len(matches) > 1:
        candidates = "\n".join(
            f"  {unit.code or '（无编码）'} {unit.name}（{unit.region.name}）" for unit in matches
        )
        raise CommandError(
            f"“{name_or_code}”对应多个单位（单位编码只在本区划内唯一），"
            f"请用单位名称指定：\n{candidates}"
        )
    return matches[0]


class Command(BaseCommand):
    help = (
        "导出单位某一预算年度的绩效目标表（整本，或用 --project 指定一张项目表）为 PDF 或 Excel。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, help="单位名称或单位编码")
        parser.add_argument("--year", required=True, type=int, help="预算年度，如 2021")
        parser.add_argument("--format", required=True, choices=sorted(EXPORTERS), dest="fmt")
        parser.add_argument("--out", required=True, type=Path, help="输出文件路径")
        parser.add_argument("--project", help="只导出这张项目表（项目编码或项目名称）")

    def handle(
        self,
        *args,
        unit: str,
        year: int,
        fmt: str,
        out: Path,
        project: str | None = None,
        **options,
    ) -> None:
        found = find_unit(unit)
        if project:
            table = (
                ProjectTable.objects.filter(unit=found, year__year=year)
                .filter(Q(code=project) | Q(name=project))
                .select_related("unit__region", "year")
                .first()
            )
            if table is None:
                raise CommandError(f"{found.name}{year}年没有项目“{project}”。")
            book = table_book(table)
        else:
            book = unit_book(found, year)
            if not book.entries():
                raise CommandError(f"{found.name}{year}年没有绩效目标表。")
        export = EXPORTERS[fmt](book)
        out.write_bytes(export.content)
        self.stdout.write(
            f"已导出 {out}（{len(export.content)} 字节，建议文件名：{export.filename}）"
        )
