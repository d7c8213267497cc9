"""The people and tables of the deadline-day load test (bench/load.py).

`make_deadline_data` adds, to whatever database the settings point at (an empty one, or a
national dataset), its own province "压力测试省" with:

- a city of filers: `filers` accounts (`loadfiler001` …), each a 填报人 of a county unit with one
  project table of `rows` indicator rows; the first `pairs` pairs share their unit and table
  (two filers of one county, as happens on deadline day), so `filers - pairs` tables in all;
- a reviewer of that province's second city, whose `export_units` units hold `export_tables`
  project tables each: the city export that runs meanwhile with `--with-city-export`.

It is built fresh each time (the province is deleted first), so a run starts from version 1 of
every table and the verification can count every save.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from budgetapp.indicators.frameworks import LEGACY
from budgetapp.indicators.models import Category, Framework
from budgetapp.targets.models import ProjectGoal, ProjectIndicator, ProjectTable, Revision
from budgetapp.units.models import (
    Account,
    BudgetYear,
    LayoutFamily,
    Region,
    RegionLevel,
    Role,
    Unit,
)

PROVINCE = "压力测试省"
FILER_CITY = "填报测试市"
EXPORT_CITY = "导出测试市"
FILER_PREFIX = "loadfiler"
REVIEWER = "loadreviewer"
PASSWORD = "Load-test-2024"

# (一级, 二级, 三级, 指标值, 依据): the shape of a real project table (seed 000's 康复 tables).
ROWS = [
    ("产出指标", "数量指标", "残疾儿童康复救助人数", "≥3800人", "工作计划"),
    ("产出指标", "数量指标", "辅助器具适配人数", "≥1200人", "工作计划"),
    ("产出指标", "数量指标", "家庭无障碍改造户数", "≥300户", "工作计划"),
    ("产出指标", "数量指标", "康复训练机构数量", "12个", "历史数据"),
    ("产出指标", "质量指标", "康复服务覆盖率", "≥90%", "省级标准"),
    ("产出指标", "质量指标", "辅助器具适配合格率", "100%", "国家标准"),
    ("产出指标", "质量指标", "康复训练达标率", "≥85%", "部门工作目标"),
    ("产出指标", "时效指标", "资金拨付及时率", "100%", "工作计划"),
    ("产出指标", "时效指标", "项目完成时间", "12月31日前", "工作计划"),
    ("产出指标", "成本指标", "人均康复救助标准", "≤2.2万元/人/年", "省级标准"),
    ("产出指标", "成本指标", "户均改造补助", "≤6000元/户", "历史数据"),
    ("效益指标", "社会效益指标", "残疾人生活质量", "有所提高", "部门工作目标"),
    ("效益指标", "社会效益指标", "残疾儿童入学率", "≥95%", "历史数据"),
    ("效益指标", "社会效益指标", "家庭照护负担", "有所减轻", "抽样调查"),
    ("效益指标", "经济效益指标", "残疾人就业人数", "≥150人", "工作计划"),
    ("效益指标", "可持续影响指标", "康复服务长效机制", "长期", "部门工作目标"),
    ("效益指标", "可持续影响指标", "社区康复网络", "进一步完善", "部门工作目标"),
    ("满意度指标", "服务对象满意度指标", "残疾人满意度", "≥95%", "抽样调查"),
    ("满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", "抽样调查"),
    ("满意度指标", "服务对象满意度指标", "社会公众满意度", "≥85%", "抽样调查"),
]


@dataclass(frozen=True)
class Filer:
    username: str
    table_id: int
    partner: str = ""  # the other filer of a shared table


@dataclass(frozen=True)
class DeadlineData:
    filers: list[Filer]
    password: str
    reviewer: str
    year: int
    export_units: int
    export_tables: int


def make_deadline_data(
    *,
    filers: int = 100,
    pairs: int = 5,
    rows: int = 20,
    year: int = 2021,
    export_units: int = 0,
    export_tables: int = 0,
) -> DeadlineData:
    if not 0 <= pairs * 2 <= filers:
        raise ValueError("pairs * 2 must not exceed filers")
    with transaction.atomic():
        _delete_previous()
        budget_year = _budget_year(year)
        categories = _categories(budget_year.framework)
        province = Region.objects.create(
            name=PROVINCE, level=RegionLevel.PROVINCE, layout=LayoutFamily.HEBEI
        )
        filer_city = Region.objects.create(name=FILER_CITY, level=RegionLevel.CITY, parent=province)
        export_city = Region.objects.create(
            name=EXPORT_CITY, level=RegionLevel.CITY, parent=province
        )
        password = make_password(PASSWORD)  # hashed once: 100 accounts in a second, not a minute
        result: list[Filer] = []
        number = 0
        for index in range(filers - pairs):
            county = Region.objects.create(
                name=f"测试{index + 1:03d}县", level=RegionLevel.COUNTY, parent=filer_city
            )
            unit = Unit.objects.create(
                region=county, code=f"8{index + 1:05d}", name=f"测试{index + 1:03d}县残联本级"
            )
            table = _table(unit, budget_year, categories, rows=rows, sequence=1)
            shared = index < pairs
            names = [f"{FILER_PREFIX}{number + k + 1:03d}" for k in range(2 if shared else 1)]
            number += len(names)
            for name in names:
                _account(name, password, Role.FILER, unit)
            for name in names:
                partner = next((other for other in names if other != name), "")
                result.append(Filer(username=name, table_id=table.pk, partner=partner))
        reviewer_unit = Unit.objects.create(region=export_city, name=f"{EXPORT_CITY}残疾人联合会")
        _account(REVIEWER, password, Role.REVIEWER, reviewer_unit)
        for index in range(export_units if export_tables else 0):
            county = Region.objects.create(
                name=f"导出{index + 1:03d}区", level=RegionLevel.COUNTY, parent=export_city
            )
            unit = Unit.objects.create(region=county, name=f"导出{index + 1:03d}区残联本级")
            for sequence in range(1, export_tables + 1):
                _table(unit, budget_year, categories, rows=min(rows, 12), sequence=sequence)
    return DeadlineData(
        filers=result,
        password=PASSWORD,
        reviewer=REVIEWER,
        year=year,
        export_units=export_units if export_tables else 0,
        export_tables=export_tables,
    )


def _delete_previous() -> None:
    province = Region.objects.filter(name=PROVINCE, parent=None).first()
    if province is None:
        return
    regions = Region.objects.filter(path__startswith=province.path)
    units = Unit.objects.filter(region__in=regions)
    tables = ProjectTable.objects.filter(unit__in=units)
    from django.contrib.contenttypes.models import ContentType

    Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(ProjectTable),
        object_id__in=tables.values("pk"),
    ).delete()
    from budgetapp.exports.models import ExportJob

    users = get_user_model().objects.filter(account__unit__in=units)
    ExportJob.objects.filter(requested_by__in=users).delete()
    tables.delete()
    users.delete()
    Account.objects.filter(unit__in=units).delete()
    # Children before parents: the unit and region foreign keys protect.
    for unit in units.order_by("-parent_id"):
        unit.delete()
    for region in sorted(regions, key=lambda r: -len(r.path)):
        region.delete()


def _budget_year(year: int) -> BudgetYear:
    framework = Framework.objects.get(code=LEGACY)
    budget_year, _ = BudgetYear.objects.get_or_create(year=year, defaults={"framework": framework})
    if not budget_year.is_open:
        budget_year.is_open = True
        budget_year.save(update_fields=["is_open"])
    return budget_year


def _categories(framework: Framework) -> dict[tuple[str, str | None], Category]:
    found: dict[tuple[str, str | None], Category] = {}
    for category in Category.objects.filter(framework=framework).select_related("parent"):
        if category.parent is None:
            found[(category.name, None)] = category
        else:
            found[(category.parent.name, category.name)] = category
    return found


def _account(username: str, password: str, role: str, unit: Unit) -> None:
    user = get_user_model().objects.create(
        username=username, password=password, email=f"{username}@example.org"
    )
    Account.objects.create(user=user, role=role, unit=unit)


def _table(unit: Unit, year: BudgetYear, categories, *, rows: int, sequence: int) -> ProjectTable:
    table = ProjectTable.objects.create(
        unit=unit,
        year=year,
        framework=year.framework,
        money_unit="万元",
        sequence=sequence,
        code=f"13070021LOAD{unit.pk:05d}{sequence:03d}",
        name=f"残疾人康复救助经费（{sequence}）",
        budget_total=Decimal("1273.72"),
        budget_fiscal=Decimal("1273.72"),
        budget_other=Decimal("0"),
        fund_use="用于残疾儿童康复救助、辅助器具适配和家庭无障碍改造",
        plan_march=Decimal("25"),
        plan_june=Decimal("50"),
        plan_october=Decimal("75"),
        plan_december=Decimal("100"),
    )
    ProjectGoal.objects.bulk_create(
        [
            ProjectGoal(table=table, order=1, text="保障残疾儿童应救尽救，提高康复服务质量"),
            ProjectGoal(table=table, order=2, text="完善社区康复服务网络，减轻家庭照护负担"),
        ]
    )
    indicators = []
    for order in range(rows):
        level1, level2, name, target, basis = ROWS[order % len(ROWS)]
        row = ProjectIndicator(
            table=table,
            order=order + 1,
            level1=categories[(level1, None)],
            level2=categories[(level1, level2)],
            name=name if order < len(ROWS) else f"{name}（{order + 1}）",
            description=name,
            target=target,
            basis=basis,
        )
        row.refresh_parsed_target()
        indicators.append(row)
    ProjectIndicator.objects.bulk_create(indicators)
    return table
