"""Year-end self-evaluation (绩效自评): one 项目支出绩效自评表 per approved project table.

Pre-filled from the target table (项目名称, 年初预算数, 年度总体目标, the indicator rows and
their 年度指标值) and, where there was one, the year's monitoring sheet (执行数 and 预计完成值
as a starting point). The filer types 全年执行数 and 实际完成值; the scores are computed by
rule (`scoring.py`) on every save and stored, so the printed table, the checks and the city's
summary read the same figures. Weights may be changed per row with a reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.urls import reverse

from budgetapp.review.stage_models import StageRow, StageSheet
from budgetapp.targets.models import MoneyUnit
from budgetapp.targets.models.base import money_field

from .scoring import QualitativeResult


def score_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=6, decimal_places=2, **kwargs)


class FundSource(models.TextChoices):
    """The rows of 项目资金 below 年度资金总额 (which is their sum)."""

    FISCAL = "fiscal", "其中：当年财政拨款"
    CARRIED = "carried", "上年结转资金"
    OTHER = "other", "其他资金"


class SelfEvaluation(StageSheet):
    """项目支出绩效自评表."""

    kind = "evaluation"
    noun = "自评表"

    table = models.OneToOneField(
        "targets.ProjectTable",
        verbose_name="项目支出绩效目标表",
        on_delete=models.PROTECT,
        related_name="self_evaluation",
    )
    unit = models.ForeignKey("units.Unit", verbose_name="实施单位", on_delete=models.PROTECT)
    year = models.ForeignKey("units.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT)
    money_unit = models.CharField(
        "金额单位", max_length=4, choices=MoneyUnit.choices, default=MoneyUnit.WAN_YUAN
    )

    department = models.CharField("主管部门", max_length=100, blank=True)
    # 项目资金: 年初预算数 / 全年预算数 / 全年执行数 of each source.
    fiscal_initial = money_field("当年财政拨款 年初预算数", default=Decimal(0))
    fiscal_full_year = money_field("当年财政拨款 全年预算数", default=Decimal(0))
    fiscal_executed = money_field("当年财政拨款 全年执行数", default=Decimal(0))
    carried_initial = money_field("上年结转资金 年初预算数", default=Decimal(0))
    carried_full_year = money_field("上年结转资金 全年预算数", default=Decimal(0))
    carried_executed = money_field("上年结转资金 全年执行数", default=Decimal(0))
    other_initial = money_field("其他资金 年初预算数", default=Decimal(0))
    other_full_year = money_field("其他资金 全年预算数", default=Decimal(0))
    other_executed = money_field("其他资金 全年执行数", default=Decimal(0))

    goal_expected = models.TextField("年度总体目标 预期目标", blank=True)
    goal_actual = models.TextField("年度总体目标 实际完成情况", blank=True)
    weights_reason = models.TextField("分值调整理由", blank=True, help_text="改动默认分值时必填")
    budget_score = score_field("预算执行率得分", default=Decimal(0), editable=False)
    total_score = score_field("总分", default=Decimal(0), editable=False)
    grade = models.CharField("自评等级", max_length=2, blank=True, editable=False)

    class Meta:
        verbose_name = "项目支出绩效自评表"
        verbose_name_plural = "项目支出绩效自评表"
        ordering = ["year", "unit", "table__sequence", "pk"]

    def __str__(self) -> str:
        return f"{self.year.year}年 {self.table.name}绩效自评"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:sheet", args=[self.pk])

    @property
    def title(self) -> str:
        return f"{self.table.name}绩效自评表"

    @property
    def total_initial(self) -> Decimal:
        return self.fiscal_initial + self.carried_initial + self.other_initial

    @property
    def total_full_year(self) -> Decimal:
        return self.fiscal_full_year + self.carried_full_year + self.other_full_year

    @property
    def total_executed(self) -> Decimal:
        return self.fiscal_executed + self.carried_executed + self.other_executed


class EvaluationRow(StageRow):
    """One indicator of a self-evaluation: target as approved, result, weight and score."""

    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="rows")
    actual = models.CharField("实际完成值", max_length=200, blank=True)
    qualitative = models.CharField(
        "定性指标完成情况", max_length=6, choices=QualitativeResult.CHOICES, blank=True
    )
    weight = score_field("分值", default=Decimal(0))
    score = score_field("得分", default=Decimal(0), editable=False)
    analysis = models.TextField("偏差原因分析及改进措施", blank=True)

    class Meta:
        verbose_name = "自评指标"
        verbose_name_plural = "自评指标"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}：{self.actual}（{self.score}/{self.weight}）"
