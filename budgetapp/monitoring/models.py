"""Mid-year monitoring (绩效运行监控): a round per city and year, a sheet per project table.

A reviewer opens a round with a cut-off month (1–N月) and a due date; every approved or
published project table of the city's units that year gets a sheet, pre-filled from the table
(年初预算数, the indicator rows and their 年度指标值), so no indicator is typed twice. The filer
types what was spent and achieved by the cut-off and what is expected for the year; the lights
(`lights.py`) are computed on every save from the thresholds stored with the round.

Sheets go through the same workflow states as the target tables (`targets.models.Status`) and
leave the same generic records (`review.Transition`, `targets.Revision`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from budgetapp.review.stage_models import StageRow, StageSheet
from budgetapp.targets.models import MoneyUnit
from budgetapp.targets.models.base import money_field

from .lights import RULE_FIELDS, Light, LightRules, Likelihood

LIGHT_CHOICES = [(key, label) for key, label in Light.LABELS.items()]


def default_rules() -> dict[str, str]:
    """The shipped thresholds; a round is given the administrator's (`rule_settings`)."""
    return LightRules().to_data()


def _threshold(label: str, help_text: str, default: str) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, default=Decimal(default), help_text=help_text
    )


class LightRuleDefaults(models.Model):
    """默认亮灯规则: the thresholds a new monitoring round is given (one row, pk 1).

    Shares are kept as the administrator types them (percentages); a round keeps its own copy
    (`MonitoringRound.rules`), so changing these never changes a round already opened."""

    green_share = _threshold(
        "绿灯容差（%）", "全年预计完成值未达目标、但差距不超过目标值的该比例时，仍亮绿灯。", "0"
    )
    amber_share = _threshold(
        "黄灯容差（%）", "差距超过绿灯容差、但不超过目标值的该比例时亮黄灯，再大亮红灯。", "10"
    )
    budget_green_points = _threshold(
        "执行进度绿灯容差（个百分点）", "执行率落后资金支出计划进度不超过该值时，仍亮绿灯。", "0"
    )
    budget_amber_points = _threshold(
        "执行进度黄灯容差（个百分点）", "执行率落后计划超过绿灯容差、但不超过该值时亮黄灯。", "10"
    )

    class Meta:
        verbose_name = "默认亮灯规则"
        verbose_name_plural = "默认亮灯规则"

    def __str__(self) -> str:
        return "运行监控默认亮灯规则"

    def typed(self) -> dict[str, Decimal]:
        return {name: Decimal(getattr(self, name)) for name, *_ in RULE_FIELDS}

    @classmethod
    def current(cls) -> LightRules:
        """The thresholds a new round is given: the administrator's, else the shipped ones."""
        row = cls.objects.filter(pk=1).first()
        return LightRules.from_typed(row.typed()) if row else LightRules()


class DeviationCause(models.TextChoices):
    """偏差原因, as the national monitoring table lists them."""

    FUNDING = "funding", "经费保障"
    RULES = "rules", "制度保障"
    STAFF = "staff", "人员保障"
    EQUIPMENT = "equipment", "硬件条件保障"
    OTHER = "other", "其他"


class MonitoringRound(models.Model):
    """监控批次: one city's monitoring of one year's approved project tables."""

    region = models.ForeignKey(
        "units.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.ForeignKey("units.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT)
    cutoff_month = models.PositiveSmallIntegerField(
        "截至月份",
        validators=[
            MinValueValidator(1, "截至月份应在 1–11 月之间。"),
            MaxValueValidator(11, "截至月份应在 1–11 月之间。"),
        ],
        help_text="监控数据截至的月份，如 7 表示 1–7月",
    )
    due_date = models.DateField("报送截止日期")
    rules = models.JSONField("亮灯规则", default=default_rules)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "运行监控批次"
        verbose_name_plural = "运行监控批次"
        ordering = ["-year__year", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="monitoring_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year.year}年 {self.region.name} 1–{self.cutoff_month}月运行监控"

    @property
    def period_label(self) -> str:
        return f"1–{self.cutoff_month}月"

    @property
    def light_rules(self) -> LightRules:
        return LightRules.from_data(self.rules)


class MonitoringSheet(StageSheet):
    """项目支出绩效目标执行监控表 of one project table."""

    kind = "monitoring"
    noun = "监控表"

    round = models.ForeignKey(
        MonitoringRound, verbose_name="监控批次", on_delete=models.PROTECT, related_name="sheets"
    )
    table = models.ForeignKey(
        "targets.ProjectTable",
        verbose_name="项目支出绩效目标表",
        on_delete=models.PROTECT,
        related_name="monitoring_sheets",
    )
    unit = models.ForeignKey("units.Unit", verbose_name="预算单位", on_delete=models.PROTECT)
    money_unit = models.CharField(
        "金额单位", max_length=4, choices=MoneyUnit.choices, default=MoneyUnit.WAN_YUAN
    )

    budget = money_field("年初预算数", editable=False)
    spent = money_field("执行数", null=True, blank=True, help_text="截至月份末的累计执行数")
    projected_spend = money_field("全年预计执行数", null=True, blank=True)
    lag_reason = models.TextField(
        "执行偏差原因", blank=True, help_text="执行率低于支出计划进度时必填"
    )
    light = models.CharField(
        "亮灯", max_length=6, choices=LIGHT_CHOICES, blank=True, editable=False
    )

    class Meta:
        verbose_name = "项目支出绩效目标执行监控表"
        verbose_name_plural = "项目支出绩效目标执行监控表"
        ordering = ["round", "unit", "table__sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "table"], name="monitoring_sheet_unique")
        ]

    def __str__(self) -> str:
        return f"{self.table.name}（{self.round.period_label}监控）"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:sheet", args=[self.pk])

    @property
    def year(self):
        return self.round.year

    @property
    def title(self) -> str:
        return f"{self.table.name}绩效目标执行监控表（{self.round.period_label}）"


class MonitoringRow(StageRow):
    """One indicator of a monitoring sheet: the target as approved, the progress as reported."""

    sheet = models.ForeignKey(MonitoringSheet, on_delete=models.CASCADE, related_name="rows")
    to_date = models.CharField("实际完成值", max_length=200, blank=True)
    projected = models.CharField("全年预计完成值", max_length=200, blank=True)
    likelihood = models.CharField(
        "完成目标可能性", max_length=10, choices=Likelihood.CHOICES, blank=True
    )
    causes = models.JSONField("偏差原因", default=list, blank=True)
    cause_note = models.TextField("偏差原因说明", blank=True)
    measures = models.TextField("完善措施", blank=True)
    light = models.CharField(
        "亮灯", max_length=6, choices=LIGHT_CHOICES, blank=True, editable=False
    )

    class Meta:
        verbose_name = "监控指标"
        verbose_name_plural = "监控指标"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}：{self.target}"

    @property
    def cause_labels(self) -> list[str]:
        labels = dict(DeviationCause.choices)
        return [labels.get(c, c) for c in self.causes]
