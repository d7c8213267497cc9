"""The 智能审核 rules as data: administrators tune severity, switch rules on or off, edit params.

Each rule belongs to one stage: the target tables (绩效目标), the mid-year monitoring sheets
(运行监控) or the self-evaluations (绩效自评); a stage's rules only ever see that stage's data.
The implementation of each rule is a Python function registered under the same code for its
stage (`registry.RULES` for the target tables, `registry.stage_rules(stage)` for the others);
a row without a function (or a function without a row) is a test failure.
"""

from __future__ import annotations

from django.db import models


class Severity(models.TextChoices):
    ERROR = "error", "错误"
    WARNING = "warning", "警告"


class Stage(models.TextChoices):
    TARGET = "target", "绩效目标"
    MONITORING = "monitoring", "运行监控"
    EVALUATION = "evaluation", "绩效自评"


class CheckRule(models.Model):
    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    stage = models.CharField(
        "阶段",
        max_length=12,
        choices=Stage.choices,
        default=Stage.TARGET,
        help_text="规则检查哪一阶段的表：绩效目标表、运行监控表或绩效自评表。",
    )
    description = models.TextField("说明", blank=True)
    severity = models.CharField(
        "严重程度",
        max_length=10,
        choices=Severity.choices,
        default=Severity.ERROR,
        help_text="错误：不能提交；警告：绩效目标表提交时填报人须逐条说明，"
        "运行监控表和绩效自评表的警告只提示、不妨碍提交。",
    )
    enabled = models.BooleanField("启用", default=True)
    params = models.JSONField("参数", default=dict, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "审核规则"
        verbose_name_plural = "审核规则"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
