"""Real files come in (issue 13 §3): workbooks written by another tool from the published seed
tables, with their publishers' typos, import as drafts with every indicator intact; each value
a draft cannot hold is kept on the table and blocks submission until the filer fixes it; each
table of a workbook stands on its own."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook

from budgetapp.checks.engine import check_table
from budgetapp.checks.gate import ChecksFailed
from budgetapp.demo.loader import load_demo
from budgetapp.imports.apply import import_workbook
from budgetapp.imports.models import ImportBatch
from budgetapp.imports.outcome import Action
from budgetapp.imports.reader import read_workbook
from budgetapp.review.services import submit_table
from budgetapp.targets.forms import ProjectGoalFormSet, ProjectIndicatorFormSet, ProjectTableForm
from budgetapp.targets.models import ProjectTable, Status
from budgetapp.targets.services import update_project_table
from budgetapp.units.models import Role, Unit

from .conftest import _user, login

DATA = Path(__file__).resolve().parent.parent / "budgetapp" / "demo" / "data"


def _seed(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def write_project_sheet(ws, project: dict, unit: dict, money_unit: str) -> None:
    """One project table in the official layout, as a script or another program writes it:
    no merged categories, every 一级/二级 typed out, numbers as typed text."""
    ws.append([f"{project['number']}.{project['name']}绩效目标表"])
    ws.append([f"{unit['code']}{unit['name']}", None, None, None, None, f"单位：{money_unit}"])
    ws.append(["项目编码", project["code"], None, "项目名称", project["name"]])
    ws.append(["预算规模及资金用途", "预算数", project["budget_total"], "其中：财政资金",
               project["budget_fiscal"], "其他资金", project["budget_other"]])  # fmt: skip
    ws.append([None, project["fund_use"]])
    ws.append(["资金支出计划（%）", "3月底", None, "6月底", "10月底", "12月底"])
    march, june, october, december = (f"{p}%" if p not in (None, "") else None for p in project["plan"])  # fmt: skip
    ws.append([None, march, None, june, october, december])
    goals = "\n".join(f"{n}、{g}" for n, g in enumerate(project["goals"], 1))
    ws.append(["绩效目标", goals])
    ws.append(
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", None, "指标值", "指标值确定依据"]
    )
    for row in project["indicators"]:
        ws.append([row["level1"], row["level2"], row["name"], row["description"], None,
                   row["target"], row["basis"]])  # fmt: skip


def workbook(seed: dict, projects: list[dict]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for project in projects:
        write_project_sheet(
            book.create_sheet(f"{project['number']}.{project['name']}"[:31]),
            project,
            seed["unit"],
            seed["money_unit"],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _typo(project: dict, **changes) -> dict:
    changed = json.loads(json.dumps(project))
    for key, value in changes.items():
        if key.startswith("plan_"):
            index = ["plan_march", "plan_june", "plan_october", "plan_december"].index(key)
            changed["plan"][index] = value
        else:
            changed[key] = value
    return changed


@pytest.fixture
def empty_copy(db, checks_on):
    """An empty unit next to 山海关区残联本级 (河北, 元), with a filer."""
    load_demo()
    source = Unit.objects.get(name="秦皇岛市山海关区残疾人联合会本级")
    unit = Unit.objects.create(region=source.region, code="", name="山海关区残联（导入测试）")
    return unit, _user("copy_filer", Role.FILER, unit)


def _findings(table, rule: str) -> list:
    return [f for f in check_table(table).findings if f.rule == rule]


def test_published_tables_with_their_typos_import_as_drafts_and_block_submission(empty_copy):
    unit, filer = empty_copy
    seed = _seed("shanhaiguan_2021.json")
    projects = list(seed["projects"])
    # The publishers' kind of mistakes where a draft cannot hold the value …
    projects[0] = _typo(projects[0], plan_october="5000")  # a plan far above 100%
    projects[1] = _typo(projects[1], budget_other="-2000.00")  # a negative amount
    projects[2] = _typo(projects[2], budget_total="十一万")  # letters in a money cell
    # … and where the field holds the text: a rate given as a duration.
    typo_at = next(
        i
        for i, p in enumerate(projects)
        if i > 2
        and any("率" in r["name"] for r in p["indicators"])
        and not any(r["target"] == "14人" for r in p["indicators"])
    )
    projects[typo_at] = json.loads(json.dumps(projects[typo_at]))
    rate = next(i for i, r in enumerate(projects[typo_at]["indicators"]) if "率" in r["name"])
    projects[typo_at]["indicators"][rate]["target"] = "≤60天"

    result = import_workbook(
        user=filer,
        unit=unit,
        year=2021,
        parsed=read_workbook(workbook(seed, projects)),
        dry_run=False,
    )

    assert result.applied
    assert [o.action for o in result.outcomes] == [Action.CREATE] * len(projects), [
        str(p) for p in result.all_problems if p.is_error
    ]
    tables = {t.name: t for t in ProjectTable.objects.filter(unit=unit)}
    assert len(tables) == len(projects)
    for project in projects:  # every indicator intact, as typed
        table = tables[project["name"]]
        assert table.status == Status.DRAFT
        assert [(r.name, r.target) for r in table.indicators.all()] == [
            (r["name"], r["target"]) for r in project["indicators"]
        ]

    plan = tables[projects[0]["name"]]
    assert plan.plan_october is None
    (finding,) = _findings(plan, "import_value")
    assert finding.is_error and "“5000%”" in finding.message and "10月底" in finding.message
    assert finding.input == "plan_october"

    negative = tables[projects[1]["name"]]
    assert negative.budget_other == Decimal("0")
    (finding,) = _findings(negative, "import_value")
    assert "“-2000.00”" in finding.message and "不能为负数" in finding.message

    letters = tables[projects[2]["name"]]
    assert letters.budget_total == Decimal("0")
    (finding,) = _findings(letters, "import_value")
    assert "“十一万”" in finding.message and "预算数" in finding.message

    duration = tables[projects[typo_at]["name"]]
    assert not _findings(duration, "import_value")
    assert any("≤60天" in f.message and f.is_error for f in _findings(duration, "rate_is_percent"))

    # The seed's own typo, kept as published: a 准确率 of 14人 (山海关, 工资及保险发放准确率).
    accuracy = next(
        t
        for t in tables.values()
        if t.indicators.filter(target="14人", name__contains="准确率").exists()
    )
    assert any("14人" in f.message and f.is_error for f in _findings(accuracy, "rate_is_percent"))

    for table in (plan, negative, letters, duration, accuracy):
        with pytest.raises(ChecksFailed):
            submit_table(table=table, user=filer)
        table.refresh_from_db()
        assert table.status == Status.DRAFT


def test_zhangjiakou_book_in_wan_yuan_imports_every_table_and_indicator(db, checks_on):
    load_demo()
    source = Unit.objects.get(name="张家口市残疾人联合会本级")
    unit = Unit.objects.create(region=source.region, code="", name="张家口（导入测试）")
    filer = _user("zjk_copy", Role.FILER, unit)
    seed = _seed("zhangjiakou_2021.json")
    projects = [_typo(seed["projects"][0], plan_june="250")] + seed["projects"][1:]

    result = import_workbook(
        user=filer,
        unit=unit,
        year=2021,
        parsed=read_workbook(workbook(seed, projects)),
        dry_run=False,
    )

    assert {o.action for o in result.outcomes} == {Action.CREATE}
    imported = ProjectTable.objects.filter(unit=unit)
    assert imported.count() == len(projects) == 13
    assert sum(t.indicators.count() for t in imported) == sum(
        len(p["indicators"]) for p in projects
    )
    (finding,) = _findings(imported.get(name=projects[0]["name"]), "import_value")
    assert "“250%”" in finding.message and finding.is_error


def _edit_form_data(table: ProjectTable, **changes) -> tuple:
    form = ProjectTableForm(instance=table)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["loaded_version"] = table.version
    data.update(changes)
    rows = {}
    for prefix, cls in (("goals", ProjectGoalFormSet), ("indicators", ProjectIndicatorFormSet)):
        unbound = cls(instance=table, prefix=prefix, framework=table.framework)
        rows[prefix] = unbound
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(unbound.forms),
                f"{prefix}-INITIAL_FORMS": len(unbound.forms),
            }
        )
        for f in unbound.forms:
            for name in f.fields:
                value = f[name].value()
                data[f"{f.prefix}-{name}"] = "" if value is None else value
    return data


def test_editing_the_field_clears_the_finding_other_edits_do_not(empty_copy):
    unit, filer = empty_copy
    seed = _seed("shanhaiguan_2021.json")
    project = _typo(seed["projects"][0], plan_october="5000", budget_total="十一万")
    import_workbook(
        user=filer,
        unit=unit,
        year=2021,
        parsed=read_workbook(workbook(seed, [project])),
        dry_run=False,
    )
    table = ProjectTable.objects.get(unit=unit)
    assert len(_findings(table, "import_value")) == 2

    def save(**changes):
        fresh = ProjectTable.objects.get(pk=table.pk)
        data = _edit_form_data(fresh, **changes)
        form = ProjectTableForm(data, instance=fresh)
        formsets = [
            cls(data, instance=fresh, prefix=prefix, framework=fresh.framework)
            for prefix, cls in (
                ("goals", ProjectGoalFormSet),
                ("indicators", ProjectIndicatorFormSet),
            )
        ]
        assert form.is_valid(), form.errors
        assert all(fs.is_valid() for fs in formsets)
        return update_project_table(user=filer, table=fresh, form=form, formsets=formsets)

    save(fund_use="改了资金用途")  # another field: both findings stay
    assert len(_findings(ProjectTable.objects.get(pk=table.pk), "import_value")) == 2
    save(plan_october="75")  # the field itself: its finding goes
    (left,) = _findings(ProjectTable.objects.get(pk=table.pk), "import_value")
    assert "十一万" in left.message
    save(budget_total="110000")
    assert not _findings(ProjectTable.objects.get(pk=table.pk), "import_value")


def test_one_bad_sheet_does_not_hold_the_others_hostage(client, empty_copy):
    unit, filer = empty_copy
    seed = _seed("shanhaiguan_2021.json")
    good, bad = seed["projects"][0], json.loads(json.dumps(seed["projects"][1]))
    bad["indicators"][0]["level1"] = "不存在的一级指标"  # a category outside the framework
    content = workbook(seed, [good, bad])
    login(client, filer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("imports:upload"), {"year": 2021, "file": SimpleUploadedFile("b.xlsx", content)}
    )
    batch = ImportBatch.objects.get()
    html = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "1 张可以导入，1 张有错误、不导入" in html
    assert "不存在的一级指标" in html and 'data-action="confirm-import"' in html

    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)

    assert response.status_code == 200
    assert list(ProjectTable.objects.filter(unit=unit).values_list("name", flat=True)) == [
        good["name"]
    ]
    assert "未导入 1 张（有错误）" in response.content.decode()


def test_guangdong_department_values_set_aside_in_fields_and_rows(db, checks_on):
    """A count with letters and a negative task amount: the department table imports; each is
    reported by `import_value` (the row's by its saved row) until edited."""
    from openpyxl import load_workbook

    from budgetapp.exports.registry import export_table
    from budgetapp.targets.models import DepartmentTable

    load_demo()
    unit = Unit.objects.get(name="廉江市残疾人联合会")
    table = DepartmentTable.objects.get(unit=unit)
    task = table.tasks.order_by("order").first()
    book = load_workbook(io.BytesIO(export_table(table, "xlsx").content))
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    staff = next(c for c in cells if str(c.value) == str(table.staff_count))
    staff.value = "约34人"
    amount = next(c for c in cells if c.value is not None and str(c.value) in ("14.4", "14.40"))
    amount.value = "-14.4"
    buffer = io.BytesIO()
    book.save(buffer)
    filer = _user("lj_copy", Role.FILER, unit)

    result = import_workbook(
        user=filer, unit=unit, year=2024, parsed=read_workbook(buffer.getvalue()), dry_run=False
    )

    assert [o.action for o in result.outcomes] == [Action.UPDATE], [
        str(p) for p in result.all_problems if p.is_error
    ]
    table.refresh_from_db()
    assert table.staff_count is None
    keys = {e["key"]: e for e in table.import_problems}
    assert keys["staff_count"]["typed"] == "约34人"
    row_key = f"tasks:{task.pk}:amount"
    assert keys[row_key]["typed"] == "-14.4" and keys[row_key]["kept"] == ""
    messages = [f.message for f in _findings(table, "import_value")]
    assert any("“约34人”" in m for m in messages)
    assert any("“-14.4”" in m and "工作任务第 1 行" in m for m in messages)

    # Editing that row's amount in the editor clears its entry; the count's stays.
    from budgetapp.targets.forms import DepartmentTaskFormSet
    from budgetapp.targets.import_problems import remaining

    unbound = DepartmentTaskFormSet(instance=table, prefix="tasks")
    data = {"tasks-TOTAL_FORMS": len(unbound.forms), "tasks-INITIAL_FORMS": len(unbound.forms)}
    for form in unbound.forms:
        for name in form.fields:
            value = form[name].value()
            data[f"{form.prefix}-{name}"] = "" if value is None else value
    first = next(f for f in unbound.forms if f.instance.pk == task.pk)
    data[f"{first.prefix}-amount"] = "14.4"
    edited = DepartmentTaskFormSet(data, instance=table, prefix="tasks")
    assert edited.is_valid(), edited.errors
    assert [e["key"] for e in remaining(table.import_problems, None, [edited])] == ["staff_count"]
