"""Walk one demo unit through the real workflow so the public portal has something to show.

Seed 000 is a published document, so 张家口市残疾人联合会本级 2021 goes 提交 → 审核通过 → 公开
through the same service functions a person's clicks call (audit records, snapshots and stored
files included). 山海关区 stays in draft for trying the filing pages.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from budgetapp.review import services
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status
from budgetapp.units.models import BudgetYear, Unit

UNIT_NAME = "张家口市残疾人联合会本级"
YEAR = 2021


def publish_demo_unit() -> int:
    """Publish the unit's tables if they are all untouched drafts; return how many."""
    unit = Unit.objects.get(name=UNIT_NAME)
    year = BudgetYear.objects.get(year=YEAR)
    tables = [
        *DepartmentTable.objects.filter(unit=unit, year=year),
        *ProjectTable.objects.filter(unit=unit, year=year),
    ]
    if not tables or any(table.status != Status.DRAFT for table in tables):
        return 0
    users = get_user_model().objects
    filer, reviewer = users.get(username="zjk_filer"), users.get(username="zjk_reviewer")
    services.submit_all(unit=unit, year=year, user=filer)
    for table in tables:
        table.refresh_from_db()
        services.approve_table(table=table, user=reviewer, grade="good")
    return len(services.publish_unit(unit=unit, year=year, user=reviewer))
