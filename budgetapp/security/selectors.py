"""Reading the audit log for the 审计管理员: one filtered queryset for the page and the files."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from budgetapp.audit.models import AuditEvent


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def filtered_events(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Events matching the cleaned filter form, newest first."""
    events = AuditEvent.objects.order_by("-id")
    who = (filters.get("who") or "").strip()
    if who:
        events = events.filter(Q(username__icontains=who) | Q(details__username__icontains=who))
    if filters.get("kind"):
        events = events.filter(kind=filters["kind"])
    unit = (filters.get("unit") or "").strip()
    if unit:
        events = events.filter(unit_label__icontains=unit)
    if filters.get("result"):
        events = events.filter(result=filters["result"])
    if filters.get("since"):
        events = events.filter(created_at__gte=_start_of(filters["since"]))
    if filters.get("until"):
        events = events.filter(
            created_at__lt=_start_of(filters["until"] + datetime.timedelta(days=1))
        )
    return events
