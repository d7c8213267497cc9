"""Every saved version of a table, kept so a refused stale save can show what changed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Revision(models.Model):
    """The table's content as saved at one version; never changed afterwards."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    table = GenericForeignKey("content_type", "object_id")
    version = models.PositiveIntegerField("版本")
    data = models.JSONField("内容")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    saved_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "保存版本"
        verbose_name_plural = "保存版本"
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "version"], name="revision_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"版本 {self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A saved revision is immutable.")
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, table: models.Model) -> models.QuerySet[Revision]:
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(table), object_id=table.pk
        )
