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
from django.db.models import Exists, OuterRef, Q


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


class PublicationQuerySet(models.QuerySet):
    def current(self) -> PublicationQuerySet:
        """The latest version of each table: what the portal shows as the table."""
        later = Publication.objects.filter(
            content_type=OuterRef("content_type"),
            object_id=OuterRef("object_id"),
            number__gt=OuterRef("number"),
        )
        return self.exclude(Exists(later))

    def of_table(self, table) -> PublicationQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(table), object_id=table.pk
        )


class Publication(models.Model):
    """One published version of a table, frozen when it was published: what the public sees.

    The layout `document` (layouts.document.document_to_json) renders the portal page and the
    stored files; `data` is the table's snapshot (targets.snapshots.serialize_table, plus the
    项目支出情况 lines a department table printed) that the open data is built from. The
    portal reads nothing else, so editing a table after publication changes nothing public.
    A correction is a new version with a 更正说明; earlier versions stay. Never changed.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    table = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("表类型", max_length=12)  # "project" or "department"
    unit = models.ForeignKey(
        "units.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.ForeignKey(
        "units.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=300)
    label = models.CharField("简称", max_length=300)
    sequence = models.PositiveIntegerField("表序号", default=0)
    project_code = models.CharField("项目编码", max_length=40, blank=True)
    project_name = models.CharField("项目名称", max_length=200, blank=True)
    unit_code = models.CharField("单位编码", max_length=40, blank=True)
    unit_name = models.CharField("单位名称", max_length=200)
    region_names = models.CharField("地区", max_length=300)
    document = models.JSONField("版式")
    data = models.JSONField("数据快照")
    published_at = models.DateTimeField("公开时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公开人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    correction_note = models.TextField("更正说明", blank=True)
    # What the portal's search matches (frozen.search_text): the fields above, lower-cased,
    # one per line; PostgreSQL indexes it for substring search (pg_trgm, migration 0007).
    search_text = models.TextField("检索文本", blank=True, default="", editable=False)
    # Made by `store_published_files` for a table published before versions were frozen.
    backfilled = models.BooleanField("补记", default=False)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "公开版本"
        verbose_name_plural = "公开版本"
        ordering = ["unit", "year", "kind", "sequence", "number"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="publication_table_idx"),
            models.Index(fields=["unit", "year"], name="publication_unit_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="publication_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("公开版本一经生成不可修改；更正会生成新的版本。")
        super().save(*args, **kwargs)


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
    # The frozen version a table's file was rendered from (empty for books and for files
    # stored before versions were frozen, which are kept on record but no longer served).
    publication = models.ForeignKey(
        Publication,
        verbose_name="公开版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
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
    # Done, and its file deleted after EXPORT_JOB_EXPIRY_DAYS (`jobs.purge_expired_exports`).
    EXPIRED = "expired", "已过期"


class JobKind(models.TextChoices):
    CITY = "city", "全市全本"
    BOOK = "book", "单位全本"


class BookContents(models.TextChoices):
    """What a unit's book of a year holds: one stage's tables, or the whole year's in order.
    The builders are registered by the apps that own the stages (`registry.register_book`)."""

    TARGETS = "targets", "绩效目标表"
    MONITORING = "monitoring", "执行监控表"
    EVALUATION = "evaluation", "绩效自评表"
    YEAR = "year", "全年合订本"


def job_path(instance: ExportJob, filename: str) -> str:
    extension = "zip" if instance.kind == JobKind.CITY else instance.fmt
    return f"exports/jobs/{instance.pk}-{uuid.uuid4().hex}.{extension}"


class ExportJob(models.Model):
    """An export done in the background, its progress shown to the requester: a whole city's
    books as one ZIP (`jobs.py`), or one unit's book above a few tables (`book_jobs.py`)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    year = models.ForeignKey(
        "units.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=10, choices=JobKind.choices, default=JobKind.CITY)
    # A unit's book: the unit and the format (a city export is PDFs in a ZIP).
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    fmt = models.CharField(
        "格式", max_length=10, choices=FileFormat.choices, default=FileFormat.PDF
    )
    # A unit's book: which of the year's tables it holds.
    contents = models.CharField(
        "全本内容", max_length=12, choices=BookContents.choices, default=BookContents.TARGETS
    )
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    # Units of a city export, tables of a unit's book.
    done = models.PositiveIntegerField("已完成数", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    file = models.FileField("文件", upload_to=job_path, max_length=255, blank=True)
    filename = models.CharField("下载文件名", max_length=255, blank=True)
    error = models.TextField("错误信息", blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The units exported: a download checks the requester still oversees every one of them.
    unit_ids = models.JSONField("导出的单位", default=list, blank=True)
    # The process exporting it ("host:pid:start time") and when it last said it was alive:
    # a job whose worker died is found and failed (exports/workers.py).
    worker = models.CharField("处理进程", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        if self.kind == JobKind.BOOK:
            return f"{self.year.year}年单位全本导出（{self.get_status_display()}）"
        return f"{self.year.year}年全市导出（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED)
