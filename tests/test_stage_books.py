"""Unit books and city summaries of the later stages (issue 18): what is in them, in what order,
the draft mark, the figures against the sheets, background printing, and who may download."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO
from urllib.parse import quote
from zipfile import ZipFile

import pikepdf
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budgetapp.audit.models import AuditEvent, EventKind
from budgetapp.evaluation.books import evaluation_book, year_book
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.evaluation.publishing import publish_evaluation
from budgetapp.evaluation.services import (
    EvaluationInput,
    RowInput,
    approve_evaluation,
    save_evaluation,
    start_evaluation,
    submit_evaluation,
)
from budgetapp.evaluation.summary import evaluation_summary_book
from budgetapp.exports.models import BookContents, ExportJob, JobStatus
from budgetapp.exports.registry import EXPORTERS
from budgetapp.monitoring.books import monitoring_book
from budgetapp.monitoring.models import MonitoringRound, MonitoringSheet
from budgetapp.monitoring.services import RowInput as MonitoringRowInput
from budgetapp.monitoring.services import SheetInput, add_missing_sheets, open_round, save_sheet
from budgetapp.monitoring.summary import round_summary_book
from budgetapp.review import services as review
from budgetapp.targets.models import ProjectIndicator, ProjectTable, Status
from budgetapp.units.models import Role
from tests.conftest import _user, login, pdf_text


@pytest.fixture
def tables(project, users, category):
    """Two approved project tables of the owner's unit, sequence 2 created first (order is by
    sequence, not by creation)."""
    second = ProjectTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, money_unit="万元",
        sequence=2, name="残疾人康复救助经费", budget_total=Decimal("50.00"),
        budget_fiscal=Decimal("50.00"), budget_other=Decimal("0"), fund_use="康复救助",
        plan_june=Decimal("50"), plan_december=Decimal("100"),
    )  # fmt: skip
    ProjectIndicator.objects.create(
        table=second, order=1, level1=category("产出指标"),
        level2=category("产出指标", "数量指标"), name="救助人数", target="≥100人",
    )  # fmt: skip
    for table in (second, project):
        review.submit_table(table=table, user=users["owner"])
        review.approve_table(table=table, user=users["reviewer"])
    project.refresh_from_db()
    second.refresh_from_db()
    return [project, second]


@pytest.fixture
def round_(tables, users, tree, year) -> MonitoringRound:
    round_ = open_round(
        user=users["reviewer"],
        region=tree["city"].region,
        year=year,
        cutoff_month=6,
        due_date=date(2021, 7, 15),
    )
    first = MonitoringSheet.objects.get(table=tables[0])
    rows = {row.name: row.pk for row in first.rows.all()}
    save_sheet(
        user=users["owner"],
        sheet=first,
        data=SheetInput(
            spent=Decimal("33000"),  # 元: 3.30 万元 of 11.00, 30 % against a 50 % plan
            projected_spend=Decimal("110000"),
            lag_reason="采购延后",
            rows={
                rows["保障正常办公人数"]: MonitoringRowInput(to_date="17人", projected="17人"),
                rows["单位工作人员满意度"]: MonitoringRowInput(
                    to_date="80%",
                    projected="80%",
                    causes=["other"],
                    cause_note="待改善",
                    measures="改善办公条件",
                ),
            },
        ),  # fmt: skip
        loaded_version=1,
    )
    return round_


@pytest.fixture
def evaluations(tables, users) -> list[SelfEvaluation]:
    found = []
    for table in tables:
        evaluation = start_evaluation(user=users["owner"], table=table)
        found.append(evaluation)
    first = found[0]
    rows = {row.name: row.pk for row in first.rows.all()}
    save_evaluation(
        user=users["owner"],
        evaluation=first,
        data=EvaluationInput(
            money={"fiscal_executed": Decimal("99000")},
            goal_actual="保障了全年正常运转",
            weights_reason="",
            rows={
                rows["保障正常办公人数"]: RowInput(actual="17人"),
                rows["单位工作人员满意度"]: RowInput(actual="76%", analysis="办公条件待改善"),
            },
        ),
        loaded_version=1,
    )
    first.refresh_from_db()
    return found


def _pages(pdf: bytes) -> int:
    with pikepdf.open(BytesIO(pdf)) as document:
        return len(document.pages)


def _outline(pdf: bytes) -> list[str]:
    with pikepdf.open(BytesIO(pdf)) as document, document.open_outline() as outline:
        return [item.title for item in outline.root]


# The books


def test_monitoring_book_holds_the_units_sheets_in_table_order_as_a_draft(round_, tree):
    book = monitoring_book(tree["own"], 2021)
    assert [part.heading for part in book.parts] == ["项目支出绩效目标执行监控表（1–6月）"]
    assert [entry.label for entry in book.entries()] == [
        "监控1.残疾人就业服务中心运转经费",
        "监控2.残疾人康复救助经费",
    ]
    assert book.draft and book.filename == "山海关区残联本级_2021_执行监控表（草稿）"
    pdf = EXPORTERS["pdf"](book).content
    text = pdf_text(pdf)
    assert text.count("草稿（未公开）") >= 2  # on every page
    assert text.index("残疾人就业服务中心运转经费") < text.index("残疾人康复救助经费")
    assert "采购延后" in text and "改善办公条件" in text
    assert _outline(pdf)[0] == "项目支出绩效目标执行监控表（1–6月）"
    workbook = load_workbook(BytesIO(EXPORTERS["xlsx"](book).content))
    assert workbook.sheetnames == ["监控1.残疾人就业服务中心运转经费", "监控2.残疾人康复救助经费"]
    assert workbook.worksheets[0]["A1"].value == "草稿（未公开）"


def test_evaluation_book_is_a_draft_until_every_evaluation_is_published(evaluations, users, tree):
    book = evaluation_book(tree["own"], 2021)
    assert [e.label for e in book.entries()] == [
        "自评1.残疾人就业服务中心运转经费",
        "自评2.残疾人康复救助经费",
    ]
    assert book.draft and book.filename.endswith("绩效自评表（草稿）")

    first = evaluations[0]
    submit_evaluation(evaluation=first, user=users["owner"])
    approve_evaluation(evaluation=first, user=users["reviewer"])
    publish_evaluation(evaluation=first, user=users["reviewer"])
    assert evaluation_book(tree["own"], 2021).draft  # the second is still a draft
    SelfEvaluation.objects.filter(pk=evaluations[1].pk).update(status=Status.PUBLISHED)
    published = evaluation_book(tree["own"], 2021)
    assert not published.draft and published.filename == "山海关区残联本级_2021_绩效自评表"
    text = pdf_text(EXPORTERS["pdf"](published).content)
    assert "草稿" not in text and "项目支出绩效自评表" in text


def test_the_whole_years_book_prints_targets_then_monitoring_then_evaluation(
    round_, evaluations, tree
):
    book = year_book(tree["own"], 2021)
    assert [part.heading for part in book.parts] == [
        "第二部分 预算项目绩效目标",
        "第三部分 项目支出绩效目标执行监控表（1–6月）",
        "第四部分 项目支出绩效自评表",
    ]
    assert [len(part.entries) for part in book.parts] == [2, 2, 2]
    assert book.draft and book.filename == "山海关区残联本级_2021_全年合订本（草稿）"
    pdf = EXPORTERS["pdf"](book).content
    assert _pages(pdf) >= 6  # every table starts a page
    assert _outline(pdf) == [part.heading for part in book.parts]
    text = pdf_text(pdf)
    order = [text.index(mark) for mark in ("绩效目标表", "执行监控表", "项目支出绩效自评表")]
    assert order == sorted(order)
    workbook = load_workbook(BytesIO(EXPORTERS["xlsx"](book).content))
    assert len(workbook.sheetnames) == 6
    assert workbook.sheetnames[2:4] == [
        "监控1.残疾人就业服务中心运转经费",
        "监控2.残疾人康复救助经费",
    ]


def test_book_urls_download_each_kind_and_record_it(client, users, round_, evaluations, settings):
    settings.EXPORT_BOOK_INLINE_TABLES = 10  # the whole year's six tables print in the request
    unit = round_.sheets.first().unit
    login(client, users["owner"])
    for contents, stem in (
        ("monitoring", "执行监控表"),
        ("evaluation", "绩效自评表"),
        ("year", "全年合订本"),
    ):
        url = reverse("exports:unit_stage_book", args=[unit.pk, 2021, contents, "xlsx"])
        response = client.get(url)
        assert response.status_code == 200, contents
        assert quote(f"{stem}（草稿）.xlsx") in response["Content-Disposition"]
        event = AuditEvent.objects.filter(kind=EventKind.DRAFT_DOWNLOAD).latest("pk")
        assert event.details["contents"] == contents
    unknown = reverse("exports:unit_stage_book", args=[unit.pk, 2021, "secret", "pdf"])
    assert client.get(unknown).status_code == 404


def test_a_unit_without_the_stage_gets_a_clear_404(client, users, tables):
    login(client, users["owner"])
    url = reverse("exports:unit_stage_book", args=[tables[0].unit.pk, 2021, "monitoring", "pdf"])
    response = client.get(url)
    assert response.status_code == 404


def test_a_large_stage_book_becomes_a_task(client, users, round_, evaluations, settings):
    settings.EXPORT_BOOK_INLINE_TABLES = 3
    unit = round_.sheets.first().unit
    login(client, users["owner"])
    url = reverse("exports:unit_stage_book", args=[unit.pk, 2021, "year", "pdf"])
    page = client.get(url)
    html = page.content.decode()
    assert page["Content-Type"].startswith("text/html")
    assert "全年合订本共有 6 张表" in html
    start = reverse("exports:unit_stage_book_start", args=[unit.pk, 2021, "year", "pdf"])
    assert start in html and not ExportJob.objects.exists()
    client.post(start)
    job = ExportJob.objects.get()
    # The tasks run at once in the tests.
    assert (job.contents, job.status, job.done, job.total) == (
        BookContents.YEAR,
        JobStatus.DONE,
        6,
        6,
    )
    assert job.filename == "山海关区残联本级_2021_全年合订本（草稿）.pdf"
    assert "全年合订本" in client.get(reverse("exports:job", args=[job.pk])).content.decode()
    pdf = client.get(reverse("exports:job_download", args=[job.pk]))
    content = b"".join(pdf.streaming_content)
    assert "第四部分" in pdf_text(content)
    event = AuditEvent.objects.filter(kind=EventKind.DRAFT_DOWNLOAD).latest("pk")
    assert event.details["contents"] == "year"
    # A small stage book still prints in the request.
    small = reverse("exports:unit_stage_book", args=[unit.pk, 2021, "monitoring", "pdf"])
    assert client.get(small)["Content-Type"] == "application/pdf"


# The city summaries


def _cells(document) -> list[list[str]]:
    grid = document.grids()[0]
    grid.check_shape()  # every line covers exactly the columns: the file prints a true grid
    return [[cell.text for cell in row] for row in grid.rows]


def test_round_summary_figures_match_the_sheets(round_):
    book = round_summary_book(round_)
    assert [e.label for e in book.entries()] == ["明细", "单位汇总"]
    detail, units = (entry.document for entry in book.entries())
    rows = _cells(detail)
    assert rows[0][:6] == ["序号", "单位", "项目名称", "年初预算数", "1–6月执行数", "执行率"]
    first, second = rows[1], rows[2]
    # 110,000 元 → 11.00 万元; 33,000 元 spent → 3.30, 30 % against a 50 % plan: 红.
    assert first[:9] == [
        "1",
        "山海关区残联本级",
        "残疾人就业服务中心运转经费",
        "11.00",
        "3.30",
        "30.00%",
        "50.00%",
        "11.00",
        "红",
    ]
    sheet = MonitoringSheet.objects.get(table__sequence=1)
    amber = sheet.rows.filter(light="amber").count()
    red = sheet.rows.filter(light="red").count()
    assert first[9:11] == [str(amber), str(red)] and amber + red >= 1
    # The unit's name spans its rows: the second row starts with its number, then the project.
    assert second[:4] == ["2", "残疾人康复救助经费", "50.00", ""]
    subtotal, total = rows[3], rows[4]
    assert subtotal[:4] == ["", "小计", "61.00", "3.30"] and total[:3] == ["合计", "61.00", "3.30"]
    assert total[3] == "5.41%"  # 3.30 / 61.00
    unit_rows = _cells(units)
    # 序号 单位 监控表数 绿 黄 红 未填 已提交 审核通过 逾期未报 — the round is long overdue.
    assert unit_rows[1] == ["1", "山海关区残联本级", "2", "0", "0", "1", "1", "0", "0", "2"]
    assert unit_rows[-1][1:] == ["2", "0", "0", "1", "1", "0", "0", "2"]
    assert "逾期 2 张" in rows[-1][-1]
    assert book.draft
    # The workbook keeps the numbers as numbers.
    workbook = load_workbook(BytesIO(EXPORTERS["xlsx"](book).content))
    values = [c for row in workbook["明细"].iter_rows(values_only=True) for c in row]
    assert Decimal("11") in [Decimal(str(v)) for v in values if isinstance(v, int | float)]
    text = pdf_text(EXPORTERS["pdf"](book).content)
    assert "秦皇岛市2021年项目支出绩效目标执行监控汇总表（1–6月）" in text


def test_evaluation_summary_figures_match_the_evaluations(evaluations, tree, year):
    units = [tree["own"], tree["other"]]
    book = evaluation_summary_book(units=units, year=year, scope="秦皇岛市")
    detail, per_unit = (entry.document for entry in book.entries())
    rows = _cells(detail)
    first = evaluations[0]
    assert rows[1][2] == "残疾人就业服务中心运转经费"
    # 年初 11.00, 全年 11.00, 执行 9.90 万元 (99,000 元), 90 %, then the stored score and grade.
    assert rows[1][3:7] == ["11.00", "11.00", "9.90", "90.00%"]
    assert rows[1][7:9] == [f"{first.total_score.normalize():f}", first.grade]
    second = evaluations[1]
    average = ((first.total_score + second.total_score) / 2).quantize(Decimal("0.01"))
    assert rows[3][:2] == ["", "小计"] and rows[3][6] == f"{average.normalize():f}"
    unit_rows = _cells(per_unit)
    # 序号 单位 应自评项目 已开始自评 优 良 中 差 审核通过 已公开 平均分: the other unit has none.
    assert unit_rows[1][:4] == ["1", "山海关区残联本级", "2", "2"]
    grades = [first.grade, second.grade]
    assert unit_rows[1][4:8] == [str(grades.count(g)) for g in "优良中差"]
    assert len(unit_rows) == 3  # one unit and the 合计
    assert book.draft and book.filename == "秦皇岛市_2021_绩效自评汇总（草稿）"
    assert "秦皇岛市2021年项目支出绩效自评汇总表" in pdf_text(EXPORTERS["pdf"](book).content)


# Who may download


@pytest.fixture
def security_admin(tree):
    return _user("secadmin", Role.SECURITY_ADMIN, None)


def _status(client, user, url):
    client.logout()
    if user is not None:
        login(client, user)
    return client.get(url).status_code


def test_role_matrix_of_the_new_downloads(client, users, round_, evaluations, security_admin):
    unit = round_.sheets.first().unit
    people = [
        users["owner"],
        users["colleague"],
        users["reviewer"],
        users["other_reviewer"],
        users["admin"],
        security_admin,
    ]
    book = "exports:unit_stage_book"
    expected = {
        # owner, colleague (other county), reviewer, other city's reviewer, admin, 安全管理员
        reverse(book, args=[unit.pk, 2021, "monitoring", "pdf"]): (200, 404, 200, 404, 200, 404),
        reverse(book, args=[unit.pk, 2021, "evaluation", "xlsx"]): (200, 404, 200, 404, 200, 404),
        reverse(book, args=[unit.pk, 2021, "year", "xlsx"]): (200, 404, 200, 404, 200, 404),
        reverse("monitoring:round_summary", args=[round_.pk, "xlsx"]): (
            403, 403, 200, 404, 200, 403,
        ),
        reverse("evaluation:city_summary", args=[2021, "xlsx"]): (403, 403, 200, 200, 200, 403),
    }  # fmt: skip
    for url, codes in expected.items():
        got = tuple(_status(client, person, url) for person in people)
        assert got == codes, url
        # Nobody signed in: to the login page, never the file (self-evaluations reach the
        # public only through the portal's published versions; monitoring never).
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_other_citys_reviewer_gets_an_empty_summary_not_ours(client, users, evaluations):
    login(client, users["other_reviewer"])
    response = client.get(reverse("evaluation:city_summary", args=[2021, "xlsx"]))
    workbook = load_workbook(BytesIO(response.content))
    values = {c for row in workbook["明细"].iter_rows(values_only=True) for c in row}
    assert "山海关区残联本级" not in values and "残疾人就业服务中心运转经费" not in values


def test_unknown_format_and_year_are_404(client, users, round_):
    login(client, users["reviewer"])
    assert (
        client.get(reverse("monitoring:round_summary", args=[round_.pk, "doc"])).status_code == 404
    )
    assert client.get(reverse("evaluation:city_summary", args=[1999, "pdf"])).status_code == 404


def test_the_export_command_prints_the_stage_books(round_, evaluations, tmp_path):
    out = tmp_path / "year.xlsx"
    options = {"unit": "山海关区残联本级", "year": 2021, "fmt": "xlsx", "out": out}
    call_command("export_tables", stdout=StringIO(), contents="year", **options)
    names = load_workbook(out).sheetnames
    assert len(names) == 6 and names[-1] == "自评2.残疾人康复救助经费"
    with pytest.raises(CommandError, match="2021年：没有执行监控表"):
        call_command(
            "export_tables", stdout=StringIO(), contents="monitoring",
            **{**options, "unit": "北戴河区残联本级"},
        )  # fmt: skip


def test_books_and_summaries_read_the_database_in_a_fixed_number_of_queries(
    round_, evaluations, tree, year, users
):
    """Building them costs the same queries for two projects as for three (no query per
    sheet or per row): a city's summary must not grow a query per unit's project."""

    def counts() -> list[int]:
        found = []
        for build in (
            lambda: year_book(tree["own"], 2021),
            lambda: round_summary_book(MonitoringRound.objects.get()),
            lambda: evaluation_summary_book(units=[tree["own"]], year=year, scope="秦皇岛市"),
        ):
            with CaptureQueriesContext(connection) as queries:
                build()
            found.append(len(queries))
        return found

    before = counts()
    third = ProjectTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, sequence=3, name="第三个项目",
        budget_total=Decimal("1.00"),
    )  # fmt: skip
    review.submit_table(table=third, user=users["owner"])
    review.approve_table(table=third, user=users["reviewer"])
    add_missing_sheets(user=users["reviewer"], round_=MonitoringRound.objects.get())
    start_evaluation(user=users["owner"], table=third)
    assert MonitoringSheet.objects.count() == 3 and SelfEvaluation.objects.count() == 3
    assert counts() == before


def test_the_admin_lists_book_jobs_by_kind_of_book(client, users, round_, evaluations, settings):
    settings.EXPORT_BOOK_INLINE_TABLES = 1
    unit = round_.sheets.first().unit
    login(client, users["owner"])
    client.post(reverse("exports:unit_stage_book_start", args=[unit.pk, 2021, "evaluation", "pdf"]))
    client.logout()
    login(client, users["admin"])
    url = reverse("admin:exports_exportjob_changelist")
    listed = client.get(url, {"contents__exact": "evaluation"}).content.decode()
    assert "山海关区残联本级" in listed and "绩效自评表" in listed
    assert "山海关区残联本级" not in client.get(url, {"contents__exact": "year"}).content.decode()


def test_the_public_gets_published_self_evaluations_and_never_monitoring(
    client, users, tables, round_, evaluations
):
    """Signed out: the unit's ZIP of the year holds the published self-evaluation's files beside
    the targets', and nothing of monitoring (never published) or of the draft evaluation."""
    for table in tables:
        review.publish_table(table=table, user=users["reviewer"])
    first = evaluations[0]
    submit_evaluation(evaluation=first, user=users["owner"])
    approve_evaluation(evaluation=first, user=users["reviewer"])
    publish_evaluation(evaluation=first, user=users["reviewer"])
    client.logout()
    unit = first.unit
    response = client.get(reverse("portal:book_zip", args=[unit.pk, 2021]))
    assert response.status_code == 200
    with ZipFile(BytesIO(response.content)) as archive:
        names = archive.namelist()
    assert any("残疾人就业服务中心运转经费绩效自评表" in name for name in names)
    assert not any("残疾人康复救助经费绩效自评表" in name for name in names)  # still a draft
    assert not any("监控" in name for name in names)
    assert len([name for name in names if "绩效目标表" in name]) == 4  # two tables × PDF, Excel
