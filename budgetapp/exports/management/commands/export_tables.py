"""Export a unit's tables of a budget year (or one project table) as PDF or Excel; `--contents`
chooses the kind of book (the target tables by default; the stages' books, the whole year)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from budgetapp.exports.book import table_book
from budgetapp.exports.models import BookContents
from budgetapp.exports.registry import BOOKS, EXPORTERS
from budgetapp.targets.models import ProjectTable
from budgetapp.units.lookup import unit_for_command


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
        parser.add_argument(
            "--contents",
            choices=list(BookContents.values),
            default=BookContents.TARGETS,
            help="全本内容：targets 绩效目标表（默认）、monitoring 执行监控表、"
            "evaluation 绩效自评表、year 全年合订本",
        )

    def handle(
        self,
        *args,
        unit: str,
        year: int,
        fmt: str,
        out: Path,
        project: str | None = None,
        contents: str = BookContents.TARGETS,
        **options,
    ) -> None:
        found = unit_for_command(unit)
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
            kind = BOOKS[contents]
            book = kind.build(found, year)
            if not book.entries():
                raise CommandError(
                    f"{found.name}{year}年：{kind.empty.removeprefix('此单位本年度')}"
                )
        export = EXPORTERS[fmt](book)
        out.write_bytes(export.content)
        self.stdout.write(
            f"已导出 {out}（{len(export.content)} 字节，建议文件名：{export.filename}）"
        )
