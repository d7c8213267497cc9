"""The audit log as CSV or Excel, for the 审计管理员: (filename, mimetype, bytes) like exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from budgetapp.audit.models import AuditEvent, EventKind, EventResult

MAX_ROWS = 200_000
HEADER = [
    "编号",
    "时间",
    "账户",
    "角色",
    "单位",
    "IP 地址",
    "事件",
    "对象类型",
    "对象编号",
    "对象",
    "结果",
    "详情",
    "散列",
]
_KINDS = dict(EventKind.choices)
_RESULTS = dict(EventResult.choices)


def _rows(events: Iterable[AuditEvent]) -> Iterable[list[str]]:
    for event in events:
        yield [
            str(event.pk),
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            event.username,
            event.role,
            event.unit_label,
            event.client_ip or "",
            _KINDS.get(event.kind, event.kind),
            event.object_type,
            event.object_id,
            event.object_label,
            _RESULTS.get(event.result, event.result),
            json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            event.hash,
        ]


def _safe(cell: str) -> str:
    # A value a spreadsheet would run as a formula (CSV injection) is shown as text.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def audit_csv(events: Iterable[AuditEvent]) -> tuple[str, str, bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in _rows(events):
        writer.writerow([_safe(cell) for cell in row])
    # With a BOM, Excel opens the Chinese text as UTF-8.
    return _name("csv"), "text/csv; charset=utf-8", ("\ufeff" + buffer.getvalue()).encode()


def audit_xlsx(events: Iterable[AuditEvent]) -> tuple[str, str, bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("安全审计日志")
    sheet.append(HEADER)
    for row in _rows(events):
        sheet.append([_safe(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _name("xlsx"), mimetype, buffer.getvalue()


def _name(ext: str) -> str:
    return f"安全审计日志-{timezone.localtime():%Y%m%d-%H%M%S}.{ext}"


AUDIT_FILES = {"csv": audit_csv, "xlsx": audit_xlsx}
