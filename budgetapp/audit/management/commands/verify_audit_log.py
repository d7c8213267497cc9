from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from budgetapp.audit.log import reanchor, verify_chain


class Command(BaseCommand):
    help = (
        "检查安全审计日志的散列链，并与链外锚点（AUDIT_ANCHOR_FILE）核对，"
        "报告第一处断裂（记录被改动或删除，包括最新的记录被删除）。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reanchor",
            metavar="REASON",
            help=(
                "在确认之后重新设定锚点（例如从备份恢复数据库之后，或首次启用锚点时）："
                "链本身须完好；原因写入审计日志。"
            ),
        )

    def handle(self, *args: Any, reanchor: str | None = None, **options: Any) -> None:
        if reanchor is not None:
            if not reanchor.strip():
                raise CommandError("请用 --reanchor 说明重新设定锚点的原因。")
            report = reanchor_log(reanchor.strip())
            self.stdout.write(
                f"已重新设定锚点：{report.checked} 条记录的散列链完好，锚点指向最新的记录。"
            )
            return
        report = verify_chain()
        if report.first_break_id is not None:
            raise CommandError(
                f"审计日志在第 {report.first_break_id} 号记录处断裂：{report.reason}"
                f"（之前 {report.checked} 条记录完好）。"
            )
        if report.anchor_problem:
            raise CommandError(
                f"审计日志的散列链衔接（{report.checked} 条记录），但与链外锚点核对不符："
                f"{report.anchor_problem}。"
            )
        self.stdout.write(
            f"审计日志完好：{report.checked} 条记录的散列链全部衔接，"
            f"与 {report.anchors_checked} 个链外锚点一致"
            + (f"（最新锚点：第 {report.anchor_head} 号记录）。" if report.anchor_head else "。")
        )


def reanchor_log(reason: str):
    try:
        return reanchor(reason=reason, by="manage.py verify_audit_log --reanchor")
    except ValueError as error:
        raise CommandError(str(error)) from None
