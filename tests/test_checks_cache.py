"""The 智能审核 of a saved table is kept in the cache under a digest of everything it reads
(budgetapp/checks/cached.py). For each input, a change to it changes the findings shown, with
the cache full of the findings from before and nothing cleared: the table's own fields and
rows, its framework's categories, the unit's other projects of this year (changed, added,
deleted), last year's project, the table it was carried from, the rules' settings and code."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest
from django.db.models import F

from budgetapp.checks import cached
from budgetapp.checks.cached import cached_check_table, code_digest, read_key
from budgetapp.checks.data import from_table
from budgetapp.checks.engine import CheckContext, check_table
from budgetapp.checks.models import CheckRule, Severity, Stage
from budgetapp.checks.registry import RULES
from budgetapp.indicators.models import Category
from budgetapp.targets import carry
from budgetapp.targets.models import DepartmentTable, ProjectIndicator, ProjectTable

from .conftest import login
from .test_checks_carried import year2022  # noqa: F401 (the fixture)
from .test_checks_workflow import make_clean

pytestmark = pytest.mark.usefixtures("checks_on")


def _shown(table) -> list[tuple[str, str]]:
    """The findings as the table page gets them (a fresh instance, the cache consulted), which
    must be what running the rules afresh gives."""
    fresh = type(table).objects.select_related("unit", "year").get(pk=table.pk)
    kept = [(f.severity, f.message) for f in cached_check_table(fresh).findings]
    assert kept == [(f.severity, f.message) for f in check_table(fresh).findings]
    return kept


def _messages(table, rule: str) -> list[str]:
    fresh = type(table).objects.select_related("unit", "year").get(pk=table.pk)
    return [f.message for f in cached_check_table(fresh).findings if f.rule == rule]


def _saved(table) -> None:
    """What every write service does to a table it writes (or whose rows it writes)."""
    table.version = F("version") + 1
    table.save()
    table.refresh_from_db()


def test_the_second_page_reads_the_kept_findings(project, django_assert_max_num_queries):
    first = _shown(project)
    fresh = ProjectTable.objects.select_related("unit", "year").get(pk=project.pk)
    data = from_table(fresh)
    # The rules and the tables' state, in one statement; not the other tables or their rows.
    with django_assert_max_num_queries(1):
        again = cached.cached_findings(data)
    assert [(f.severity, f.message) for f in again] == first


def test_the_tables_own_fields_and_rows(project):
    before = _shown(project)
    # Changed without the services (no new version): the table's content is the key itself.
    ProjectTable.objects.filter(pk=project.pk).update(budget_total=Decimal("120000"))
    assert _messages(project, "budget_sum") and _shown(project) != before
    ProjectIndicator.objects.filter(table=project, order=1).update(target="17")
    assert any("只有数字" in m for m in _messages(project, "target_unit_missing"))


def test_the_frameworks_categories(project, framework):
    missing = _messages(project, "level1_present")
    assert any("效益指标" in m for m in missing)
    Category.objects.filter(framework=framework, parent=None, name="效益指标").update(
        name="效益指标（改）"
    )
    renamed = _messages(project, "level1_present")
    assert any("效益指标（改）" in m for m in renamed) and renamed != missing


def test_the_units_other_projects_changed_added_and_deleted(tree, year, project):
    department = DepartmentTable.objects.create(
        unit=tree["own"],
        year=year,
        framework=year.framework,
        money_unit="元",
        expense_project=Decimal("110000"),
    )
    assert _messages(department, "projects_sum") == []
    project.budget_total = Decimal("130000")
    _saved(project)
    assert "130,000.00 元" in _messages(department, "projects_sum")[0]
    other = ProjectTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, money_unit="元", sequence=2,
        name="新项目", budget_total=Decimal("-20000"),
    )  # fmt: skip
    assert _messages(department, "projects_sum") == []  # 130,000 − 20,000 = 110,000
    other.delete()
    assert "130,000.00 元" in _messages(department, "projects_sum")[0]


def test_last_years_project(users, project, category, year2022):  # noqa: F811
    make_clean(project, category)
    this_year = ProjectTable.objects.create(
        unit=project.unit, year=year2022, framework=year2022.framework, money_unit="元",
        sequence=1, code=project.code, name=project.name, budget_total=Decimal("1"),
    )  # fmt: skip
    last = project.indicators.order_by("order").first()
    ProjectIndicator.objects.create(
        table=this_year, order=1, level1=last.level1, level2=last.level2, name=last.name,
        target="≥1人",
    )  # fmt: skip
    assert _messages(this_year, "below_last_year")  # last year's target is higher
    ProjectIndicator.objects.filter(pk=last.pk).update(target="≥1人")
    _saved(project)
    assert _messages(this_year, "below_last_year") == []


def test_the_table_it_was_carried_from(users, project, category, year2022):  # noqa: F811
    make_clean(project, category)
    carry.carry_forward(user=users["owner"], unit=project.unit, from_year=2021, to_year=2022)
    carried_table = ProjectTable.objects.get(year=year2022)
    assert len(_messages(carried_table, "carried_unchanged")) == 3
    project.budget_total = project.budget_fiscal = Decimal("90000")
    _saved(project)
    assert len(_messages(carried_table, "carried_unchanged")) == 2


def test_the_rules_settings(project):
    ProjectTable.objects.filter(pk=project.pk).update(budget_total=Decimal("110000.50"))
    rule = CheckRule.objects.get(stage=Stage.TARGET, code="budget_sum")
    assert _messages(project, "budget_sum")
    rule.params = {**rule.params, "tolerance": "1"}
    rule.save()
    assert _messages(project, "budget_sum") == []
    rule.params = {**rule.params, "tolerance": "0.01"}
    rule.severity = Severity.WARNING if rule.severity == Severity.ERROR else Severity.ERROR
    rule.save()
    assert (rule.severity, _messages(project, "budget_sum")[0]) in _shown(project)
    rule.name = "预算数之和（改）"
    rule.save()
    fresh = ProjectTable.objects.select_related("unit", "year").get(pk=project.pk)
    names = {f.rule_name for f in cached_check_table(fresh).findings if f.rule == "budget_sum"}
    assert names == {"预算数之和（改）"}
    rule.enabled = False
    rule.save()
    assert _messages(project, "budget_sum") == []


def test_the_rules_code(project, monkeypatch):
    """Every rule's module is in the digest, and another digest is another key."""
    digested = {str(p) for p in cached._CHECKS.rglob("*.py")}
    for function in RULES.values():
        assert inspect.getsourcefile(function) in digested
    data = from_table(ProjectTable.objects.select_related("unit", "year").get(pk=project.pk))
    key, _ = read_key(data)
    monkeypatch.setattr(cached, "code_digest", lambda: "another" + code_digest())
    assert read_key(data)[0] != key


def test_the_table_page_shows_a_change_to_another_table(client, users, tree, year, project):
    department = DepartmentTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, money_unit="元",
        expense_project=Decimal("110000"),
    )  # fmt: skip
    login(client, users["owner"])
    assert "张项目表的预算数合计" not in client.get(department.get_absolute_url()).content.decode()
    project.budget_total = Decimal("130000")
    _saved(project)
    page = client.get(department.get_absolute_url()).content.decode()
    assert "本单位 1 张项目表的预算数合计 130,000.00 元" in page


def test_the_department_table_it_was_carried_from(users, tree, year, year2022, category):  # noqa: F811
    department = DepartmentTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, overall_goal="保障残疾人基本权益",
        expense_basic=Decimal("100.00"), income_fiscal=Decimal("100.00"),
    )  # fmt: skip
    carry.carry_forward(user=users["owner"], unit=tree["own"], from_year=2021, to_year=2022)
    copy = DepartmentTable.objects.get(year=year2022)
    assert _messages(copy, "carried_unchanged")  # last year's amounts, unchanged
    department.expense_basic = Decimal("90.00")
    _saved(department)
    assert _messages(copy, "carried_unchanged") == []


def test_the_findings_are_kept_apart_from_the_portals_pages(project):
    """The findings go to their own cache (CACHES["checks"]), so that a deadline day's saves,
    each making a new key, never push the published pages out of the default cache."""
    from django.core.cache import cache, caches

    cache.set("portal:page:sentinel", "kept")
    _shown(project)
    keys = list(caches["checks"]._cache)  # LocMemCache's own store, in the tests' settings
    assert keys and all(cached.PREFIX in key for key in keys)
    assert list(cache._cache) == [cache.make_key("portal:page:sentinel")]


def test_the_rules_read_with_the_key_are_the_enabled_ones_in_order(project):
    """The one statement of the key (`cached._read_state`) gives the rules the ORM gives, in
    their order, params decoded; with none enabled, no rule and the tables' state still."""
    fresh = ProjectTable.objects.select_related("unit", "year").get(pk=project.pk)
    data = from_table(fresh)
    CheckRule.objects.filter(stage=Stage.TARGET, code="budget_sum").update(order=999)
    CheckRule.objects.filter(stage=Stage.TARGET, code="plan_blank").update(enabled=False)
    expected = list(CheckRule.objects.filter(stage=Stage.TARGET, enabled=True))
    state, rows = cached._read_state(data)
    rules = [cached._rule(row) for row in rows]
    fields = ("pk", "code", "name", "severity", "enabled", "params", "order")
    assert [[getattr(r, f) for f in fields] for r in rules] == [
        [getattr(r, f) for f in fields] for r in expected
    ]
    assert rules[-1].code == "budget_sum" and "plan_blank" not in {r.code for r in rules}
    assert any(r.params for r in rules)  # decoded JSON, as the rules read it
    assert state[0][0] == ProjectTable.objects.filter(unit=project.unit).count()
    CheckRule.objects.filter(stage=Stage.TARGET).update(enabled=False)
    assert cached._read_state(data) == (state, [])
    assert cached_check_table(fresh).findings == []


def test_last_years_project_is_read_with_this_years(
    users,
    project,
    category,
    year2022,  # noqa: F811
    django_assert_num_queries,
):
    """A miss reads the unit's tables (one query) and, in one more, the rows of this year's
    projects and of the checked project's last year's project (not a third for the latter)."""
    this_year = ProjectTable.objects.create(
        unit=project.unit, year=year2022, framework=year2022.framework, money_unit="元",
        sequence=1, code=project.code, name=project.name, budget_total=Decimal("1"),
    )  # fmt: skip
    other = ProjectTable.objects.create(
        unit=project.unit, year=year2022, framework=year2022.framework, money_unit="元",
        sequence=2, code="other", name="另一个项目", budget_total=Decimal("1"),
    )  # fmt: skip
    ProjectIndicator.objects.create(
        table=other, order=1, level1=category("效益指标"), name="培训人次", target="≥5人次"
    )
    data = from_table(ProjectTable.objects.select_related("unit", "year").get(pk=this_year.pk))
    context = CheckContext.for_table(data)
    with django_assert_num_queries(2):
        others = context.other_projects()
        last = context.last_year_project(data.code, data.name)
    assert [t.pk for t in others] == [other.pk] and others[0].rows[0].name == "培训人次"
    alone = CheckContext.for_table(data).last_year_project(data.code, data.name)
    assert last == alone and last.pk == project.pk
    assert [r.name for r in last.rows] == [r.name for r in project.indicators.order_by("order")]
    # Another code and name than the checked project's: read on its own, as before.
    assert context.last_year_project("", "没有这个项目") is None
