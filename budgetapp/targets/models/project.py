"""项目支出绩效目标表: one per project, unit and budget year."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse

from .base import IndicatorRow, Status, TargetTable, money_field, percent_field


class ProjectTable(TargetTable):
    kind = "project"

    sequence = models.PositiveSmallIntegerField(
        "表序号",
        default=0,
        help_text="在单位绩效目标文本中的编号（如“1.残疾人康复经费绩效目标表”）",
    )
    code = models.CharField("项目编码", max_length=40, blank=True)
    name = models.CharField("项目名称", max_length=200)
    budget_total = money_field("预算数")
    budget_fiscal = money_field("其中：财政资金", default=Decimal("0"))
    budget_other = money_field("其他资金", default=Decimal("0"))
    lifetime_budget = money_field(
        "项目总预算",
        null=True,
        blank=True,
        help_text="跨年度项目的总预算；留空表示与本年度预算数相同",
    )
    fund_use = models.TextField("资金用途", blank=True)
    plan_march = percent_field("3月底")
    plan_june = percent_field("6月底")
    plan_october = percent_field("10月底")
    plan_december = percent_field("12月底")

    class Meta:
        verbose_name = "项目支出绩效目标表"
        verbose_name_plural = "项目支出绩效目标表"
        ordering = ["unit", "year", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "code"],
                condition=~Q(code=""),
                name="project_code_unique_per_unit_year",
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "name"], name="project_name_unique_per_unit_year"
            ),
        ]
        indexes = [
            # The reviewer's dashboard (review.selectors.summarize) counts and sums a year's
            # tables per unit and state from this index alone: a 4 MB index-only scan instead
            # of the 21 MB of the country's tables, already in order of unit and state.
            models.Index(
                fields=["year", "unit", "status", "money_unit", "budget_total", "approved_at"],
                name="project_year_unit_state",
            ),
            # The years with tables waiting for review (review.selectors.default_year): a few
            # thousand rows of the country's 57,000 instead of all of them.
            models.Index(
                fields=["year", "unit"],
                condition=Q(status=Status.SUBMITTED),
                name="project_submitted_by_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year}年 {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("review:table", args=["project", self.pk])

    @property
    def title(self) -> str:
        """The table's heading as printed in a unit's book: `1.残疾人康复经费绩效目标表`."""
        prefix = f"{self.sequence}." if self.sequence else ""
        return f"{prefix}{self.name}绩效目标表"

    @property
    def spending_plan(self) -> list[Decimal | None]:
        return [self.plan_march, self.plan_june, self.plan_october, self.plan_december]

    @property
    def total_budget(self) -> Decimal:
        """项目总预算 for the 项目支出情况 list: the lifetime figure where one was given."""
        return self.lifetime_budget if self.lifetime_budget is not None else self.budget_total


class ProjectGoal(models.Model):
    """One numbered sentence of the project's 绩效目标."""

    table = models.ForeignKey(ProjectTable, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveIntegerField("序号", default=0)
    text = models.TextField("绩效目标")

    class Meta:
        verbose_name = "项目绩效目标"
        verbose_name_plural = "项目绩效目标"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class ProjectIndicator(IndicatorRow):
    table = models.ForeignKey(ProjectTable, on_delete=models.CASCADE, related_name="indicators")

    class Meta(IndicatorRow.Meta):
        verbose_name = "项目绩效指标"
        verbose_name_plural = "项目绩效指标"
