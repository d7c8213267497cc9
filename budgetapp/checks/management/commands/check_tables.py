"""Run the 智能审核 rules on a unit's tables of a budget year and print the findings."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from budgetapp.targets.models import DepartmentTable, ProjectTable

# The exporter's resolver (name, or a code unique across regions) is the one users know.
from budgetapp.units.lookup import unit_for_command

from ...engine import check_table


class Command(BaseCommand):
    help = "检查单位某一预算年度的绩效目标表（智能审核），有错误时以状态码 1 退出。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, help="单位名称或单位编码")
        parser.add_argument("--year", required=True, type=int, help="预算年度，如 2021")
        parser.add_argument("--project", help="只检查这张项目表（项目编码或项目名称）")

    def handle(self, *args, unit: str, year: int, project: str | None = None, **options) -> None:
        found = unit_for_command(unit)
        projects = ProjectTable.objects.filter(unit=found, year__year=year).select_related(
            "unit", "year"
        )
        tables: list = []
        if project:
            projects = projects.filter(Q(code=project) | Q(name=project))
            if not projects.exists():
                raise CommandError(f"{found.name}{year}年没有项目“{project}”。")
        else:
            tables += list(DepartmentTable.objects.filter(unit=found, year__year=year))
        tables += list(projects.order_by("sequence", "pk"))
        if not tables:
            raise CommandError(f"{found.name}{year}年没有绩效目标表。")
        errors = warnings = 0
        for table in tables:
            report = check_table(table)
            errors += len(report.errors)
            warnings += len(report.warnings)
            summary = f"{len(report.errors)} 个错误，{len(report.warnings)} 个警告"
            self.stdout.write(f"\n【{table.title}】{summary if report.findings else '未发现问题'}")
            for finding in report.findings:
                where = f"第 {finding.row} 行" if finding.row else "表头"
                self.stdout.write(
                    f"  [{finding.severity_label}] {where} {finding.rule_name}（{finding.rule}）："
                    f"{finding.message}"
                )
        self.stdout.write(f"\n共检查 {len(tables)} 张表：{errors} 个错误，{warnings} 个警告。")
        if errors:
            raise SystemExit(1)
