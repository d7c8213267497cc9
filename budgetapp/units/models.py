"""The unit tree and the accounts bound to it.

Regions (行政区划: province → city → county/district) form the tree the public browses and
reviewers are scoped by. Budget units (预算单位) sit in a region and may have sub-units (二级单位).
Unit codes (单位编码) are unique only inside one finance region, so uniqueness is per region.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县/区"


class LayoutFamily(models.TextChoices):
    """Which official layout a unit's tables print in; follows the province (DOMAIN.md)."""

    HEBEI = "hebei", "河北（叙述式部门目标）"
    GUANGDONG = "guangdong", "广东（部门整体预算绩效目标表）"
    HUBEI = "hubei", "湖北（整体支出绩效目标表）"


class Region(models.Model):
    name = models.CharField("名称", max_length=50)
    level = models.CharField("级别", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ancestor ids ("/1/4/9/"): a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    layout = models.CharField(
        "版式",
        max_length=20,
        choices=LayoutFamily.choices,
        blank=True,
        help_text="留空则沿用上级区域的版式",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="region_unique_name_per_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is None:
            super().save(*args, **kwargs)
            args, kwargs = (), {}
        old_path = self.path
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.pk and self.parent and f"/{self.pk}/" in self.parent.path:
            raise ValidationError({"parent": "上级区划不能是自身或其下级。"})

    def subtree(self) -> models.QuerySet[Region]:
        return Region.objects.filter(path__startswith=self.path)

    def effective_layout(self) -> str:
        region: Region | None = self
        while region is not None:
            if region.layout:
                return region.layout
            region = region.parent
        return LayoutFamily.HEBEI

    def ancestors(self) -> list[Region]:
        chain: list[Region] = []
        region: Region | None = self
        while region is not None:
            chain.append(region)
            region = region.parent
        return list(reversed(chain))


class Unit(models.Model):
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_units",
        help_text="二级单位填写其主管单位",
    )
    code = models.CharField("单位编码", max_length=30, blank=True)
    name = models.CharField("单位名称", max_length=100)
    layout_override = models.CharField(
        "版式（覆盖）",
        max_length=20,
        choices=LayoutFamily.choices,
        blank=True,
        help_text="留空则按所属省份",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "预算单位"
        verbose_name_plural = "预算单位"
        ordering = ["region__path", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"], condition=~Q(code=""), name="unit_code_unique_per_region"
            ),
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.code}{self.name}" if self.code else self.name

    @property
    def layout(self) -> str:
        return self.layout_override or self.region.effective_layout()


class Role(models.TextChoices):
    """Filers and reviewers work on tables; three admin roles with disjoint rights (三权分立,
    docs/security.md): the 系统管理员 keeps the unit tree, years, frameworks, rules and library;
    the 安全管理员 manages accounts; the 审计管理员 reads the audit log."""

    FILER = "filer", "填报人"
    REVIEWER = "reviewer", "审核人"
    ADMIN = "admin", "系统管理员"
    SECURITY_ADMIN = "security", "安全管理员"
    AUDIT_ADMIN = "auditor", "审计管理员"


class Account(models.Model):
    """A login's place in the unit tree.

    A filer works on their own unit's tables. A reviewer is bound to a city unit and sees every
    unit of that unit's region subtree. An administrator sees everything.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="account",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.FILER)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "账户"
        verbose_name_plural = "账户"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["admin", "security", "auditor"]) | Q(unit__isnull=False),
                name="account_unit_required_unless_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}）"


class BudgetYear(models.Model):
    year = models.PositiveSmallIntegerField("预算年度", unique=True)
    framework = models.ForeignKey(
        "indicators.Framework",
        verbose_name="默认指标体系",
        on_delete=models.PROTECT,
        help_text="新建表格时默认采用的指标体系",
    )
    is_open = models.BooleanField("开放填报", default=True)

    class Meta:
        verbose_name = "预算年度"
        verbose_name_plural = "预算年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class ProfileField(models.TextChoices):
    EMAIL = "email", "电子邮箱"
    PHONE = "phone", "联系电话"


class ProfileChange(models.Model):
    """A change of a user's own contact details: what, from what, to what, by whom, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.PROTECT,
        related_name="profile_changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    field = models.CharField("项目", max_length=10, choices=ProfileField.choices)
    old = models.CharField("原值", max_length=254, blank=True)
    new = models.CharField("新值", max_length=254, blank=True)
    client_ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "个人资料修改记录"
        verbose_name_plural = "个人资料修改记录"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_field_display()}：{self.old or '（空）'} → {self.new or '（空）'}"
