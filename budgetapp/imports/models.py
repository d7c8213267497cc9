"""A pending import: what was read from an uploaded workbook, waiting for confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    APPLIED = "applied", "已导入"


class ImportBatch(models.Model):
    """The parsed content of one upload (never the file itself) and whom it is for.

    The preview and the confirmation both re-run the import from `parsed`; `versions` holds the
    version of each matched table at preview time, so a table changed in between is refused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", verbose_name="预算单位", on_delete=models.CASCADE)
    year = models.PositiveIntegerField("预算年度")
    filename = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    parsed = models.JSONField("读取结果")
    versions = models.JSONField("预览时的表版本", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    summary = models.TextField("导入结果", blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "Excel 导入"
        verbose_name_plural = "Excel 导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.unit} {self.year}年）"
