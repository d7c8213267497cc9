"""Reads for the help page: examples from the indicator library and the 智能审核 rules in use.

Examples are approved 共性指标 only (never a unit's own 个性指标), the most used first, so the
page shows what the library offers today.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from budgetapp.checks.models import CheckRule, Stage
from budgetapp.indicators.values import Comparator
from budgetapp.library.models import EntryKind, EntryStatus, LibraryEntry

EXAMPLES_PER_GROUP = 4
PERCENT_UNITS = ("%", "％")


@dataclass(frozen=True)
class ExampleGroup:
    key: str  # the anchor of the section that shows it
    title: str
    entries: list[LibraryEntry]


def _common() -> QuerySet[LibraryEntry]:
    return LibraryEntry.objects.filter(kind=EntryKind.COMMON, status=EntryStatus.APPROVED).order_by(
        "-usage_count", "level1_name", "level2_name", "name"
    )


def library_examples(limit: int = EXAMPLES_PER_GROUP) -> dict[str, ExampleGroup]:
    """Library entries illustrating each part of the page, keyed by the part."""
    percent = Q(measure_unit__in=PERCENT_UNITS)
    groups = [
        (
            "floor",
            "下限（≥）：数量、人次、覆盖面",
            _common().filter(comparator=Comparator.GE).exclude(percent),
        ),
        ("ceiling", "上限（≤）：成本、时限", _common().filter(comparator=Comparator.LE)),
        ("exact", "确切值（=）", _common().filter(comparator=Comparator.EQ)),
        ("percent", "以百分比计的指标", _common().filter(percent)),
        (
            "units",
            "带计量单位的指标",
            _common().exclude(measure_unit="").exclude(percent),
        ),
        ("qualitative", "定性指标", _common().filter(comparator="", measure_unit="")),
    ]
    return {
        key: ExampleGroup(key=key, title=title, entries=list(entries[:limit]))
        for key, title, entries in groups
    }


def rules_in_use() -> list[CheckRule]:
    """The target tables' rules switched on (the later stages' rules show on their own pages)."""
    rules = CheckRule.objects.filter(stage=Stage.TARGET, enabled=True)
    return list(rules.order_by("order", "code"))
