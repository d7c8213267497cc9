"""A unit with many tables, made by copying the demo's tables (for the benchmark and the tests)."""

from __future__ import annotations

from itertools import cycle

from django.db import transaction

from budgetapp.targets.models import DepartmentTable, ProjectTable
from budgetapp.units.models import Unit

SOURCE_UNIT = "张家口市残疾人联合会本级"
BIG_UNIT = "基准测试单位（{count}张表）"

_ROWS = {
    ProjectTable: ["goals", "indicators"],
    DepartmentTable: ["sub_goals", "measures", "tasks", "indicators"],
}


@transaction.atomic
def make_big_unit(count: int = 100, year: int = 2021) -> Unit:
    """A unit of the source unit's region with `count` tables of `year`: the source unit's
    department table, then project tables copied in turn from every demo project of that year,
    numbered 1 … count-1 (names and codes made unique)."""
    source = Unit.objects.get(name=SOURCE_UNIT)
    name = BIG_UNIT.format(count=count)
    unit, _ = Unit.objects.get_or_create(
        region=source.region, name=name, defaults={"code": f"9{count:05d}"}
    )
    DepartmentTable.objects.filter(unit=unit).delete()
    ProjectTable.objects.filter(unit=unit).delete()
    department = DepartmentTable.objects.get(unit=source, year__year=year)
    _copy(department, unit)
    projects = list(
        ProjectTable.objects.filter(year__year=year)
        .exclude(unit__name__startswith=BIG_UNIT.split("（")[0])
        .order_by("unit_id", "sequence")
    )
    for sequence, original in zip(range(1, count), cycle(projects)):
        _copy(
            original,
            unit,
            sequence=sequence,
            name=f"{original.name}（{sequence}）",
            code=f"{original.code}-{sequence}" if original.code else "",
        )
    return unit


def _copy(table, unit: Unit, **changes):
    model = type(table)
    rows = {section: list(getattr(table, section).all()) for section in _ROWS[model]}
    table.pk = table.id = None
    table._state.adding = True
    table.unit = unit
    for field, value in changes.items():
        setattr(table, field, value)
    table.save()
    for section, items in rows.items():
        for item in items:
            item.pk = item.id = None
            item._state.adding = True
            item.table = table
        getattr(table, section).model.objects.bulk_create(items)
    return table
