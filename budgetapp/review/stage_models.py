"""The workflow fields every later-stage sheet carries (运行监控 sheets, 绩效自评 tables).

`StageSheet` is abstract: each stage's model inherits the state, version and timestamps that
`stage_workflow` and `stage_editing` read and write, so the two stages cannot drift apart. The
stage's own model adds `unit`, its content, `title`, `noun` and `get_absolute_url()`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from budgetapp.targets.models import Status


class StageSheet(models.Model):
    """State, version and who/when of a sheet that goes through the target tables' workflow."""

    # What the filer calls one sheet of the stage, in messages (此监控表 / 此自评表).
    noun = ""

    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in Status.editable()


class StageRow(models.Model):
    """One indicator of a later-stage sheet as the approved target table had it: copied when the
    sheet was made and never typed again. The stage's row adds its parent and what is reported."""

    indicator = models.ForeignKey(
        "targets.ProjectIndicator",
        verbose_name="绩效指标",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    order = models.PositiveIntegerField("序号", default=0, editable=False)
    level1 = models.CharField("一级指标", max_length=50, editable=False)
    level2 = models.CharField("二级指标", max_length=50, blank=True, editable=False)
    name = models.CharField("三级指标", max_length=200, editable=False)
    target = models.CharField("年度指标值", max_length=200, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]
