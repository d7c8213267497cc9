from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from budgetapp.demo.publishing import publish_demo_unit
from budgetapp.demo.stages import load_stage_demo


class Command(BaseCommand):
    help = "让演示数据中的张家口市残联 2021 年表格走完提交、审核通过、公开流程，供公众查询页演示；并生成演示用的运行监控和绩效自评（可重复执行）。"

    def handle(self, *args, **options) -> None:
        users = get_user_model().objects
        if not users.filter(username="zjk_filer").exists():
            self.stderr.write("请先运行 python manage.py load_demo。")
            return
        published = publish_demo_unit()
        if published:
            self.stdout.write(f"已公开 {published} 张表（张家口市残疾人联合会本级 2021 年）。")
        else:
            self.stdout.write("张家口市残疾人联合会本级 2021 年的表格已经走过流程，未作改动。")
        sheets, evaluations = load_stage_demo()
        if sheets:
            self.stdout.write(
                f"已生成演示用运行监控表 {sheets} 张、绩效自评表 {evaluations} 张"
                "（数值为演示数据，非公开文件内容）。"
            )
