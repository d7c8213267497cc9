"""Stored files: what was published (kept for good) and background exports of a whole city.

Both live in the default storage (MEDIA_ROOT) under names nobody can guess; the storage is
never served directly. Downloads go through views that check who may have the file.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class FileFormat(models.TextChoices):
    """The formats stored on publication; the values are keys of `registry.EXPORTERS`."""

    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


class PublishedKind(models.TextChoices):
    TABLE = "table", "单张表"
    BOOK = "book", "单位全本"


def published_path(instance: PublishedFile, filename: str) -> str:
    owner = f"{instance.content_type.model}-{instance.object_id}" if instance.object_id else "book"
    return f"published/{instance.year.year}/{instance.unit_id}/{owner}-{uuid.uuid4().hex}.{instance.fmt}"


class PublishedFileQuerySet(models.QuerySet):
    def latest_first(self) -> PublishedFileQuerySet:
        return self.order_by("-created_at", "-pk")


class PublishedFile(models.Model):
    """A file rendered once when a table (or more tables of a unit) was published.

    Never changed and never overwritten: publishing again after a reopen stores a new one and
    the portal serves the latest, so what was once public stays on record.
    """

    kind = models.CharField("类型", max_length=10, choices=PublishedKind.choices)
    unit = models.ForeignKey(
        "units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.ForeignKey(
        "units.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT, related_name="+"
    )
    # The table, for a single table's file; empty for the unit's book of the year.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    table = GenericForeignKey("content_type", "object_id")
    fmt = models.CharField("格式", max_length=10, choices=FileFormat.choices)
    file = models.FileField("文件", upload_to=published_path, max_length=255)
    filename = models.CharField("下载文件名", max_length=255)
    mimetype = models.CharField("MIME 类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公开人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PublishedFileQuerySet.as_manager()

    class Meta:
        verbose_name = "公开文件"
        verbose_name_plural = "公开文件"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "fmt"], name="published_table_idx"),
            models.Index(fields=["unit", "year", "kind", "fmt"], name="published_book_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="table", content_type__isnull=False, object_id__isnull=False)
                    | Q(kind="book", content_type__isnull=True, object_id__isnull=True)
                ),
                name="published_file_table_or_book",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("公开文件一经生成不可修改；重新公开会生成新的文件。")
        super().save(*args, **kwargs)


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


def job_path(instance: ExportJob, filename: str) -> str:
    return f"exports/jobs/{instance.pk}-{uuid.uuid4().hex}.zip"


class ExportJob(models.Model):
    """A whole city's books exported in the background; its progress is shown to the requester."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    year = models.ForeignKey(
        "units.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    done = models.PositiveIntegerField("已完成单位数", default=0)
    total = models.PositiveIntegerField("单位总数", default=0)
    file = models.FileField("文件", upload_to=job_path, max_length=255, blank=True)
    filename = models.CharField("下载文件名", max_length=255, blank=True)
    error = models.TextField("错误信息", blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year.year}年全市导出（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
