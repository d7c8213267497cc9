"""The 智能审核 rules as data: administrators tune severity, switch rules on or off, edit params.

The implementation of each rule is a Python function registered under the same code in
`registry.RULES`; a row without a function (or a function without a row) is a test failure.
"""

from __future__ import annotations

from django.db import models


class Severity(models.TextChoices):
    ERROR = "error", "错误"
    WARNING = "warning", "警告"


class CheckRule(models.Model):
    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    severity = models.CharField(
        "严重程度",
        max_length=10,
        choices=Severity.choices,
        default=Severity.ERROR,
        help_text="错误：不能提交；警告：提交时填报人须填写说明。",
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
