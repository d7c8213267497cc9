"""部门整体绩效目标: one per unit and budget year.

The data model is the superset of the three regional layouts (DOMAIN.md): Hebei's narrative,
Guangdong's table and Hubei's table. Totals (合计) and shares (占比) are derived here, never
stored; the 项目支出情况 list is the unit's project tables of the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse

from .base import IndicatorRow, Status, TargetTable, money_field
from .project import ProjectTable

# The row lists each regional layout has, in page order (the editor shows exactly these; Hebei's
# narrative layout has no indicator table).
DEPARTMENT_ROW_LISTS: dict[str, list[str]] = {
    "hebei": ["sub_goals", "measures"],
    "guangdong": ["tasks", "indicators"],
    "hubei": ["indicators"],
}


def _optional_money(verbose_name: str) -> models.DecimalField:
    return money_field(verbose_name, null=True, blank=True)


@dataclass(frozen=True)
class MixLine:
    """One line of the Hubei income/expense mix, with its derived share of the year's total."""

    label: str
    current: Decimal | None
    share: Decimal | None
    prev1: Decimal | None
    prev2: Decimal | None
    field: str = ""  # the stored field of the current amount ("" for 合计)


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0")) if present else None


def _share(part: Decimal | None, total: Decimal | None) -> Decimal | None:
    if part is None or not total:
        return None
    return (part * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class DepartmentTable(TargetTable):
    kind = "department"

    # Hebei narrative / common
    overall_goal = models.TextField("总体绩效目标", blank=True)
    # Guangdong basic figures
    staff_count = models.PositiveIntegerField("财政供养人员数", null=True, blank=True)
    sub_unit_count = models.PositiveIntegerField("下属二级单位数", null=True, blank=True)
    # Current-year money (Guangdong 预算整体情况, Hubei 收入构成/支出构成 当年金额)
    expense_basic = _optional_money("基本支出")
    expense_project = _optional_money("项目支出")
    income_fiscal = _optional_money("财政拨款")
    income_other = _optional_money("其他资金")
    # The two previous years (Hubei 近两年收支金额)
    expense_basic_prev1 = _optional_money("基本支出（上年）")
    expense_project_prev1 = _optional_money("项目支出（上年）")
    income_fiscal_prev1 = _optional_money("财政拨款（上年）")
    income_other_prev1 = _optional_money("其他资金（上年）")
    expense_basic_prev2 = _optional_money("基本支出（前年）")
    expense_project_prev2 = _optional_money("项目支出（前年）")
    income_fiscal_prev2 = _optional_money("财政拨款（前年）")
    income_other_prev2 = _optional_money("其他资金（前年）")
    # Guangdong 事业发展性支出 and 按预算级次划分
    special_funds = _optional_money("财政专项资金")
    other_development = _optional_money("其他事业发展性支出")
    own_level_funds = _optional_money("本级使用资金")
    transfer_funds = _optional_money("拟用于对下转移支付资金")
    # Hubei header and narrative cells
    filler_name = models.CharField("填报人", max_length=50, blank=True)
    filler_phone = models.CharField("联系电话", max_length=30, blank=True)
    functions = models.TextField("部门职能概述", blank=True)
    annual_tasks = models.TextField("年度工作任务", blank=True)

    class Meta:
        verbose_name = "部门整体绩效目标"
        verbose_name_plural = "部门整体绩效目标"
        ordering = ["unit", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="department_table_unique_per_unit_year"
            ),
        ]
        indexes = [
            # As the project tables' (review.selectors.summarize): a year's tables counted per
            # unit and state from the index alone.
            models.Index(
                fields=["year", "unit", "status", "approved_at"], name="department_year_unit_state"
            ),
            # As the project tables' (review.selectors.default_year).
            models.Index(
                fields=["year", "unit"],
                condition=Q(status=Status.SUBMITTED),
                name="department_submitted_by_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year}年 {self.unit.name} 部门整体绩效目标"

    def get_absolute_url(self) -> str:
        return reverse("review:table", args=["department", self.pk])

    @property
    def title(self) -> str:
        return f"{self.unit.name}{self.year.year}年部门整体绩效目标"

    @property
    def income_total(self) -> Decimal | None:
        return _sum([self.income_fiscal, self.income_other])

    @property
    def expense_total(self) -> Decimal | None:
        return _sum([self.expense_basic, self.expense_project])

    def _mix(self, fields: list[tuple[str, str]]) -> list[MixLine]:
        total = _sum([getattr(self, name) for name, _ in fields])
        lines = [
            MixLine(
                label=label,
                current=getattr(self, name),
                share=_share(getattr(self, name), total),
                prev1=getattr(self, f"{name}_prev1"),
                prev2=getattr(self, f"{name}_prev2"),
                field=name,
            )
            for name, label in fields
        ]
        lines.append(
            MixLine(
                label="合计",
                current=total,
                share=Decimal("100.00") if total else None,
                prev1=_sum([line.prev1 for line in lines]),
                prev2=_sum([line.prev2 for line in lines]),
            )
        )
        return lines

    def income_mix(self) -> list[MixLine]:
        return self._mix([("income_fiscal", "财政拨款"), ("income_other", "其他资金")])

    def expense_mix(self) -> list[MixLine]:
        return self._mix([("expense_basic", "基本支出"), ("expense_project", "项目支出")])

    def project_tables(self) -> models.QuerySet[ProjectTable]:
        """The 项目支出情况 list: this unit's project tables of the same year."""
        return ProjectTable.objects.filter(unit=self.unit, year=self.year).order_by(
            "sequence", "pk"
        )


class _DepartmentRow(models.Model):
    order = models.PositiveIntegerField("序号", default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class DepartmentSubGoal(_DepartmentRow):
    """分项绩效目标 (Hebei narrative): a titled paragraph."""

    table = models.ForeignKey(DepartmentTable, on_delete=models.CASCADE, related_name="sub_goals")
    title = models.CharField("标题", max_length=200, blank=True)
    text = models.TextField("内容", blank=True)

    class Meta(_DepartmentRow.Meta):
        verbose_name = "分项绩效目标"
        verbose_name_plural = "分项绩效目标"

    def __str__(self) -> str:
        return self.title or self.text[:40]


class DepartmentMeasure(_DepartmentRow):
    """工作保障措施 (Hebei narrative)."""

    table = models.ForeignKey(DepartmentTable, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField("标题", max_length=200, blank=True)
    text = models.TextField("内容", blank=True)

    class Meta(_DepartmentRow.Meta):
        verbose_name = "工作保障措施"
        verbose_name_plural = "工作保障措施"

    def __str__(self) -> str:
        return self.title or self.text[:40]


class TaskKind(models.TextChoices):
    KEY = "key", "年度重点工作任务"
    OTHER = "other", "其他需完成的任务"


class DepartmentTask(_DepartmentRow):
    """A row of 年度重点工作任务 / 其他需完成的任务 (Guangdong)."""

    table = models.ForeignKey(DepartmentTable, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField("类别", max_length=10, choices=TaskKind.choices, default=TaskKind.KEY)
    name = models.CharField("名称", max_length=200)
    content = models.TextField("主要实施内容", blank=True)
    amount = _optional_money("拟投入的资金")
    outcome = models.TextField("期望达到的目标", blank=True)

    class Meta(_DepartmentRow.Meta):
        verbose_name = "年度工作任务"
        verbose_name_plural = "年度工作任务"

    def __str__(self) -> str:
        return self.name


class DepartmentIndicator(IndicatorRow):
    table = models.ForeignKey(DepartmentTable, on_delete=models.CASCADE, related_name="indicators")
    goal_no = models.PositiveSmallIntegerField("年度目标", default=1)

    class Meta(IndicatorRow.Meta):
        verbose_name = "部门绩效指标"
        verbose_name_plural = "部门绩效指标"
        ordering = ["goal_no", "order", "pk"]
