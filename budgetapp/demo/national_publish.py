"""The published tables of the national dataset get their frozen versions (`Publication`).

Built by the code a real publication runs (`exports.frozen.frozen_values`: the layout as JSON
and the snapshot), from the tables read back in batches with their rows; a unit's projects
first, so its department table lists them (项目支出情况), as `publish_unit` does. Stored files
(PDF/Excel) are not rendered: a national set would take hours; the portal then offers no
download for these versions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from budgetapp.exports.frozen import ProjectLine, frozen_values
from budgetapp.exports.models import Publication
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentTable,
    ProjectIndicator,
    ProjectTable,
)
from budgetapp.targets.models.base import INDICATOR_RELATED

from .national import BulkWriter, _batches

BATCH_UNITS = 200


def publish_generated(
    tables: list, writer: BulkWriter, *, reviewers: dict, log: Callable[[str], None]
) -> int:
    """Write version 1 of every planned table in `tables` (all published)."""
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for table in tables:
        groups[table.county.unit_id, table.year.pk].append(table)
    reviewer_of = {t.county.unit_id: reviewers[t.county.city].user_id for t in tables}
    content_types = {
        "project": ContentType.objects.get_for_model(ProjectTable).pk,
        "department": ContentType.objects.get_for_model(DepartmentTable).pk,
    }
    next_id = writer.next_id(Publication)
    count = 0
    # Batch by batch: the tables are read between two COPYs, never during one.
    for keys in _batches(list(groups), BATCH_UNITS):
        versions = list(_publications(keys, groups, reviewer_of, content_types, next_id))
        next_id += len(versions)
        count += writer.insert(Publication, versions)
    log(f"公开版本：{count} 个")
    return count


def _publications(keys, groups, reviewer_of, content_types, next_id: int) -> Iterator[dict]:
    loaded = _load([table for key in keys for table in groups[key]])
    for key in keys:
        unit_tables = sorted(groups[key], key=lambda t: (t.kind != "project", t.sequence))
        lines: list[ProjectLine] = []
        for plan in unit_tables:
            table = loaded[plan.kind, plan.pk]
            values = frozen_values(table, projects=lines if plan.kind == "department" else None)
            if plan.kind == "project":
                lines.append(ProjectLine.from_json(values["data"]["line"]))
            yield {
                **values,
                "id": next_id,
                "content_type_id": content_types[plan.kind],
                "object_id": table.pk,
                "unit_id": table.unit_id,
                "year_id": table.year_id,
                "number": 1,
                "published_at": table.published_at,
                "published_by_id": reviewer_of[table.unit_id],
            }
            next_id += 1


def _load(planned: list) -> dict[tuple[str, int], object]:
    related = ("unit__region__parent__parent", "year")
    rows = Prefetch(
        "indicators", queryset=ProjectIndicator.objects.select_related(*INDICATOR_RELATED)
    )
    projects = (
        ProjectTable.objects.filter(pk__in=[t.pk for t in planned if t.kind == "project"])
        .select_related(*related)
        .prefetch_related("goals", rows)
    )
    department_rows = Prefetch(
        "indicators", queryset=DepartmentIndicator.objects.select_related(*INDICATOR_RELATED)
    )
    departments = (
        DepartmentTable.objects.filter(pk__in=[t.pk for t in planned if t.kind == "department"])
        .select_related(*related)
        .prefetch_related("sub_goals", "measures", "tasks", department_rows)
    )
    loaded: dict[tuple[str, int], object] = {}
    for table in [*projects, *departments]:
        loaded[table.kind, table.pk] = table
    return loaded
