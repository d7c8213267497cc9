"""Reads of the target tables shared by several pages (the HackSoft styleguide's selectors)."""

from __future__ import annotations

from collections.abc import Sequence

from budgetapp.units.models import BudgetYear, Unit

from .models import DepartmentTable, ProjectTable, TargetTable


def tables_by_unit(units: Sequence[Unit], year: BudgetYear) -> dict[int, list[TargetTable]]:
    """Every unit's tables of the year (units without any have an empty list): the department
    table first, then the project tables in their order. Two queries, whatever the count."""
    tables: dict[int, list[TargetTable]] = {unit.pk: [] for unit in units}
    for table in [
        *DepartmentTable.objects.filter(unit__in=units, year=year),
        *ProjectTable.objects.filter(unit__in=units, year=year).order_by("sequence", "pk"),
    ]:
        tables[table.unit_id].append(table)
    return tables
