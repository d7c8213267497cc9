"""The start page's units built in Python (targets/views/home_units.py) are exactly what
templates/targets/_home_unit.html renders: with and without a 部门整体 table in every state,
with no projects and with projects in every state, names that need escaping; the whole page is
the same as with every unit from the template; the page reads one query per step (issue 17)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.core.paging import counted_page_of, page_of
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status
from budgetapp.targets.views import home as home_view
from budgetapp.targets.views.home import _links, unit_entry
from budgetapp.targets.views.home_units import ListedDepartment, ListedProject
from budgetapp.units.models import BudgetYear, Unit

from .conftest import login

NAMES = ["残疾人康复经费", "<script>\"就业\"</script> & '培训'", "一二三四五六七八九十十一十二十三"]


def _projects(unit_pk: int) -> list[ListedProject]:
    return [
        ListedProject(
            pk=100 + index,
            unit_id=unit_pk,
            name=NAMES[index % len(NAMES)],
            code=f"13<{index}>&",
            budget_total=Decimal("1234567.891") if index % 3 else None,
            money_unit="元" if index % 2 else "万元",
            status=status,
            sequence=index,
            indicator_count=index * 7,
        )
        for index, status in enumerate(Status)
    ]


DEPARTMENTS = [None, *(ListedDepartment(7, status) for status in Status)]


@pytest.mark.parametrize("department", DEPARTMENTS, ids=lambda d: d.status if d else "none")
@pytest.mark.parametrize("with_projects", [True, False])
def test_a_unit_as_the_template_renders_it(tree, year, department, with_projects):
    unit = tree["own"]
    unit.name = "<b>山海关</b>区 & '残联'"
    projects = _projects(unit.pk) if with_projects else []
    entry = unit_entry(
        unit,
        year=year.year,
        department=department,
        projects=projects,
        can_file=False,
        links=_links(year.year),
    )
    expected = render_to_string("targets/_home_unit.html", {"entry": entry, "year": year})
    assert entry["html"] == expected
    assert "&lt;b&gt;山海关&lt;/b&gt;区 &amp; &#x27;残联&#x27;" in entry["html"]
    assert ("book-downloads" in entry["html"]) == bool(department or projects)


def test_a_filers_own_unit_is_left_to_the_template(tree, year):
    entry = unit_entry(
        tree["own"],
        year=year.year,
        department=DEPARTMENTS[1],
        projects=_projects(tree["own"].pk),
        can_file=True,
        links=_links(year.year),
    )
    assert entry["html"] == ""
    assert "编辑" in entry["project_rows"]


@pytest.mark.parametrize("sequence", [0, 3])
@pytest.mark.parametrize("status", list(Status))
def test_listed_tables_say_what_the_models_say(tree, year, sequence, status):
    model = ProjectTable(unit=tree["own"], year=year, name="康复", sequence=sequence, status=status)
    listed = ListedProject(1, tree["own"].pk, "康复", "", None, "元", status, sequence, 0)
    assert (listed.title, listed.is_editable) == (model.title, model.is_editable)
    department = DepartmentTable(unit=tree["own"], year=year, status=status)
    listed_department = ListedDepartment(1, status)
    assert listed_department.get_status_display() == department.get_status_display()
    assert listed_department.is_editable == department.is_editable


def _masked(html: str) -> str:
    """A page without what changes from one request to the next (the CSRF token's mask)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.fixture
def filled(tree, year, project):
    """The city's units with tables in several states, escaping included."""
    DepartmentTable.objects.create(unit=tree["own"], year=year, framework=year.framework)
    DepartmentTable.objects.create(
        unit=tree["other"], year=year, framework=year.framework, status=Status.SUBMITTED
    )
    for index, status in enumerate(Status):
        ProjectTable.objects.create(
            unit=tree["other"],
            year=year,
            framework=year.framework,
            sequence=index + 1,
            code=f"A<{index}>",
            name=f"{NAMES[index % len(NAMES)]}{index}",
            status=status,
            money_unit="万元",
            budget_total=Decimal("12.5") if index % 2 else Decimal("0"),
        )


@pytest.mark.parametrize("who", ["reviewer", "owner", "admin"])
def test_the_page_is_the_one_the_template_renders(client, users, filled, monkeypatch, who):
    login(client, users[who])
    url = reverse("targets:home")
    built = client.get(url).content.decode()
    monkeypatch.setattr(home_view, "unit_section_html", lambda *args: "")
    templated = client.get(url).content.decode()
    assert _masked(built) == _masked(templated)
    assert built.count("<section") == {"reviewer": 3, "owner": 1, "admin": 4}[who]
    assert "&lt;script&gt;&quot;就业&quot;" in built or who == "owner"


def test_the_default_year_is_the_newest_with_a_table_of_ones_units(client, users, project, year):
    BudgetYear.objects.create(year=year.year + 1, framework=year.framework)
    other_year = BudgetYear.objects.create(year=year.year + 2, framework=year.framework)
    ProjectTable.objects.create(
        unit=Unit.objects.get(name="北戴河区残联本级"),
        year=other_year,
        framework=year.framework,
        budget_total=Decimal("0"),
    )
    login(client, users["owner"])
    page = client.get(reverse("targets:home")).content.decode()
    assert f"绩效目标表（{year.year}年）" in page  # the newer years have none of the owner's
    login(client, users["reviewer"])
    page = client.get(reverse("targets:home")).content.decode()
    assert f"绩效目标表（{other_year.year}年）" in page  # a county of the reviewer's city has one


@pytest.mark.parametrize("asked", [None, "", "1", "2", "3", "4", "99", "0", "-1", "x", "1.5"])
def test_a_counted_page_is_the_page_page_of_gives(rf, tree, asked):
    for index in range(7):
        Unit.objects.create(region=tree["own"].region, code=f"9{index}", name=f"单位{index}")
    units = Unit.objects.order_by("code", "name")
    request = rf.get("/", {} if asked is None else {"page": asked})
    with CaptureQueriesContext(connection) as queries:
        counted = counted_page_of(request, units, 3)
    expected = page_of(request, units, 3)
    assert (counted.number, counted.paginator.count, counted.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )
    assert list(counted.object_list) == list(expected.object_list)
    # A page of the set: its rows with the count; past the end: the count too; 0 and below
    # (the last page, as page_of gives it): the count only (the page is read when shown).
    assert len(queries) == {"99": 2, "0": 1, "-1": 1}.get(asked, 1)
    assert counted.paginator.count == 11
    assert isinstance(counted.object_list, list) == (asked not in ("99", "0", "-1"))


def test_an_empty_set_gives_an_empty_first_page(rf, db):
    page = counted_page_of(rf.get("/", {"page": "2"}), Unit.objects.order_by("pk"), 20)
    assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])


def test_a_login_without_an_account_sees_the_newest_year_and_no_units(client, tree, year):
    """No account, so no units (units_visible_to gives none): the years query's EXISTS over an
    empty set of units is false for every year."""
    from django.contrib.auth import get_user_model

    newer = BudgetYear.objects.create(year=year.year + 1, framework=year.framework)
    login(client, get_user_model().objects.create_user(username="nobody", password="x-Pass-2026"))
    page = client.get(reverse("targets:home")).content.decode()
    assert f"绩效目标表（{newer.year}年）" in page
    assert "您的账户尚未关联单位" in page and "<section" not in page


def test_the_rows_are_counted_from_their_table_index_alone(client, users, project):
    """`COUNT(*)`, not `COUNT(id)`: the rows' `table_id` index holds no id, so only `COUNT(*)`
    lets PostgreSQL count a vacuumed table's rows by an index-only scan, without the heap."""
    ProjectTable.objects.create(
        unit=project.unit,
        year=project.year,
        framework=project.framework,
        sequence=2,
        budget_total=Decimal("0"),
    )
    login(client, users["owner"])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("targets:home"))
    listed = [q["sql"] for q in queries if '"targets_projectindicator"' in q["sql"]]
    assert len(listed) == 1
    assert 'COUNT(*) AS "count" FROM "targets_projectindicator"' in listed[0]
    counted = ProjectTable.objects.annotate(
        count=Coalesce(Subquery(home_view._indicator_count), 0)
    ).order_by("sequence")
    assert [table.count for table in counted] == [2, 0]
