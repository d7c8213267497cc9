"""The review workflow's records: transitions (the audit trail), submissions with their
immutable snapshots, saved revisions, reviewers' comments and in-app notices.

Records point at a table through (content type, object id) because both the project table and
the department table go through the same workflow; `unit` is stored beside it so a city's
records are one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from budgetapp.targets.models import Grade, Status


class Action(models.TextChoices):
    SUBMIT = "submit", "提交"
    WITHDRAW = "withdraw", "撤回"
    RETURN = "return", "退回"
    APPROVE = "approve", "审核通过"
    PUBLISH = "publish", "公开"
    REOPEN = "reopen", "重新打开"


class TableRecord(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    table = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey(
        "units.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class Transition(TableRecord):
    """One step of the workflow: who moved which table from which state to which, when, why."""

    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=12, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("意见/理由", blank=True)
    grade = models.CharField("审核等级", max_length=10, choices=Grade.choices, blank=True)
    client_ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta(TableRecord.Meta):
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="transition_table_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.get_from_status_display()} → {self.get_to_status_display()}"


class Submission(TableRecord):
    """An immutable snapshot of what the filer submitted, numbered per table."""

    number = models.PositiveIntegerField("第几次提交")
    version = models.PositiveIntegerField("版本")
    data = models.JSONField("提交内容")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    # The 智能审核 findings at submission and the filer's explanation of each warning:
    # [{"key", "rule", "rule_name", "severity", "message", "explanation"}]. Errors appear here
    # only when a command submitted a published document as it is (`acknowledge`).
    explanations = models.JSONField("审核提示说明", default=list, blank=True)

    class Meta(TableRecord.Meta):
        verbose_name = "提交快照"
        verbose_name_plural = "提交快照"
        ordering = ["number"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="submission_table_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="submission_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"第{self.number}次提交"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A submission snapshot is immutable.")
        super().save(*args, **kwargs)


class Comment(TableRecord):
    """A reviewer's remark on a table, or on one field or row of it (`anchor`)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="意见人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    anchor = models.CharField("位置", max_length=60, blank=True, help_text="留空表示针对整张表")
    anchor_label = models.CharField("位置说明", max_length=200, blank=True)
    text = models.TextField("意见")
    submission = models.ForeignKey(
        Submission,
        verbose_name="针对的提交",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )

    class Meta(TableRecord.Meta):
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="comment_table_idx")]

    def __str__(self) -> str:
        return self.text[:40]


class Notice(models.Model):
    """An in-app message; the same text also goes out by e-mail where the user has an address."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notices",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=200, blank=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class Reply(models.Model):
    """An answer in a comment's thread: the unit's filer replying to a reviewer's remark, or a
    reviewer following up. Kept as written, with who, when and from which address."""

    comment = models.ForeignKey(
        Comment, verbose_name="审核意见", on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回复人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    text = models.TextField("回复")
    client_ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "意见回复"
        verbose_name_plural = "意见回复"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
