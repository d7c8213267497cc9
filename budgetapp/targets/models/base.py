"""What the project table and the department table share: ownership, state, money, rows."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from budgetapp.indicators.values import Comparator, parse_target


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"
    PUBLISHED = "published", "已公开"

    @classmethod
    def editable(cls) -> tuple[str, ...]:
        """States in which the filer may change the table."""
        return (cls.DRAFT, cls.RETURNED)


class Grade(models.TextChoices):
    """审核等级 (财预〔2015〕88号): 中 means revise and resubmit, 差 means rejected."""

    EXCELLENT = "excellent", "优"
    GOOD = "good", "良"
    FAIR = "fair", "中"
    POOR = "poor", "差"


class MoneyUnit(models.TextChoices):
    YUAN = "元", "元"
    WAN_YUAN = "万元", "万元"


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """Money is Decimal with two places, as in the published tables (元 or 万元)."""
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"), "金额不能为负数。")])
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


def percent_field(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0"), "百分比不能小于 0%%。"),
            MaxValueValidator(Decimal("100"), "百分比不能超过 100%%。"),
        ],
    )


# What showing or checking an indicator row reads besides the row.
INDICATOR_RELATED = ("level1", "level2__parent")


class TargetTableQuerySet(models.QuerySet):
    def with_indicator_rows(self) -> TargetTableQuerySet:
        """Every table's indicator rows in one more query (see `TargetTable.indicator_rows`)."""
        rows = self.model._meta.get_field("indicators").related_model.objects
        return self.prefetch_related(
            models.Prefetch("indicators", queryset=rows.select_related(*INDICATOR_RELATED))
        )

    def visible_to(self, user) -> TargetTableQuerySet:
        from budgetapp.units.access import units_visible_to

        return self.filter(unit__in=units_visible_to(user))


class TargetTable(models.Model):
    unit = models.ForeignKey("units.Unit", verbose_name="预算单位", on_delete=models.PROTECT)
    year = models.ForeignKey("units.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT)
    framework = models.ForeignKey(
        "indicators.Framework", verbose_name="指标体系", on_delete=models.PROTECT
    )
    money_unit = models.CharField(
        "金额单位", max_length=4, choices=MoneyUnit.choices, default=MoneyUnit.WAN_YUAN
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # Incremented on every save; a form carries the version it was loaded at so a stale save
    # can be detected (optimistic locking).
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True, editable=False)
    grade = models.CharField(
        "审核等级", max_length=10, choices=Grade.choices, blank=True, editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Set when the table was started from last year's (carry-forward, 结转上年): the editor
    # reminds the filer what still holds last year's figures.
    carried_from = models.ForeignKey(
        "self",
        verbose_name="结转自",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        editable=False,
    )
    # Values an Excel import could not store (a plan of 5000%, letters in a money cell, text
    # longer than its field): what was typed, where, and what was kept instead. The 智能审核
    # rule `import_value` reports each as an error until the filer edits that field
    # (`targets.import_problems`; docs/imports.md, "Values a draft cannot hold").
    import_problems = models.JSONField(
        "导入时未能保存的值", default=list, blank=True, editable=False
    )

    objects = TargetTableQuerySet.as_manager()

    class Meta:
        abstract = True

    # "project" or "department": the name used in URLs that serve both kinds.
    kind: str = ""

    def get_absolute_url(self) -> str:
        raise NotImplementedError  # each kind has its own page

    @property
    def title(self) -> str:
        """The table's printed title (each kind prints its own)."""
        raise NotImplementedError

    @property
    def is_editable(self) -> bool:
        return self.status in Status.editable()

    def indicator_rows(self) -> list:
        """The indicator rows with their 一级/二级 (and the 二级's parent) loaded: the rows
        prefetched with the table (`with_indicator_rows`), else one query."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("indicators")
        if prefetched is not None:
            return list(prefetched)
        return list(self.indicators.select_related(*INDICATOR_RELATED))


class IndicatorRow(models.Model):
    """One row of an indicator table: 一级 → 二级 → 三级, description, target, basis."""

    order = models.PositiveIntegerField("序号", default=0)
    level1 = models.ForeignKey(
        "indicators.Category",
        verbose_name="一级指标",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
    )
    level2 = models.ForeignKey(
        "indicators.Category",
        verbose_name="二级指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": False},
    )
    name = models.CharField("三级指标", max_length=200)
    description = models.TextField("绩效指标描述", blank=True)
    target = models.CharField("指标值", max_length=200, blank=True)
    target_comparator = models.CharField(
        "比较符", max_length=1, choices=Comparator.CHOICES, blank=True, editable=False
    )
    target_number = models.DecimalField(
        "数值", max_digits=20, decimal_places=6, null=True, blank=True, editable=False
    )
    target_unit = models.CharField("计量单位", max_length=50, blank=True, editable=False)
    basis = models.CharField("指标值确定依据", max_length=200, blank=True)
    value_prev1 = models.CharField("上年指标值", max_length=200, blank=True)
    value_prev2 = models.CharField("前年指标值", max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}：{self.target}"

    def save(self, *args, **kwargs) -> None:
        # The parsed parts are a cache of the typed text, refreshed on every save so they can
        # never disagree with what is displayed.
        self.refresh_parsed_target()
        super().save(*args, **kwargs)

    @property
    def is_quantitative(self) -> bool:
        return self.target_number is not None

    def refresh_parsed_target(self) -> None:
        """Recompute the parsed parts from the typed text (also call before bulk_create)."""
        parsed = parse_target(self.target)
        self.target = parsed.text
        self.target_comparator = parsed.comparator
        self.target_number = parsed.number
        self.target_unit = parsed.unit
