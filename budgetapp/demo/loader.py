"""Load the demo: the real published tables of the seeds, their units, and demo accounts.

The data files in `data/` were extracted from the published documents by
`tools/extract_seeds.py`; nothing here reads outside the repository. Loading is idempotent:
regions, units, years and accounts are matched by name, and a table that already exists is left
as it is (a filer may have edited it) unless `reset` is asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from budgetapp.indicators.frameworks import CENTRAL_2021, LEGACY
from budgetapp.indicators.lookup import CategoryIndex
from budgetapp.indicators.models import Category, Framework
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
)
from budgetapp.units.admin_rights import sync_admin_site_rights
from budgetapp.units.models import (
    Account,
    BudgetYear,
    LayoutFamily,
    Region,
    RegionLevel,
    Role,
    Unit,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "demo1234"

# (province, layout, city, county or None, data file or None, unit name, unit code)
# Each seed's unit, placed in the tree; the city federations are where reviewers sit.
UNITS = [
    (
        "河北省",
        LayoutFamily.HEBEI,
        "张家口市",
        None,
        "zhangjiakou_2021.json",
        "张家口市残疾人联合会本级",
        "762001",
    ),
    ("河北省", LayoutFamily.HEBEI, "秦皇岛市", None, None, "秦皇岛市残疾人联合会", ""),
    (
        "河北省",
        LayoutFamily.HEBEI,
        "秦皇岛市",
        "山海关区",
        "shanhaiguan_2021.json",
        "秦皇岛市山海关区残疾人联合会本级",
        "762001",
    ),
    ("广东省", LayoutFamily.GUANGDONG, "湛江市", None, None, "湛江市残疾人联合会", ""),
    (
        "广东省",
        LayoutFamily.GUANGDONG,
        "湛江市",
        "廉江市",
        "lianjiang_2024.json",
        "廉江市残疾人联合会",
        "",
    ),
    ("湖北省", LayoutFamily.HUBEI, "武汉市", None, None, "武汉市残疾人联合会", ""),
    (
        "湖北省",
        LayoutFamily.HUBEI,
        "武汉市",
        "蔡甸区",
        "caidian_2025.json",
        "武汉市蔡甸区残疾人联合会",
        "",
    ),
]

# (username, full name, role, unit name)
ACCOUNTS = [
    ("zjk_filer", "张家口市残联填报人", Role.FILER, "张家口市残疾人联合会本级"),
    ("shg_filer", "山海关区残联填报人", Role.FILER, "秦皇岛市山海关区残疾人联合会本级"),
    ("lj_filer", "廉江市残联填报人", Role.FILER, "廉江市残疾人联合会"),
    ("cd_filer", "蔡甸区残联填报人", Role.FILER, "武汉市蔡甸区残疾人联合会"),
    ("zjk_reviewer", "张家口市残联审核人", Role.REVIEWER, "张家口市残疾人联合会本级"),
    ("qhd_reviewer", "秦皇岛市残联审核人", Role.REVIEWER, "秦皇岛市残疾人联合会"),
    ("zj_reviewer", "湛江市残联审核人", Role.REVIEWER, "湛江市残疾人联合会"),
    ("wh_reviewer", "武汉市残联审核人", Role.REVIEWER, "武汉市残疾人联合会"),
    # 三权分立 (docs/security.md): the three admin roles, none of them the Django superuser.
    ("sys_mgr", "演示系统管理员", Role.ADMIN, None),
    ("sec_mgr", "演示安全管理员", Role.SECURITY_ADMIN, None),
    ("audit_mgr", "演示审计管理员", Role.AUDIT_ADMIN, None),
]
ADMIN_USERNAME = "admin"
DEMO_EMAIL_DOMAIN = "example.org"

# Budget years and the framework each defaults to. The seeds all use the older framework; 2026,
# the year open for new filing in the demo, uses the 2021 central one; 2022 starts empty so the
# Hebei units can carry their 2021 tables forward (结转上年).
YEARS = {2021: LEGACY, 2022: LEGACY, 2024: LEGACY, 2025: LEGACY, 2026: CENTRAL_2021}


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


class CategoryResolver:
    """Finds the category rows for the 一级/二级 names of a published table, as published."""

    def __init__(self, framework: Framework) -> None:
        self.index = CategoryIndex(framework.pk)

    def resolve(self, level1_name: str, level2_name: str) -> tuple[Category, Category | None]:
        level1 = self.index.level1(level1_name)
        if level1 is None:
            raise KeyError(level1_name)
        if not level2_name:
            return level1, None
        level2 = self.index.level2(level2_name, under=level1)
        if level2 is None:
            raise KeyError(level2_name)
        return level1, level2


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _region(name: str, level: str, parent: Region | None, layout: str = "") -> Region:
    region, created = Region.objects.get_or_create(
        name=name, parent=parent, defaults={"level": level, "layout": layout}
    )
    return region


def ensure_years() -> dict[int, BudgetYear]:
    years = {}
    for year, framework_code in YEARS.items():
        framework = Framework.objects.get(code=framework_code)
        years[year], _ = BudgetYear.objects.get_or_create(
            year=year, defaults={"framework": framework}
        )
    return years


def ensure_units() -> dict[str, tuple[Unit, str | None]]:
    units = {}
    for province_name, layout, city_name, county_name, data_file, unit_name, code in UNITS:
        province = _region(province_name, RegionLevel.PROVINCE, None, layout)
        region = _region(city_name, RegionLevel.CITY, province)
        if county_name:
            region = _region(county_name, RegionLevel.COUNTY, region)
        unit, _ = Unit.objects.get_or_create(region=region, name=unit_name, defaults={"code": code})
        units[unit_name] = (unit, data_file)
    return units


def demo_email(username: str) -> str:
    """Demo accounts get an address of the reserved example domain, so the console backend
    shows the notices they would receive."""
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def demo_phone(number: int) -> str:
    """A demo account's phone: plainly not a real number (all zeros but the account's own)."""
    return f"000-0000-{number:04d}"


def _ensure_email(user) -> None:
    if not user.email:  # an address set by hand (profile, admin) is kept
        user.email = demo_email(user.username)
        user.save(update_fields=["email"])


def ensure_accounts(units: dict[str, tuple[Unit, str | None]], *, with_admin: bool) -> None:
    user_model = get_user_model()
    for number, (username, full_name, role, unit_name) in enumerate(ACCOUNTS, start=1):
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": full_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        _ensure_email(user)
        account, _ = Account.objects.update_or_create(
            user=user, defaults={"role": role, "unit": units[unit_name][0] if unit_name else None}
        )
        if not account.phone:  # every account names a person with a phone; one set by hand stays
            account.phone = demo_phone(number)
            account.save(update_fields=["phone"])
        sync_admin_site_rights(user)
    if not with_admin:
        return
    admin, created = user_model.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"first_name": "系统管理员", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    _ensure_email(admin)
    Account.objects.update_or_create(user=admin, defaults={"role": Role.ADMIN, "unit": None})


def _load_projects(
    unit: Unit, year: BudgetYear, data: dict, resolver: CategoryResolver, report: LoadReport
) -> None:
    for spec in data["projects"]:
        existing = ProjectTable.objects.filter(unit=unit, year=year, name=spec["name"]).first()
        if existing:
            report.kept.append(str(existing))
            continue
        plan = spec.get("plan") or [None] * 4
        table = ProjectTable.objects.create(
            unit=unit,
            year=year,
            framework=year.framework,
            money_unit=data["money_unit"],
            sequence=spec["number"],
            code=spec["code"],
            name=spec["name"],
            budget_total=Decimal(spec["budget_total"]),
            budget_fiscal=_money(spec.get("budget_fiscal")) or Decimal("0"),
            budget_other=_money(spec.get("budget_other")) or Decimal("0"),
            lifetime_budget=_money(spec.get("lifetime_budget")),
            fund_use=spec.get("fund_use", ""),
            plan_march=_money(plan[0]),
            plan_june=_money(plan[1]),
            plan_october=_money(plan[2]),
            plan_december=_money(plan[3]),
        )
        ProjectGoal.objects.bulk_create(
            ProjectGoal(table=table, order=i, text=text)
            for i, text in enumerate(spec.get("goals", []), 1)
        )
        rows = []
        for i, row in enumerate(spec.get("indicators", []), 1):
            level1, level2 = resolver.resolve(row["level1"], row["level2"])
            indicator = ProjectIndicator(
                table=table,
                order=i,
                level1=level1,
                level2=level2,
                name=row["name"],
                description=row.get("description", ""),
                target=row["target"],
                basis=row.get("basis", ""),
            )
            indicator.refresh_parsed_target()
            rows.append(indicator)
        ProjectIndicator.objects.bulk_create(rows)
        report.created.append(str(table))


_DEPARTMENT_FIELDS = [
    "overall_goal", "staff_count", "sub_unit_count", "filler_name", "filler_phone", "functions", "annual_tasks",
]  # fmt: skip
_DEPARTMENT_MONEY = [
    "expense_basic", "expense_project", "income_fiscal", "income_other",
    "expense_basic_prev1", "expense_project_prev1", "income_fiscal_prev1", "income_other_prev1",
    "expense_basic_prev2", "expense_project_prev2", "income_fiscal_prev2", "income_other_prev2",
    "special_funds", "other_development", "own_level_funds", "transfer_funds",
]  # fmt: skip


def _load_department(
    unit: Unit, year: BudgetYear, data: dict, resolver: CategoryResolver, report: LoadReport
) -> None:
    existing = DepartmentTable.objects.filter(unit=unit, year=year).first()
    if existing:
        report.kept.append(str(existing))
        return
    spec = data["department"]
    values = {name: spec.get(name) for name in _DEPARTMENT_FIELDS if spec.get(name) is not None}
    values |= {name: _money(spec.get(name)) for name in _DEPARTMENT_MONEY}
    table = DepartmentTable.objects.create(
        unit=unit, year=year, framework=year.framework, money_unit=data["money_unit"], **values
    )
    for model, key in ((DepartmentSubGoal, "sub_goals"), (DepartmentMeasure, "measures")):
        model.objects.bulk_create(
            model(table=table, order=i, title=item["title"], text=item["text"])
            for i, item in enumerate(spec.get(key, []), 1)
        )
    DepartmentTask.objects.bulk_create(
        DepartmentTask(
            table=table,
            order=i,
            kind=task["kind"],
            name=task["name"],
            content=task.get("content", ""),
            amount=_money(task.get("amount")),
            outcome=task.get("outcome", ""),
        )
        for i, task in enumerate(spec.get("tasks", []), 1)
    )
    rows = []
    for i, row in enumerate(spec.get("indicators", []), 1):
        level1, level2 = resolver.resolve(row["level1"], row["level2"])
        indicator = DepartmentIndicator(
            table=table,
            order=i,
            goal_no=row.get("goal_no", 1),
            level1=level1,
            level2=level2,
            name=row["name"],
            description=row.get("description", ""),
            target=row["target"],
            basis=row.get("basis", ""),
            value_prev1=row.get("prev1", ""),
            value_prev2=row.get("prev2", ""),
        )
        indicator.refresh_parsed_target()
        rows.append(indicator)
    DepartmentIndicator.objects.bulk_create(rows)
    report.created.append(str(table))


def read_data_file(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_demo(*, reset: bool = False, with_admin: bool = False) -> LoadReport:
    """Load the demo; the superuser `admin` (password `demo1234`) only with `with_admin`: a
    known superuser password must never reach a server by accident."""
    report = LoadReport()
    years = ensure_years()
    units = ensure_units()
    ensure_accounts(units, with_admin=with_admin)
    for unit, data_file in units.values():
        if not data_file:
            continue
        data = read_data_file(data_file)
        year = years[data["year"]]
        if reset:
            ProjectTable.objects.filter(unit=unit, year=year).delete()
            DepartmentTable.objects.filter(unit=unit, year=year).delete()
        resolver = CategoryResolver(year.framework)
        _load_department(unit, year, data, resolver, report)
        _load_projects(unit, year, data, resolver, report)
    return report
