"""Import a unit's tables of a budget year from an XLSX in the official layout.

The user recorded as the author of the changes (revisions, `updated_by`) is `--user`, or else
the unit's first filer account (lowest id): the services only let a filer of the unit write.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from budgetapp.imports.apply import import_workbook
from budgetapp.imports.services import ImportRefused, read_upload
from budgetapp.units.access import can_file_for

# The unit resolver of export_tables, so both commands read `--unit` alike.
from budgetapp.units.lookup import unit_for_command
from budgetapp.units.models import Account, Role


class Command(BaseCommand):
    help = "从官方样式的 Excel（.xlsx）导入单位某一预算年度的绩效目标表；--dry-run 只预览不写入。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="要导入的 .xlsx 文件")
        parser.add_argument("--unit", required=True, help="单位名称或单位编码")
        parser.add_argument("--year", required=True, type=int, help="预算年度，如 2021")
        parser.add_argument("--dry-run", action="store_true", help="只显示预览和问题，不写入")
        parser.add_argument("--user", help="记为修改人的填报人用户名（默认：本单位第一个填报人）")

    def handle(self, *args, file: Path, unit: str, year: int, dry_run: bool, user=None, **options):
        found = unit_for_command(unit)
        author = self._author(found, user)
        if not file.is_file():
            raise CommandError(f"找不到文件 {file}。")
        try:
            parsed = read_upload(file.read_bytes(), file.name)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        result = import_workbook(user=author, unit=found, year=year, parsed=parsed, dry_run=dry_run)
        for problem in result.problems:
            self._problem(problem)
        for outcome in result.outcomes:
            self.stdout.write(f"[{outcome.action_label}] {outcome.parsed.sheet}：{outcome.label}")
            for problem in outcome.problems:
                self._problem(problem, indent="    ")
            if outcome.diff:
                for change in outcome.diff.fields:
                    self.stdout.write(f"    {change.label}：{change.old!r} → {change.new!r}")
                for row in outcome.diff.rows:
                    self.stdout.write(
                        f"    {row.section_label}第 {row.position} 行（{row.title}）：{row.kind_label}"
                    )
        if not result.importable:
            raise CommandError(f"发现 {result.error_count} 个错误，没有写入任何内容。")
        if dry_run:
            self.stdout.write(f"预览（未写入）：{result.summary()}")
        else:
            self.stdout.write(self.style.SUCCESS(f"已导入：{result.summary()}"))
        if result.refused:
            # Each table stands on its own: the others were imported; exit non-zero all the same.
            raise CommandError(
                f"发现 {result.error_count} 个错误，{len(result.refused)} 张表未导入"
                f"{'（预览）' if dry_run else ''}。"
            )

    def _problem(self, problem, indent: str = "") -> None:
        prefix = "错误" if problem.is_error else "提醒"
        stream = self.stderr if problem.is_error else self.stdout
        stream.write(f"{indent}{prefix}：{problem}")

    def _author(self, unit, username: str | None):
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"找不到用户“{username}”。")
            if not can_file_for(user, unit):
                raise CommandError(f"用户“{username}”不是{unit.name}的填报人，不能导入。")
            return user
        account = (
            Account.objects.filter(unit=unit, role=Role.FILER).select_related("user").order_by("pk")
        ).first()
        if account is None:
            raise CommandError(f"{unit.name}没有填报人账户，请先创建，或用 --user 指定填报人。")
        return account.user
