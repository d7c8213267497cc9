"""The indicator library (指标库): indicators a filer can pick instead of retyping them.

An entry names its 一级/二级 categories as text, not as foreign keys: the same entry serves
tables filed under either framework (`legacy` with 成本指标 under 产出指标, `central-2021` with
成本指标 first-level), and `categories.resolve` maps the names onto a framework's rows when the
filer picks it. 共性指标 (common) are offered to everyone; a 个性指标 is proposed by a unit,
approved by an administrator, and then offered to that unit only. Retired entries are kept (a
table may have been filled from them) but never offered again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from budgetapp.indicators.values import Comparator


class EntryKind(models.TextChoices):
    COMMON = "common", "共性指标"
    UNIT = "unit", "个性指标"


class EntryStatus(models.TextChoices):
    PROPOSED = "proposed", "待审核"
    APPROVED = "approved", "已启用"
    REJECTED = "rejected", "未通过"
    RETIRED = "retired", "已停用"


# What an entry says about an indicator: what a unit proposes, the admin edits and the search
# returns.
CONTENT_FIELDS = [
    "level1_name",
    "level2_name",
    "name",
    "description",
    "comparator",
    "measure_unit",
    "basis",
    "keywords",
]


class LibraryEntryQuerySet(models.QuerySet):
    def offered_to(self, user) -> LibraryEntryQuerySet:
        """Approved entries the user may pick: every 共性指标 and their units' 个性指标."""
        from budgetapp.units.access import units_visible_to

        return self.filter(status=EntryStatus.APPROVED).filter(
            Q(kind=EntryKind.COMMON)
            | Q(kind=EntryKind.UNIT, unit__in=units_visible_to(user).values("pk"))
        )


class LibraryEntry(models.Model):
    kind = models.CharField(
        "类型", max_length=10, choices=EntryKind.choices, default=EntryKind.COMMON
    )
    status = models.CharField(
        "状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.APPROVED
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="提出单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="library_entries",
        help_text="个性指标只向提出单位提供；共性指标留空",
    )
    level1_name = models.CharField("一级指标", max_length=50)
    level2_name = models.CharField("二级指标", max_length=50, blank=True)
    name = models.CharField("三级指标", max_length=200)
    description = models.TextField("绩效指标描述", blank=True)
    comparator = models.CharField(
        "常用比较符", max_length=1, choices=Comparator.CHOICES, blank=True
    )
    measure_unit = models.CharField("计量单位", max_length=50, blank=True)
    basis = models.CharField("指标值确定依据", max_length=200, blank=True)
    keywords = models.TextField(
        "关键词",
        blank=True,
        help_text="用于按项目名称推荐，多个词用空格或逗号分隔（种子数据取自出现该指标的项目名称）",
    )
    usage_count = models.PositiveIntegerField(
        "使用次数", default=0, help_text="在已公开表格中出现的次数，用于排序"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LibraryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "指标库条目"
        verbose_name_plural = "指标库"
        ordering = ["level1_name", "level2_name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="common", unit__isnull=True) | Q(kind="unit", unit__isnull=False),
                name="library_entry_unit_iff_unit_kind",
                violation_error_message="个性指标须填写提出单位；共性指标不填提出单位。",
            ),
            models.UniqueConstraint(
                fields=["level1_name", "level2_name", "name"],
                condition=Q(kind="common"),
                name="library_common_entry_unique",
                violation_error_message="指标库中已有同一一级、二级下同名的共性指标。",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.level1_name}/{self.level2_name or '—'}）"

    @property
    def hint(self) -> str:
        """The usual shape of the target, shown as a placeholder: `≥ 数值 人`."""
        if not (self.comparator or self.measure_unit):
            return ""
        return " ".join(part for part in (self.comparator, "数值", self.measure_unit) if part)


class LibraryDecision(models.Model):
    """One administrator's decision on an entry (approve, reject, retire, reinstate): who, when,
    from which status to which, and why. Kept when the entry itself goes (a withdrawn proposal),
    with the entry's name."""

    entry = models.ForeignKey(
        LibraryEntry,
        verbose_name="指标",
        null=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    entry_name = models.CharField("三级指标", max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField("原状态", max_length=10, choices=EntryStatus.choices)
    to_status = models.CharField("新状态", max_length=10, choices=EntryStatus.choices)
    note = models.CharField("审核意见", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "指标库审核记录"
        verbose_name_plural = "指标库审核记录"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.entry_name}：{self.get_from_status_display()} → {self.get_to_status_display()}"
        )
