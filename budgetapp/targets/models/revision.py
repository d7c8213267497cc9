"""Every saved version of a table, and every write on the record.

A revision is written by each write service (`targets.services`): the table's content after the
write, what changed from the version before (old and new values), who, when, from which address
and through which path. A deleted table leaves a last revision holding its final content; the
generic reference survives the deletion, so the record does too.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class RevisionAction(models.TextChoices):
    """The write path that produced a revision."""

    CREATE = "create", "新建"
    EDIT = "edit", "编辑"
    IMPORT = "import", "导入"
    CARRY = "carry", "结转"
    ADMIN = "admin", "后台修改"
    DELETE = "delete", "删除"
    # The version a table had before its first recorded write (loaded by the demo or an old
    # release), recorded so the next write has an "old" side.
    BASELINE = "baseline", "原有版本"


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
    action = models.CharField(
        "操作", max_length=10, choices=RevisionAction.choices, default=RevisionAction.EDIT
    )
    client_ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    # Old and new values against the previous revision (`snapshots.changes_as_json`); empty for
    # a new table (everything in `data` is new) and for a deletion (`data` is the last content).
    changes = models.JSONField("修改内容", default=dict, blank=True)
    # The official layout as it printed at this version (`layouts.document.document_to_json`),
    # so an old version renders exactly as it was; empty for revisions saved before it was kept.
    layout = models.JSONField("版式", null=True, blank=True)

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
        return f"版本 {self.version}（{self.get_action_display()}）"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A saved revision is immutable.")
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, table: models.Model) -> models.QuerySet[Revision]:
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(table), object_id=table.pk
        )
