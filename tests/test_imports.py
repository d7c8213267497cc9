"""Excel import: round trip of every demo table, tolerance of real files, problems located by
sheet/row/column, the preview/confirm pages with their access rules, and the command."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from budgetapp.demo.loader import load_demo
from budgetapp.exports.registry import export_table, export_unit_book
from budgetapp.imports.apply import import_workbook
from budgetapp.imports.models import BatchStatus, ImportBatch
from budgetapp.imports.outcome import Action
from budgetapp.imports.reader import read_workbook
from budgetapp.targets.models import DepartmentTable, ProjectTable, Revision, Status
from budgetapp.targets.snapshots import serialize_table
from budgetapp.units.models import Account, Role, Unit

from .conftest import _user, login

DEMO_UNITS = [
    ("张家口市残疾人联合会本级", 2021),
    ("秦皇岛市山海关区残疾人联合会本级", 2021),
    ("廉江市残疾人联合会", 2024),
    ("武汉市蔡甸区残疾人联合会", 2025),
]


def _content(table) -> dict:
    """A table's snapshot without row ids and version: what a round trip must keep."""
    data = serialize_table(table)
    return {
        "fields": data["fields"],
        "rows": {
            section: [{k: v for k, v in row.items() if k != "id"} for row in rows]
            for section, rows in data["rows"].items()
        },
    }


def _filer(unit: Unit):
    return Account.objects.filter(unit=unit, role=Role.FILER).first().user


def _import(content: bytes, *, unit: Unit, year: int, user=None, dry_run=False):
    return import_workbook(
        user=user or _filer(unit),
        unit=unit,
        year=year,
        parsed=read_workbook(content),
        dry_run=dry_run,
    )


def _problems(result) -> list[str]:
    return [str(p) for p in result.all_problems]


@pytest.fixture
def demo(db):
    load_demo()


# --- Round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize(("unit_name", "year"), DEMO_UNITS)
def test_export_of_a_demo_unit_imports_into_an_empty_unit_without_loss(demo, unit_name, year):
    source = Unit.objects.get(name=unit_name)
    copy = Unit.objects.create(region=source.region, code="", name=f"{unit_name}（副本）")
    _user(f"copy-{source.pk}", Role.FILER, copy)
    content = export_unit_book(source, year, "xlsx").content

    result = _import(content, unit=copy, year=year)

    assert result.applied, _problems(result)
    assert not result.has_errors
    assert {o.action for o in result.outcomes} == {Action.CREATE}
    originals = list(ProjectTable.objects.filter(unit=source, year__year=year))
    copies = {t.name: t for t in ProjectTable.objects.filter(unit=copy, year__year=year)}
    assert len(copies) == len(originals)
    for original in originals:
        expected = _content(original)
        # 项目总预算 equal to 预算数 prints the same as a blank one (the layout shows the
        # fallback), so a new table keeps it blank: the one listed difference.
        if original.lifetime_budget == original.budget_total:
            expected["fields"]["lifetime_budget"] = ""
        assert _content(copies[original.name]) == expected, original.name
    department = DepartmentTable.objects.get(unit=source, year__year=year)
    imported = DepartmentTable.objects.get(unit=copy, year__year=year)
    assert _content(imported) == _content(department)


@pytest.mark.parametrize(("unit_name", "year"), DEMO_UNITS)
def test_reimporting_our_own_export_onto_the_same_tables_changes_nothing(demo, unit_name, year):
    unit = Unit.objects.get(name=unit_name)
    before = {t.pk: (t.version, _content(t)) for t in ProjectTable.objects.filter(unit=unit)}
    revisions = Revision.objects.count()

    result = _import(export_unit_book(unit, year, "xlsx").content, unit=unit, year=year)

    assert not result.has_errors, _problems(result)
    assert {o.action for o in result.outcomes} == {Action.UNCHANGED}
    after = {t.pk: (t.version, _content(t)) for t in ProjectTable.objects.filter(unit=unit)}
    assert after == before
    assert Revision.objects.count() == revisions


def test_single_table_export_updates_the_changed_table_with_a_field_diff(demo):
    unit = Unit.objects.get(name="秦皇岛市山海关区残疾人联合会本级")
    table = ProjectTable.objects.filter(unit=unit).order_by("sequence").first()
    content = export_table(table, "xlsx").content
    table.indicators.filter(order=1).update(target="99人")
    ProjectTable.objects.filter(pk=table.pk).update(budget_total=Decimal("1.00"))

    result = _import(content, unit=unit, year=2021)

    assert result.applied
    (outcome,) = result.outcomes
    assert outcome.action == Action.UPDATE
    assert [(c.label, c.new) for c in outcome.diff.fields] == [("预算数", "110,000.00")]
    (row,) = outcome.diff.rows
    assert row.kind == "changed" and [(c.old, c.new) for c in row.changes] == [("99人", "17人")]
    table.refresh_from_db()
    assert table.budget_total == Decimal("110000.00")
    assert table.indicators.get(order=1).target == "17人"


# --- Tolerance of real files -----------------------------------------------------------------


def _official_sheet(ws, *, unit_header="单位：元") -> None:
    """A project table as a person types it: merged categories, blanks, text numbers, pages."""
    ws.append(["3.残疾人康复经费绩效目标表"])
    ws.merge_cells("A1:G1")
    ws.append([None])  # an extra blank row
    ws.append(["762001秦皇岛市山海关区残疾人联合会本级", None, None, None, None, unit_header])
    ws.append(["项目编码", "13030321UHI7V7FRFGNBT", None, "项目名称", "残疾人康复经费"])
    ws.append(["预算规模及资金用途", "预算数", "１００，０００.００", "其中：财政资金", 100000, "其他资金", "0"])  # fmt: skip
    ws.append([None, "为全区有需求且满足条件的残疾人提供基本康复服务。"])
    ws.merge_cells("A5:A6")
    ws.merge_cells("B6:G6")
    ws.append(["资金支出计划（%）", "3月底", None, "6月底", "10月底", "12月底"])
    ws.append([None, None, None, 0.5, 0.75, 1])  # fractions, a blank March cell
    ws.merge_cells("A7:A8")
    ws.append(["绩效目标", "1、为残疾人提供康复服务\n2、提高康复服务率"])
    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", None, "指标值", "指标值确定依据"]
    ws.append(header)
    ws.append(["产出指标", "数量指标", "康复服务人数", "为残疾人提供康复服务人数", None, "≥225人", "工作计划"])  # fmt: skip
    ws.append([None, None, "辅具适配人数", "适配辅助器具人数", None, 150, "工作计划"])
    ws.append([None, "质量指标", "康复服务率", "康复服务覆盖率", None, "≥95%", "工作计划"])
    ws.append([None])
    ws.append(header)  # the header repeated at the top of a printed page
    ws.append([None, "时效指标", "完成时间", "项目完成时间", None, "12月31日前", "工作"])
    ws.append([None, None, None, None, None, None, "计划"])  # the row continued over the page
    ws.append(["效益", "社会效益指标", "残疾人生活质量", "生活质量改善", None, "有所改善", "历史数据"])  # fmt: skip
    ws.append(["满意度指标", "服务对象满意度指标", "受益对象满意度", "满意度", None, 0.95, "抽样调查"])  # fmt: skip
    ws["F19"].number_format = "0%"
    ws.merge_cells("A11:A13")


def _workbook_bytes(build) -> bytes:
    workbook = Workbook()
    build(workbook.active)
    workbook.active.title = "3.残疾人康复经费"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def tolerant_file() -> bytes:
    return _workbook_bytes(_official_sheet)


def test_a_hand_made_sheet_with_real_file_habits_is_read_as_meant(project, users, tolerant_file):
    result = _import(tolerant_file, unit=project.unit, year=2021, user=users["owner"])

    assert result.applied, _problems(result)
    table = ProjectTable.objects.get(unit=project.unit, name="残疾人康复经费")
    assert table.sequence == 3 and table.code == "13030321UHI7V7FRFGNBT"
    assert table.money_unit == "元"
    assert table.budget_total == Decimal("100000.00") and table.budget_fiscal == Decimal("100000")
    assert table.fund_use == "为全区有需求且满足条件的残疾人提供基本康复服务。"
    assert table.spending_plan == [None, Decimal("50"), Decimal("75"), Decimal("100")]
    assert [g.text for g in table.goals.all()] == ["为残疾人提供康复服务", "提高康复服务率"]
    rows = [
        (r.level1.name, r.level2.name if r.level2 else "", r.name, r.target, r.basis)
        for r in table.indicators.select_related("level1", "level2")
    ]
    assert rows == [
        ("产出指标", "数量指标", "康复服务人数", "≥225人", "工作计划"),
        ("产出指标", "数量指标", "辅具适配人数", "150", "工作计划"),
        ("产出指标", "质量指标", "康复服务率", "≥95%", "工作计划"),
        ("产出指标", "时效指标", "完成时间", "12月31日前", "工作计划"),
        ("效益指标", "社会效益指标", "残疾人生活质量", "有所改善", "历史数据"),
        ("满意度指标", "服务对象满意度指标", "受益对象满意度", "95%", "抽样调查"),
    ]
    warnings = [str(p) for p in result.all_problems if not p.is_error]
    assert any("第 17 行" in w and "续行" in w for w in warnings)


def test_wan_yuan_header_sets_the_money_unit(project, users):
    content = _workbook_bytes(lambda ws: _official_sheet(ws, unit_header="单位:万元"))
    result = _import(content, unit=project.unit, year=2021, user=users["owner"])
    assert result.applied
    assert ProjectTable.objects.get(name="残疾人康复经费").money_unit == "万元"


def test_problems_name_the_sheet_row_and_column_and_nothing_is_written(project, users):
    def broken(ws):
        _official_sheet(ws)
        ws["C11"] = None  # no 三级 name
        ws["B12"] = "不存在的二级"
        ws["C5"] = "十万"  # not a number

    content = _workbook_bytes(broken)
    count = ProjectTable.objects.count()

    result = _import(content, unit=project.unit, year=2021, user=users["owner"])

    assert not result.applied
    problems = _problems(result)
    assert "工作表“3.残疾人康复经费”第 11 行 C 列：三级指标名称为空。" in problems
    assert any(p.startswith("工作表“3.残疾人康复经费”第 12 行 B 列：二级指标“不存在的二级”") for p in problems)  # fmt: skip
    assert any(p.startswith("工作表“3.残疾人康复经费”第 5 行 C 列：预算数：请输入金额数字") for p in problems)  # fmt: skip
    assert ProjectTable.objects.count() == count


def test_blank_target_is_a_warning_located_at_its_cell(project, users):
    def blank(ws):
        _official_sheet(ws)
        ws["F11"] = None

    result = _import(_workbook_bytes(blank), unit=project.unit, year=2021, user=users["owner"])
    assert "工作表“3.残疾人康复经费”第 11 行 F 列：指标值为空，请在导入后补填。" in _problems(
        result
    )
    assert result.applied


def test_a_submitted_table_is_refused(project, users):
    content = export_table(project, "xlsx").content
    ProjectTable.objects.filter(pk=project.pk).update(status=Status.SUBMITTED)
    result = _import(content, unit=project.unit, year=2021, user=users["owner"])
    assert not result.applied
    assert any("已提交" in p and "不能通过导入修改" in p for p in _problems(result))


def test_missing_required_cells_are_errors(project, users):
    def no_budget(ws):
        _official_sheet(ws)
        ws["C5"] = None
        ws["E4"] = None
        ws["A1"] = "项目支出绩效目标表"

    result = _import(_workbook_bytes(no_budget), unit=project.unit, year=2021, user=users["owner"])
    problems = _problems(result)
    assert not result.applied
    # The blank budget alone would import as a draft with the value set aside; the missing
    # project name is what refuses the table.
    assert any("预算数：请填写预算数（文件中未填写）" in p for p in problems)
    assert any("项目名称为空" in p or "请填写项目名称" in p for p in problems)


def test_dry_run_writes_nothing(project, users, tolerant_file):
    result = _import(tolerant_file, unit=project.unit, year=2021, user=users["owner"], dry_run=True)
    assert not result.applied and not result.has_errors
    assert [o.action for o in result.outcomes] == [Action.CREATE]
    assert not ProjectTable.objects.filter(name="残疾人康复经费").exists()


def test_a_department_sheet_of_another_layout_is_refused(demo):
    hubei = Unit.objects.get(name="武汉市蔡甸区残疾人联合会")
    hebei = Unit.objects.get(name="秦皇岛市山海关区残疾人联合会本级")
    DepartmentTable.objects.filter(unit=hebei).delete()
    content = export_table(DepartmentTable.objects.get(unit=hubei), "xlsx").content
    result = _import(content, unit=hebei, year=2025)
    assert not result.applied
    assert any("湖北（表格）版式" in p and "河北（文字）版式" in p for p in _problems(result))


# --- Pages ------------------------------------------------------------------------------------


def _upload(client, content: bytes, name="book.xlsx", year=2021):
    return client.post(
        reverse("imports:upload"), {"year": year, "file": _named(content, name)}, follow=False
    )


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_owner_uploads_previews_and_confirms(client, project, users, tolerant_file):
    login(client, users["owner"])
    assert client.get(reverse("imports:upload")).status_code == 200

    response = _upload(client, tolerant_file)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "imports:preview", args=[batch.pk]
    )
    assert not ProjectTable.objects.filter(name="残疾人康复经费").exists()

    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "残疾人康复经费" in html and "新建" in html and 'data-action="confirm-import"' in html

    done = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert done.status_code == 302 and done.url.startswith(reverse("targets:home"))
    assert ProjectTable.objects.filter(unit=project.unit, name="残疾人康复经费").exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPLIED
    again = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert "已经导入过" in again.content.decode()
    assert ProjectTable.objects.filter(name="残疾人康复经费").count() == 1


def test_preview_with_errors_has_no_confirm_button_and_confirm_writes_nothing(
    client, project, users
):
    def broken(ws):
        _official_sheet(ws)
        ws["C11"] = None

    login(client, users["owner"])
    _upload(client, _workbook_bytes(broken))
    batch = ImportBatch.objects.get()
    html = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "第 11 行 C 列：三级指标名称为空。" in html
    assert 'data-action="confirm-import"' not in html
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 409
    assert not ProjectTable.objects.filter(name="残疾人康复经费").exists()


def test_a_table_changed_after_the_preview_is_refused_at_confirmation(client, project, users):
    login(client, users["owner"])
    _upload(client, export_table(project, "xlsx").content)
    batch = ImportBatch.objects.get()
    ProjectTable.objects.filter(pk=project.pk).update(version=project.version + 1)
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 409
    assert "预览之后，此表已被修改" in response.content.decode()


def test_upload_of_a_malformed_file_shows_the_message_and_stores_nothing(client, users, year):
    login(client, users["owner"])
    response = _upload(client, b"a,b,c\n1,2,3\n", name="table.xlsx")
    assert response.status_code == 400
    assert "文本文件" in response.content.decode()
    assert not ImportBatch.objects.exists()


def _batch_for(project, users, tolerant_file) -> ImportBatch:
    return ImportBatch.objects.create(
        user=users["owner"],
        unit=project.unit,
        year=2021,
        filename="x.xlsx",
        size=len(tolerant_file),
        sha256="0" * 64,
        parsed=read_workbook(tolerant_file).to_dict(),
        versions={"3.残疾人康复经费#1": None},
    )


def test_colleague_of_another_county_gets_404(client, project, users, tolerant_file):
    batch = _batch_for(project, users, tolerant_file)
    login(client, users["colleague"])
    assert client.get(reverse("imports:preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert not ProjectTable.objects.filter(name="残疾人康复经费").exists()


def test_reviewer_gets_403(client, project, users, tolerant_file):
    batch = _batch_for(project, users, tolerant_file)
    login(client, users["reviewer"])
    assert client.get(reverse("imports:upload")).status_code == 403
    assert _upload(client, tolerant_file).status_code == 403
    assert client.get(reverse("imports:preview", args=[batch.pk])).status_code == 403
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 403
    assert ImportBatch.objects.count() == 1
    assert not ProjectTable.objects.filter(name="残疾人康复经费").exists()


def test_anonymous_is_sent_to_login(client, project, users, tolerant_file):
    batch = _batch_for(project, users, tolerant_file)
    for response in (
        client.get(reverse("imports:upload")),
        client.get(reverse("imports:preview", args=[batch.pk])),
        client.post(reverse("imports:confirm", args=[batch.pk])),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not ProjectTable.objects.filter(name="残疾人康复经费").exists()


def test_home_page_links_to_the_import_for_filers(client, project, users):
    login(client, users["owner"])
    html = client.get(reverse("targets:home") + "?year=2021").content.decode()
    assert f"{reverse('imports:upload')}?year=2021" in html


# --- Command ----------------------------------------------------------------------------------


@pytest.fixture
def demo_file(demo, tmp_path):
    unit = Unit.objects.get(name="秦皇岛市山海关区残疾人联合会本级")
    path = tmp_path / "shg.xlsx"
    path.write_bytes(export_unit_book(unit, 2021, "xlsx").content)
    return unit, path


def test_command_dry_run_writes_nothing(demo_file, capsys):
    unit, path = demo_file
    ProjectTable.objects.filter(unit=unit, sequence=1).delete()
    call_command("import_tables", str(path), "--unit", unit.name, "--year", "2021", "--dry-run")
    out = capsys.readouterr().out
    assert "[新建]" in out and "预览（未写入）" in out
    assert not ProjectTable.objects.filter(unit=unit, sequence=1).exists()


def test_command_imports_with_the_first_filer_as_author(demo_file, capsys):
    unit, path = demo_file
    ProjectTable.objects.filter(unit=unit, sequence=1).delete()
    call_command("import_tables", str(path), "--unit", unit.name, "--year", "2021")
    table = ProjectTable.objects.get(unit=unit, sequence=1)
    assert table.updated_by.username == "shg_filer"
    assert "已导入" in capsys.readouterr().out


def test_command_exits_non_zero_on_errors_and_on_ambiguous_units(demo_file, tmp_path):
    unit, path = demo_file
    ProjectTable.objects.filter(unit=unit).update(status=Status.SUBMITTED)
    with pytest.raises(CommandError, match="个错误"):
        call_command("import_tables", str(path), "--unit", unit.name, "--year", "2021")
    with pytest.raises(CommandError, match="对应多个单位"):
        call_command("import_tables", str(path), "--unit", "762001", "--year", "2021")
    text = tmp_path / "t.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(CommandError, match="文本文件"):
        call_command("import_tables", str(text), "--unit", unit.name, "--year", "2021")


def test_demo_export_is_readable_back_sheet_by_sheet(demo):
    """Every sheet of every demo book is recognised: nothing skipped, nothing unknown."""
    for name, year in DEMO_UNITS:
        content = export_unit_book(Unit.objects.get(name=name), year, "xlsx").content
        parsed = read_workbook(content)
        sheets = load_workbook(io.BytesIO(content)).sheetnames
        assert [t.sheet for t in parsed.tables] == sheets
        assert not parsed.problems


def _plain_project(ws, number: int, name: str, code: str) -> None:
    """A project table written without merged cells, 一级 repeated or left blank below."""
    ws.append([f"{number}.{name}绩效目标表"])
    ws.append(["762001山海关区残联本级", None, None, None, None, "单位：元"])
    ws.append(["项目编码", code, None, "项目名称", name])
    ws.append(["预算规模及资金用途", "预算数", "20000.00", "其中：财政资金", "20000.00", "其他资金", "0"])  # fmt: skip
    ws.append([None, f"{name}的资金用途"])
    ws.append(["资金支出计划（%）", "3月底", None, "6月底", "10月底", "12月底"])
    ws.append([None, "25.00%", None, "50.00%", "75.00%", "100.00%"])
    ws.append(["绩效目标", f"完成{name}"])
    ws.append(["一级指标", "二级指标", "三级指标", "绩效指标描述", None, "指标值", "指标值确定依据"])  # fmt: skip
    ws.append(["产出指标", "数量指标", f"{name}人数", "服务人数", None, "≥100人", "工作计划"])
    ws.append(["产出指标", None, f"{name}次数", "服务次数", None, "≥2次", "工作计划"])
    ws.append([None, "成本指标", "项目控制预算数", "不超过财政支持经费", None, "是/否", "工作计划"])  # fmt: skip
    ws.append(["满意度指标", "服务对象满意度指标", "服务对象满意度", "满意度", None, "≥95%", "抽样调查"])  # fmt: skip
    ws.append([None])


def test_a_whole_document_on_one_sheet_is_split_into_its_tables(project, users):
    def book(ws):
        ws.append(["山海关区残联本级2021年部门整体绩效目标"])
        ws.append(["一、总体绩效目标"])
        ws.append(["\u3000\u3000第一段。\n\u3000\u3000第二段。"])
        ws.append(["二、分项绩效目标"])
        ws.append(["1、残疾人服务"])
        ws.append(["\u3000\u3000摸清残疾人需求底数。"])
        ws.append(["三、工作保障措施"])
        ws.append(["1、完善制度建设\n\u3000\u3000制定完善预算绩效管理制度。"])
        ws.append([None])
        _plain_project(ws, 1, "残疾人托养服务", "13030321AAAAAAAAAAAAA")
        _plain_project(ws, 2, "残疾人辅具适配", "")

    result = _import(_workbook_bytes(book), unit=project.unit, year=2021, user=users["owner"])

    assert result.applied, _problems(result)
    department = DepartmentTable.objects.get(unit=project.unit)
    assert department.overall_goal == "第一段。\n第二段。"
    assert [(g.title, g.text) for g in department.sub_goals.all()] == [
        ("残疾人服务", "摸清残疾人需求底数。")
    ]
    assert [(m.title, m.text) for m in department.measures.all()] == [
        ("完善制度建设", "制定完善预算绩效管理制度。")
    ]
    assert department.money_unit == "元"
    for name, sequence in (("残疾人托养服务", 1), ("残疾人辅具适配", 2)):
        table = ProjectTable.objects.get(unit=project.unit, name=name)
        rows = [(r.level1.name, r.level2.name, r.target) for r in table.indicators.all()]
        assert rows == [
            ("产出指标", "数量指标", "≥100人"),
            ("产出指标", "数量指标", "≥2次"),
            ("产出指标", "成本指标", "是/否"),
            ("满意度指标", "服务对象满意度指标", "≥95%"),
        ], name
        assert table.sequence == sequence
        assert table.spending_plan == [Decimal("25"), Decimal("50"), Decimal("75"), Decimal("100")]
        assert table.fund_use == f"{name}的资金用途"


def _unmerge_and_fill(ws) -> None:
    """What many tools write: no merged cells, the value repeated in every cell of the range."""
    for merged in list(ws.merged_cells.ranges):
        value = ws.cell(merged.min_row, merged.min_col).value
        ws.unmerge_cells(str(merged))
        for row in ws.iter_rows(
            min_row=merged.min_row,
            max_row=merged.max_row,
            min_col=merged.min_col,
            max_col=merged.max_col,
        ):
            for cell in row:
                cell.value = value


def _numbers_as_text(ws) -> None:
    """Numbers typed as text, as shown: `1,273.72`, `25.00%`."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                if "%" in cell.number_format:
                    cell.value = f"{cell.value * 100:.2f}%"
                elif "," in cell.number_format:
                    cell.value = f"{cell.value:,.2f}"
                else:
                    cell.value = str(cell.value)
                cell.number_format = "@"


@pytest.mark.parametrize("transform", [_unmerge_and_fill, _numbers_as_text])
@pytest.mark.parametrize(("unit_name", "year"), DEMO_UNITS)
def test_books_written_the_way_other_tools_do_import_without_loss(demo, unit_name, year, transform):
    source = Unit.objects.get(name=unit_name)
    copy = Unit.objects.create(region=source.region, code="", name=f"{unit_name}（副本）")
    _user(f"copy-{source.pk}", Role.FILER, copy)
    workbook = load_workbook(io.BytesIO(export_unit_book(source, year, "xlsx").content))
    for ws in workbook.worksheets:
        transform(ws)
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = _import(buffer.getvalue(), unit=copy, year=year)

    assert result.applied, _problems(result)
    copies = {t.name: t for t in ProjectTable.objects.filter(unit=copy)}
    for original in ProjectTable.objects.filter(unit=source, year__year=year):
        expected = _content(original)
        if original.lifetime_budget == original.budget_total:
            expected["fields"]["lifetime_budget"] = ""
        assert _content(copies[original.name]) == expected, original.name
    department = DepartmentTable.objects.get(unit=source, year__year=year)
    assert _content(DepartmentTable.objects.get(unit=copy)) == _content(department)


def test_labels_with_their_value_in_the_same_cell_and_money_with_its_unit(project, users):
    def inline(ws):
        _official_sheet(ws)
        ws["A4"], ws["B4"] = "项目编码：13030321UHI7V7FRFGNBT", None
        ws["D4"], ws["E4"] = "项目名称：残疾人康复经费", None
        ws["C5"] = "100000.00元"

    result = _import(_workbook_bytes(inline), unit=project.unit, year=2021, user=users["owner"])
    assert result.applied, _problems(result)
    table = ProjectTable.objects.get(unit=project.unit, name="残疾人康复经费")
    assert table.code == "13030321UHI7V7FRFGNBT"
    assert table.budget_total == Decimal("100000.00")


def test_preview_lists_the_changes_of_an_update_and_confirm_reports_them(client, project, users):
    content = export_table(project, "xlsx").content
    project.indicators.filter(order=1).update(target="16人")
    login(client, users["owner"])
    _upload(client, content)
    batch = ImportBatch.objects.get()

    html = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "更新" in html and "修改内容" in html
    assert "指标值：“16人” → “17人”" in html

    page = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True).content.decode()
    assert "更新 1 张：残疾人就业服务中心运转经费" in page
    assert project.indicators.get(order=1).target == "17人"


# --- Pending uploads expire -------------------------------------------------------------------


def _aged(batch: ImportBatch, days: float) -> ImportBatch:
    from datetime import timedelta

    from django.utils import timezone

    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=days))
    return batch


def test_a_new_upload_deletes_expired_pending_batches_and_keeps_imported_ones(
    client, project, users, tolerant_file, settings
):
    settings.IMPORT_PENDING_DAYS = 7
    expired = _aged(_batch_for(project, users, tolerant_file), 8)
    recent = _aged(_batch_for(project, users, tolerant_file), 6)
    imported = _aged(_batch_for(project, users, tolerant_file), 30)
    ImportBatch.objects.filter(pk=imported.pk).update(status=BatchStatus.APPLIED)

    login(client, users["owner"])
    response = _upload(client, tolerant_file)
    assert response.status_code == 302

    remaining = set(ImportBatch.objects.values_list("pk", flat=True))
    assert expired.pk not in remaining
    assert {recent.pk, imported.pk} <= remaining and len(remaining) == 3
    # The expired batch's page is gone for its owner too, as any unknown batch.
    assert client.get(reverse("imports:preview", args=[expired.pk])).status_code == 404


def test_purge_imports_command(project, users, tolerant_file, settings, capsys):
    settings.IMPORT_PENDING_DAYS = 7
    _aged(_batch_for(project, users, tolerant_file), 3)
    _aged(_batch_for(project, users, tolerant_file), 10)
    call_command("purge_imports")
    assert "已删除 1 个超过 7 天未确认的导入" in capsys.readouterr().out
    call_command("purge_imports", "--days", "2")
    assert "已删除 1 个超过 2 天" in capsys.readouterr().out
    assert not ImportBatch.objects.exists()
    with pytest.raises(CommandError, match="负数"):
        call_command("purge_imports", "--days", "-1")


SHANHAIGUAN = "秦皇岛市山海关区残疾人联合会本级"


def _round_trip_sub_goals(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Give 山海关's 部门整体 these 分项绩效目标 (title, text), export its book, import it into
    a new unit; the (title, text) pairs the import read."""
    source = Unit.objects.get(name=SHANHAIGUAN)
    department = DepartmentTable.objects.get(unit=source, year__year=2021)
    department.sub_goals.all().delete()
    for order, (title, text) in enumerate(items, 1):
        department.sub_goals.create(order=order, title=title, text=text)
    copy = Unit.objects.create(region=source.region, code="", name="山海关（副本）")
    _user("copy-shg", Role.FILER, copy)

    result = _import(export_unit_book(source, 2021, "xlsx").content, unit=copy, year=2021)

    assert result.applied, _problems(result)
    imported = DepartmentTable.objects.get(unit=copy, year__year=2021)
    return [(goal.title, goal.text) for goal in imported.sub_goals.all()]


def test_hebei_narrative_mixing_titled_and_untitled_items_round_trips(demo):
    """An untitled item after a titled one is the next item, not the titled one's paragraph,
    even when the titled one has numbered points of its own."""
    items = [
        ("保障残疾人基本生活", "1、发放补贴\n2、开展走访"),
        ("", "推进康复服务，落实救助政策"),
        ("加强组织建设", "完善制度"),
    ]
    assert _round_trip_sub_goals(items) == items


def test_hebei_titled_item_keeps_its_own_numbered_points(demo):
    items = [
        ("保障残疾人基本生活", "1、发放补贴\n2、开展走访\n3、建立台账"),
        ("加强组织建设", "完善制度"),
    ]
    assert _round_trip_sub_goals(items) == items
