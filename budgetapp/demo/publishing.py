"""Walk one demo unit through the real workflow so the public portal has something to show.

Seed 000 is a published document, so 张家口市残疾人联合会本级 2021 goes 提交 → 审核通过 → 公开
through the same service functions a person's clicks call (audit records, snapshots and stored
files included). 山海关区 stays in draft for trying the filing pages.

The seed has real mistakes that 智能审核 flags (a 成本指标 given as `≥95%`, a repeated 三级
name, copied rows). The demo does not weaken the rules: it submits each table with
`acknowledge`, the service path for loading an already published document as it is, which
records every finding with the note below; the reviewer sees them on the table page.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from budgetapp.review import services
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status
from budgetapp.units.models import BudgetYear, Unit

UNIT_NAME = "张家口市残疾人联合会本级"
YEAR = 2021
ACKNOWLEDGE = "演示数据：按已公开的原文件录入，原文中的问题保留未改，供审核演示。"


def publish_demo_unit() -> int:
    """Publish the unit's tables if they are all untouched drafts; return how many."""
    unit = Unit.objects.get(name=UNIT_NAME)
    year = BudgetYear.objects.get(year=YEAR)
    tables = [
        *DepartmentTable.objects.filter(unit=unit, year=year),
        *ProjectTable.objects.filter(unit=unit, year=year).order_by("sequence", "pk"),
    ]
    if not tables or any(table.status != Status.DRAFT for table in tables):
        return 0
    users = get_user_model().objects
    filer, reviewer = users.get(username="zjk_filer"), users.get(username="zjk_reviewer")
    for table in tables:
        services.submit_table(table=table, user=filer, acknowledge=ACKNOWLEDGE)
    for table in tables:
        table.refresh_from_db()
        services.approve_table(table=table, user=reviewer, grade="good")
    return len(services.publish_unit(unit=unit, year=year, user=reviewer))
