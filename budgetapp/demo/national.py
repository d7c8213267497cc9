"""A national-size dataset for benchmarks and load tests (`manage.py load_national`).

The shape of a country's deployment: provinces, cities, county units, each county unit filing
a department table and project tables for two budget years, the indicator rows of the four
published seeds copied into them, accounts for every role, and the previous year published
with its frozen `Publication` versions, as the portal needs. Sizes are arguments; the default
is the issue's national size (31 provinces, 330 cities, 3,000 county units, 63,000 tables,
925,000 indicator rows).

Written in bulk with explicit ids (PostgreSQL: `COPY`, in batches; other databases:
`bulk_create`), so the full size loads in a few minutes; nothing here is the filing path. The
tables carry no revisions, submissions or stored files (a table gets its first revision when it
is first saved, as a demo table does). Every generated account has the same password (hashed
once); reviewers and administrators are enrolled with the demo's TOTP secrets
(`demo.second_factors`). Benchmark data only: the password is printed.

Named parts used by bench/pages.py and the load test (`BenchPlan`):
- the first city (`河北01市`) has `bench_city_units` units in its subtree (its federation and
  its county units), so its dashboard shows that many;
- the first project table of the current year of that city's first county unit has exactly
  `bench_rows` indicator rows and is a draft of its filers `filer<code>` and `filer<code>b`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models

from budgetapp.indicators.lookup import CategoryIndex
from budgetapp.indicators.values import parse_target
from budgetapp.targets.models import (
    Status,
)
from budgetapp.units.models import (
    LayoutFamily,
)

from .loader import read_data_file

PROVINCES = [
    "河北省", "广东省", "湖北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖南省",
    "广西壮族自治区", "海南省", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
    "青海省", "宁夏回族自治区", "新疆维吾尔自治区", "北京市", "天津市", "上海市", "重庆市",
]  # fmt: skip
# Each province prints its department table in one of the three regional layouts, in turn.
LAYOUTS = [LayoutFamily.HEBEI, LayoutFamily.GUANGDONG, LayoutFamily.HUBEI]
DEPARTMENT_TEMPLATES = {
    LayoutFamily.HEBEI: "zhangjiakou_2021.json",
    LayoutFamily.GUANGDONG: "lianjiang_2024.json",
    LayoutFamily.HUBEI: "caidian_2025.json",
}
PROJECT_TEMPLATES = ["zhangjiakou_2021.json", "shanhaiguan_2021.json"]
# How far the indicator rows of the project tables spread around their mean (sums to 0).
ROW_SPREAD = [-6, -3, 0, 3, 6, 0]
# The current year's state, unit by unit (one state per unit: units submit together):
# out of 20 units, 11 still drafting, 2 returned, 3 submitted, 2 approved, 2 published.
STAGES = [Status.DRAFT] * 11 + [Status.RETURNED] * 2 + [Status.SUBMITTED] * 3
STAGES += [Status.APPROVED] * 2 + [Status.PUBLISHED] * 2
DEFAULT_PASSWORD = "bench-Pass-2026"
EMAIL_DOMAIN = "example.org"


@dataclass(frozen=True)
class Size:
    provinces: int = 31
    cities: int = 330
    counties: int = 3000
    tables: int = 63000
    rows: int = 925000
    year: int = 2026
    bench_city_units: int = 40
    bench_rows: int = 20

    def check(self) -> None:
        if not 1 <= self.provinces <= len(PROVINCES):
            raise ValueError(f"省的数量应在 1 到 {len(PROVINCES)} 之间。")
        if self.cities < self.provinces:
            raise ValueError("市的数量不能少于省的数量（每省至少一个市）。")
        if self.counties < max(self.cities, self.bench_city_units - 1):
            raise ValueError("县级单位不能少于市的数量，也不能少于基准市的县级单位数。")
        if self.tables < 2 * self.counties:
            raise ValueError("表的数量至少为县级单位数的两倍（每个单位每年一张部门整体表）。")


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    bench: dict[str, object] = field(default_factory=dict)
    password: str = DEFAULT_PASSWORD


# --- Writing in bulk ---------------------------------------------------------------------------


class BulkWriter:
    """Inserts rows given as dicts of attribute values, ids included: `COPY` on PostgreSQL,
    `bulk_create` elsewhere. A field a row leaves out gets its default (`auto_now` fields: now).
    `finish` moves the sequences past the ids used. On PostgreSQL the tables written are then
    left as autovacuum leaves them in production, which this development machine runs without:
    `vacuum`, after the load has committed, runs `VACUUM (ANALYZE)` on them, so the planner has
    statistics (without them a 0.4 ms index read of a unit's indicator rows was planned as a
    5–10 ms parallel scan, issue 17) and the visibility map is set (without it an index-only
    scan reads the heap). A load inside a caller's transaction cannot vacuum (`VACUUM` runs in
    no transaction block): `finish(analyze=True)` gathers the statistics there instead."""

    def __init__(self, now: datetime) -> None:
        self.postgresql = connection.vendor == "postgresql"
        self.now = now
        self.models: list[type[models.Model]] = []
        self.counts: dict[str, int] = {}

    def next_id(self, model: type[models.Model]) -> int:
        return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1

    def _defaults(self, model: type[models.Model]) -> list[tuple[str, object]]:
        defaults = []
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = self.now
            else:
                default = f.get_default()
            defaults.append((f.attname, default))
        return defaults

    def insert(self, model: type[models.Model], rows: Iterable[dict]) -> int:
        if model not in self.models:
            self.models.append(model)
        defaults = self._defaults(model)
        json_fields = {
            f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
        }
        count = 0
        if self.postgresql:
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(
                connection.ops.quote_name(f.column) for f in model._meta.concrete_fields
            )
            sql = f"COPY {table} ({names}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(
                        [
                            _json(row.get(name, default))
                            if name in json_fields
                            else row.get(name, default)
                            for name, default in defaults
                        ]
                    )
                    count += 1
        else:
            for batch in _batches(rows, 2000):
                model.objects.bulk_create(
                    [
                        model(**{name: row.get(name, default) for name, default in defaults})
                        for row in batch
                    ]
                )
                count += len(batch)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + count
        return count

    def finish(self, *, analyze: bool) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        if self.postgresql and analyze:
            statements += [f"ANALYZE {self._table(model)}" for model in self.models]
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def vacuum(self) -> None:
        """`VACUUM (ANALYZE)` of the tables written (PostgreSQL; outside any transaction)."""
        if not self.postgresql:
            return
        if connection.in_atomic_block:
            raise RuntimeError("VACUUM cannot run inside a transaction block")
        with connection.cursor() as cursor:
            for model in self.models:
                cursor.execute(f"VACUUM (ANALYZE) {self._table(model)}")

    def _table(self, model: type[models.Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- The plan: regions, units and how many tables and rows each gets --------------------------


@dataclass
class County:
    province: int  # 0-based
    city: int  # global 0-based
    number: int  # 1-based within the city
    unit_id: int = 0
    code: str = ""
    name: str = ""
    city_region_id: int = 0


def split_evenly(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def counties_per_city(size: Size) -> list[int]:
    """The first city gets the benchmark city's county units; the others share the rest."""
    first = size.bench_city_units - 1
    if size.cities == 1:
        return [size.counties]
    return [first, *split_evenly(size.counties - first, size.cities - 1)]


def project_row_counts(count: int, total: int, fixed: dict[int, int]) -> list[int]:
    """`count` row counts summing to `total` (at least one row each), spread around the mean;
    the positions in `fixed` get exactly their number."""
    free = [i for i in range(count) if i not in fixed]
    remaining = total - sum(fixed.values())
    base = max(1, remaining // max(1, len(free)))
    counts = [0] * count
    for position, i in enumerate(free):
        counts[i] = max(1, base + ROW_SPREAD[position % len(ROW_SPREAD)])
    for i, number in fixed.items():
        counts[i] = number
    difference = remaining - sum(counts[i] for i in free)
    step = 1 if difference > 0 else -1
    cycle = itertools.cycle(free)
    guard = 0
    while difference and free and guard < 10 * count + abs(difference) * 2:
        i = next(cycle)
        guard += 1
        if step < 0 and counts[i] <= 1:
            continue
        counts[i] += step
        difference -= step
    return counts


# --- Templates from the published seeds --------------------------------------------------------


@dataclass
class RowTemplate:
    level1: int
    level2: int | None
    name: str
    description: str
    target: str
    comparator: str
    number: Decimal | None
    unit: str
    basis: str
    prev1: str = ""
    prev2: str = ""
    goal_no: int = 1


@dataclass
class ProjectTemplate:
    name: str
    money_unit: str
    values: dict
    goals: list[str]
    rows: list[RowTemplate]


@dataclass
class DepartmentTemplate:
    money_unit: str
    values: dict
    sub_goals: list[dict]
    measures: list[dict]
    tasks: list[dict]
    rows: list[RowTemplate]


_DEPARTMENT_TEXT = [
    "overall_goal", "staff_count", "sub_unit_count", "filler_name", "filler_phone", "functions",
    "annual_tasks",
]  # fmt: skip
_DEPARTMENT_MONEY = [
    "expense_basic", "expense_project", "income_fiscal", "income_other",
    "expense_basic_prev1", "expense_project_prev1", "income_fiscal_prev1", "income_other_prev1",
    "expense_basic_prev2", "expense_project_prev2", "income_fiscal_prev2", "income_other_prev2",
    "special_funds", "other_development", "own_level_funds", "transfer_funds",
]  # fmt: skip


def _money(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _row_template(spec: dict, categories: CategoryIndex) -> RowTemplate:
    level1 = categories.level1(spec["level1"]) or next(
        c for c in categories.by_pk.values() if c.parent_id is None
    )
    level2 = categories.level2(spec.get("level2", ""), under=level1)
    parsed = parse_target(spec.get("target", ""))
    return RowTemplate(
        level1=level1.pk,
        level2=level2.pk if level2 else None,
        name=spec["name"],
        description=spec.get("description", ""),
        target=parsed.text,
        comparator=parsed.comparator,
        number=parsed.number,
        unit=parsed.unit,
        basis=spec.get("basis", ""),
        prev1=spec.get("prev1", ""),
        prev2=spec.get("prev2", ""),
        goal_no=spec.get("goal_no", 1),
    )


def project_templates(categories: CategoryIndex) -> list[ProjectTemplate]:
    templates = []
    for name in PROJECT_TEMPLATES:
        data = read_data_file(name)
        for spec in data["projects"]:
            if not spec.get("indicators"):
                continue
            plan = spec.get("plan") or [None] * 4
            templates.append(
                ProjectTemplate(
                    name=spec["name"],
                    money_unit=data["money_unit"],
                    values={
                        "budget_total": _money(spec["budget_total"]),
                        "budget_fiscal": _money(spec.get("budget_fiscal")) or Decimal("0"),
                        "budget_other": _money(spec.get("budget_other")) or Decimal("0"),
                        "lifetime_budget": _money(spec.get("lifetime_budget")),
                        "fund_use": spec.get("fund_use", ""),
                        "plan_march": _money(plan[0]),
                        "plan_june": _money(plan[1]),
                        "plan_october": _money(plan[2]),
                        "plan_december": _money(plan[3]),
                    },
                    goals=list(spec.get("goals", [])),
                    rows=[_row_template(r, categories) for r in spec["indicators"]],
                )
            )
    return templates


def department_templates(categories: CategoryIndex) -> dict[str, DepartmentTemplate]:
    templates = {}
    for layout, name in DEPARTMENT_TEMPLATES.items():
        data = read_data_file(name)
        spec = data["department"]
        values = {k: spec.get(k) for k in _DEPARTMENT_TEXT}
        values = {k: ("" if v is None and k not in ("staff_count", "sub_unit_count") else v)
                  for k, v in values.items()}  # fmt: skip
        values |= {k: _money(spec.get(k)) for k in _DEPARTMENT_MONEY}
        templates[layout] = DepartmentTemplate(
            money_unit=data["money_unit"],
            values=values,
            sub_goals=list(spec.get("sub_goals", [])),
            measures=list(spec.get("measures", [])),
            tasks=list(spec.get("tasks", [])),
            rows=[_row_template(r, categories) for r in spec.get("indicators", [])],
        )
    return templates


def rows_of(template_rows: list[RowTemplate], count: int) -> Iterator[tuple[int, RowTemplate, str]]:
    """`count` rows cycling through the template's rows (a repeat gets a numbered name)."""
    for i in range(count):
        row = template_rows[i % len(template_rows)]
        lap = i // len(template_rows)
        yield i + 1, row, row.name if lap == 0 else f"{row.name}（{lap + 1}）"
