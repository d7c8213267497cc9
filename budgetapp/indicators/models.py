"""The indicator category framework (指标体系), stored as data.

The seeds use the older framework (产出/效益/满意度 with 成本 under 产出); the central framework
since 2021 makes 成本指标 first-level. Which one applies is a per-table choice, so the tree is
rows in the database, not code.
"""

from __future__ import annotations

from django.db import models


class Framework(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A first-level (一级, parent empty) or second-level (二级) indicator category."""

    framework = models.ForeignKey(
        Framework, verbose_name="指标体系", on_delete=models.CASCADE, related_name="categories"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="一级指标",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField("名称", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标类别"
        verbose_name_plural = "指标类别"
        ordering = ["framework", "parent__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "parent", "name"], name="category_unique_name_per_parent"
            ),
            models.UniqueConstraint(
                fields=["framework", "name"],
                condition=models.Q(parent__isnull=True),
                name="category_unique_top_level_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.parent_id is None else f"{self.parent.name} / {self.name}"

    @property
    def level(self) -> int:
        return 1 if self.parent_id is None else 2
