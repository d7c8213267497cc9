"""Writes the national dataset planned in `national.py` (see there for what it holds)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.indicators.frameworks import LEGACY
from budgetapp.indicators.lookup import CategoryIndex
from budgetapp.indicators.models import Framework
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    ProjectGoal,
    ProjectIndicator,
    ProjectTable,
    Status,
)
from budgetapp.units.admin_rights import sync_admin_site_rights
from budgetapp.units.models import Account, BudgetYear, Region, RegionLevel, Role, Unit

from .national import (
    EMAIL_DOMAIN,
    LAYOUTS,
    PROVINCES,
    STAGES,
    BulkWriter,
    County,
    DepartmentTemplate,
    ProjectTemplate,
    Report,
    Size,
    counties_per_city,
    department_templates,
    project_row_counts,
    project_templates,
    rows_of,
    split_evenly,
)
from .national_publish import publish_generated
from .second_factors import demo_key_hex

Log = Callable[[str], None]
_WORKFLOW_AFTER = {
    Status.DRAFT: (),
    Status.RETURNED: ("submitted_at",),
    Status.SUBMITTED: ("submitted_at",),
    Status.APPROVED: ("submitted_at", "approved_at"),
    Status.PUBLISHED: ("submitted_at", "approved_at", "published_at"),
}


@dataclass
class PlannedTable:
    pk: int
    kind: str  # "project" or "department"
    county: County
    year: BudgetYear
    status: str
    current: bool  # of the current year (else the previous one, all published)
    sequence: int = 0
    template: ProjectTemplate | DepartmentTemplate | None = None
    name: str = ""
    rows: int = 0


def load_national(size: Size, *, password: str, log: Log = lambda line: None) -> Report:
    """Writes the dataset in one transaction, then, as the outermost transaction on PostgreSQL,
    vacuums what it wrote (`BulkWriter`); inside a caller's transaction it only analyses it."""
    size.check()
    writer = BulkWriter(timezone.now())
    vacuum = writer.postgresql and not connection.in_atomic_block
    with transaction.atomic():
        report = _load(size, writer, password=password, log=log, analyze=not vacuum)
    if vacuum:
        writer.vacuum()
        log(f"VACUUM (ANALYZE)：{len(writer.models)} 张表")
    return report


def _load(size: Size, writer: BulkWriter, *, password: str, log: Log, analyze: bool) -> Report:
    now = writer.now
    report = Report(password=password)
    years = _years(size.year)
    log(f"预算年度：{size.year - 1}、{size.year}")
    counties, reviewers = _regions_and_units(size, writer)
    log(f"行政区划与单位：{writer.counts}")
    users = _accounts(counties, reviewers, writer, password=password, now=now)
    log(f"账户：{len(users)} 个")
    tables = _plan_tables(size, counties, years)
    _write_tables(tables, writer, now=now, reviewers=reviewers)
    log(f"表与行：{ {k: v for k, v in writer.counts.items() if k.startswith('targets')} }")
    published = publish_generated(
        [t for t in tables if t.status == Status.PUBLISHED], writer, reviewers=reviewers, log=log
    )
    writer.finish(analyze=analyze)
    report.counts = dict(writer.counts)
    bench_county = counties[0]
    bench_table = next(t for t in tables if t.kind == "project" and t.county is bench_county
                       and t.year.year == size.year)  # fmt: skip
    report.bench = {
        "city_region": bench_county.city_region_id,
        "city_unit": reviewers[bench_county.city].unit_id,
        "reviewer": reviewers[bench_county.city].username,
        "filers": [f"filer{bench_county.code}", f"filer{bench_county.code}b"],
        "unit": bench_county.unit_id,
        "project": bench_table.pk,
        "project_rows": bench_table.rows,
        "province_reviewer": f"reviewer{_province_code(0)}",
        "admin": "bench_admin",
        "published": published,
    }
    return report


def _years(year: int) -> dict[int, BudgetYear]:
    legacy = Framework.objects.get(code=LEGACY)
    years = {}
    for number in (year - 1, year):
        years[number], _ = BudgetYear.objects.get_or_create(
            year=number, defaults={"framework": legacy}
        )
    return years


# --- Regions, units, accounts -----------------------------------------------------------------


@dataclass
class Reviewer:
    username: str
    unit_id: int
    user_id: int = 0


def _province_code(p: int) -> str:
    return f"{p + 1:02d}0000000"


def _regions_and_units(size: Size, writer: BulkWriter) -> tuple[list[County], dict]:
    """Regions and units; returns the county units and a reviewer per city (keyed by the
    city's 0-based index) and per province (keyed by `("province", index)`)."""
    region_id = writer.next_id(Region)
    unit_id = writer.next_id(Unit)
    regions: list[dict] = []
    units: list[dict] = []
    reviewers: dict = {}
    counties: list[County] = []
    cities_of = split_evenly(size.cities, size.provinces)
    counties_of = counties_per_city(size)
    city_index = 0
    for p in range(size.provinces):
        province_name = PROVINCES[p]
        province = {"id": region_id, "name": province_name, "level": RegionLevel.PROVINCE,
                    "parent_id": None, "path": f"/{region_id}/", "layout": LAYOUTS[p % 3]}  # fmt: skip
        region_id += 1
        regions.append(province)
        units.append(_unit(unit_id, province, _province_code(p), f"{province_name}残疾人联合会"))
        reviewers["province", p] = Reviewer(f"reviewer{_province_code(p)}", unit_id)
        unit_id += 1
        short = province_name[:2]
        for c in range(cities_of[p]):
            city_name = f"{short}{c + 1:02d}市"
            city = {"id": region_id, "name": city_name, "level": RegionLevel.CITY,
                    "parent_id": province["id"], "path": f"{province['path']}{region_id}/",
                    "layout": ""}  # fmt: skip
            region_id += 1
            regions.append(city)
            city_code = f"{p + 1:02d}{c + 1:03d}0000"
            units.append(_unit(unit_id, city, city_code, f"{city_name}残疾人联合会"))
            reviewers[city_index] = Reviewer(f"reviewer{city_code}", unit_id)
            unit_id += 1
            for k in range(counties_of[city_index]):
                county_name = f"{k + 1:02d}区"
                county = {"id": region_id, "name": county_name, "level": RegionLevel.COUNTY,
                          "parent_id": city["id"], "path": f"{city['path']}{region_id}/",
                          "layout": ""}  # fmt: skip
                region_id += 1
                regions.append(county)
                code = f"{p + 1:02d}{c + 1:03d}{k + 1:04d}"
                name = f"{city_name}{county_name}残疾人联合会"
                units.append(_unit(unit_id, county, code, name))
                counties.append(
                    County(p, city_index, k + 1, unit_id, code, name, city_region_id=city["id"])
                )
                unit_id += 1
            city_index += 1
    writer.insert(Region, regions)
    writer.insert(Unit, units)
    return counties, reviewers


def _unit(pk: int, region: dict, code: str, name: str) -> dict:
    return {"id": pk, "region_id": region["id"], "code": code, "name": name, "is_active": True,
            "layout_override": "", "parent_id": None}  # fmt: skip


def _accounts(counties, reviewers, writer: BulkWriter, *, password: str, now) -> dict[str, int]:
    """Two filers per county unit, a reviewer per city and province federation, and the three
    administrators; one password hash for all (hashing thousands would take minutes)."""
    hashed = make_password(password)
    user_id = writer.next_id(get_user_model())
    account_id = writer.next_id(Account)
    users: list[dict] = []
    accounts: list[dict] = []
    ids: dict[str, int] = {}

    def add(username: str, full_name: str, role: str, unit_id: int | None) -> int:
        nonlocal user_id, account_id
        users.append({"id": user_id, "username": username, "password": hashed,
                      "first_name": full_name, "email": f"{username}@{EMAIL_DOMAIN}",
                      "is_active": True, "date_joined": now})  # fmt: skip
        accounts.append({"id": account_id, "user_id": user_id, "unit_id": unit_id, "role": role})
        ids[username] = user_id
        user_id += 1
        account_id += 1
        return user_id - 1

    for county in counties:
        add(f"filer{county.code}", f"{county.name}填报人", Role.FILER, county.unit_id)
        add(f"filer{county.code}b", f"{county.name}填报人乙", Role.FILER, county.unit_id)
    for reviewer in reviewers.values():
        reviewer.user_id = add(reviewer.username, "审核人", Role.REVIEWER, reviewer.unit_id)
    add("bench_admin", "系统管理员", Role.ADMIN, None)
    add("bench_security", "安全管理员", Role.SECURITY_ADMIN, None)
    add("bench_auditor", "审计管理员", Role.AUDIT_ADMIN, None)
    writer.insert(get_user_model(), users)
    writer.insert(Account, accounts)
    # The roles that sign in with a second factor, enrolled with the demo's derived secrets.
    device_id = writer.next_id(TOTPDevice)
    devices = []
    for username, pk in ids.items():
        if username.startswith("filer"):
            continue
        devices.append({"id": device_id, "user_id": pk, "name": "基准测试", "confirmed": True,
                        "key": demo_key_hex(username)})  # fmt: skip
        device_id += 1
    writer.insert(TOTPDevice, devices)
    sync_admin_site_rights(get_user_model().objects.get(username="bench_admin"))
    return ids


# --- Tables and their rows --------------------------------------------------------------------


def _plan_tables(size: Size, counties: list[County], years: dict[int, BudgetYear]):
    projects = {fw: project_templates(CategoryIndex(fw)) for fw in _frameworks(years)}
    departments = {fw: department_templates(CategoryIndex(fw)) for fw in _frameworks(years)}
    tables: list[PlannedTable] = []
    per_unit = split_evenly(size.tables, size.counties)
    next_project = _next_id(ProjectTable)
    next_department = _next_id(DepartmentTable)
    for index, (county, count) in enumerate(zip(counties, per_unit, strict=True)):
        previous = max(1, count // 5) if count >= 4 else 1
        layout = LAYOUTS[county.province % 3]
        for year_number, n in ((size.year - 1, previous), (size.year, count - previous)):
            year = years[year_number]
            status = Status.PUBLISHED if year_number < size.year else STAGES[index % len(STAGES)]
            template = departments[year.framework_id][layout]
            current = year_number == size.year
            tables.append(PlannedTable(next_department, "department", county, year, status,
                                       current, template=template, rows=len(template.rows)))  # fmt: skip
            next_department += 1
            library = projects[year.framework_id]
            for sequence in range(1, n):
                # Distinct templates within a unit and year; past the library, numbered names.
                template = library[(index * 7 + sequence) % len(library)]
                lap = (sequence - 1) // len(library)
                name = template.name if lap == 0 else f"{template.name}（{lap + 1}）"
                tables.append(PlannedTable(next_project, "project", county, year, status, current,
                                           sequence=sequence, template=template, name=name))  # fmt: skip
                next_project += 1
    _assign_rows(size, tables, counties[0])
    return tables


def _frameworks(years: dict[int, BudgetYear]) -> set[int]:
    return {year.framework_id for year in years.values()}


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _assign_rows(size: Size, tables: list[PlannedTable], bench: County) -> None:
    projects = [t for t in tables if t.kind == "project"]
    department_rows = sum(t.rows for t in tables if t.kind == "department")
    fixed = {}
    for i, table in enumerate(projects):
        if table.county is bench and table.year.year == size.year:
            fixed[i] = size.bench_rows
            break
    counts = project_row_counts(len(projects), max(0, size.rows - department_rows), fixed)
    for table, count in zip(projects, counts, strict=True):
        table.rows = count


def _write_tables(tables: list[PlannedTable], writer: BulkWriter, *, now, reviewers) -> None:
    projects = [t for t in tables if t.kind == "project"]
    departments = [t for t in tables if t.kind == "department"]
    writer.insert(ProjectTable, (_project_values(t, now) for t in projects))
    writer.insert(DepartmentTable, (_department_values(t, now) for t in departments))
    writer.insert(ProjectGoal, _project_goals(projects, writer.next_id(ProjectGoal)))
    writer.insert(ProjectIndicator, _indicators(projects, writer.next_id(ProjectIndicator)))
    for model, key in ((DepartmentSubGoal, "sub_goals"), (DepartmentMeasure, "measures")):
        writer.insert(model, _paragraphs(departments, key, writer.next_id(model)))
    writer.insert(DepartmentTask, _tasks(departments, writer.next_id(DepartmentTask)))
    writer.insert(
        DepartmentIndicator,
        _indicators(departments, writer.next_id(DepartmentIndicator), department=True),
    )


def _common(table: PlannedTable, now) -> dict:
    # Each unit's last change a few days apart; the approved ones spread over 30 days so some
    # are past the 20-day disclosure limit on the dashboard.
    age = table.county.unit_id % 30
    stamp = now - timedelta(days=age + (0 if table.current else 300))
    values = {
        "id": table.pk,
        "unit_id": table.county.unit_id,
        "year_id": table.year.pk,
        "framework_id": table.year.framework_id,
        "money_unit": table.template.money_unit,
        "status": table.status,
        "created_at": stamp - timedelta(days=30),
        "updated_at": stamp,
    }
    for name in _WORKFLOW_AFTER[table.status]:
        values[name] = stamp
    if table.status in (Status.APPROVED, Status.PUBLISHED):
        values["grade"] = "good"
    return values


def _project_values(table: PlannedTable, now) -> dict:
    return {
        **_common(table, now),
        **table.template.values,
        "sequence": table.sequence,
        "code": f"{table.county.code}{table.year.year}{table.sequence:03d}",
        "name": table.name,
    }


def _department_values(table: PlannedTable, now) -> dict:
    return {**_common(table, now), **table.template.values}


def _project_goals(tables: list[PlannedTable], next_id: int) -> Iterator[dict]:
    for table in tables:
        for order, text in enumerate(table.template.goals, 1):
            yield {"id": next_id, "table_id": table.pk, "order": order, "text": text}
            next_id += 1


def _indicators(tables: list[PlannedTable], next_id: int, *, department: bool = False):
    for table in tables:
        if not table.template.rows:
            continue
        for order, row, name in rows_of(table.template.rows, table.rows):
            values = {
                "id": next_id,
                "table_id": table.pk,
                "order": order,
                "level1_id": row.level1,
                "level2_id": row.level2,
                "name": name,
                "description": row.description,
                "target": row.target,
                "target_comparator": row.comparator,
                "target_number": row.number,
                "target_unit": row.unit,
                "basis": row.basis,
                "value_prev1": row.prev1,
                "value_prev2": row.prev2,
            }
            if department:
                values["goal_no"] = row.goal_no
            yield values
            next_id += 1


def _paragraphs(tables: list[PlannedTable], key: str, next_id: int) -> Iterator[dict]:
    for table in tables:
        for order, item in enumerate(getattr(table.template, key), 1):
            yield {"id": next_id, "table_id": table.pk, "order": order,
                   "title": item["title"], "text": item["text"]}  # fmt: skip
            next_id += 1


def _tasks(tables: list[PlannedTable], next_id: int) -> Iterator[dict]:
    from .national import _money

    for table in tables:
        for order, task in enumerate(table.template.tasks, 1):
            yield {"id": next_id, "table_id": table.pk, "order": order, "kind": task["kind"],
                   "name": task["name"], "content": task.get("content", ""),
                   "amount": _money(task.get("amount")), "outcome": task.get("outcome", "")}  # fmt: skip
            next_id += 1
