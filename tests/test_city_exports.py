"""Logged-in exports rendered on demand: a unit's whole book and the reviewer's city summary."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from budgetapp.exports.models import PublishedFile
from budgetapp.targets.models import ProjectTable, Status

from .conftest import login, pdf_text

LOGIN = "login"


def book_url(unit, fmt="pdf", year=2021):
    return reverse("exports:unit_book", args=[unit.pk, year, fmt])


def summary_url(year=2021):
    return reverse("exports:city_summary", args=[year])


def as_role(client, users, who):
    return client if who == "anonymous" else login(client, users[who])


@pytest.fixture
def neighbour(tree, project) -> ProjectTable:
    """A table of another county of the same city, filed in 万元."""
    return ProjectTable.objects.create(
        unit=tree["other"],
        year=project.year,
        framework=project.framework,
        money_unit="万元",
        sequence=1,
        name="北戴河区康复项目",
        budget_total=Decimal("5.50"),
        budget_fiscal=Decimal("5.00"),
        budget_other=Decimal("0.50"),
    )


def test_the_owner_downloads_the_whole_book_drafts_included(client, users, project):
    response = login(client, users["owner"]).get(book_url(project.unit))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        f"filename*=utf-8''{quote('山海关区残联本级_2021_绩效目标（草稿）.pdf')}"
        in (response["Content-Disposition"])
    )
    assert "no-store" in response["Cache-Control"]
    assert "残疾人就业服务中心运转经费" in pdf_text(response.content)
    assert not PublishedFile.objects.exists()  # rendered on demand, nothing stored


def test_the_book_in_excel_has_one_sheet_per_table(client, users, project):
    response = login(client, users["reviewer"]).get(book_url(project.unit, "xlsx"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["1.残疾人就业服务中心运转经费"]


BOOK_ACCESS = {
    "owner": 200,
    "colleague": 404,
    "reviewer": 200,
    "other_reviewer": 404,
    "admin": 200,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize(("who", "expected"), BOOK_ACCESS.items())
def test_book_access(client, users, project, who, expected):
    before = list(ProjectTable.objects.values_list("pk", "status", "version"))
    response = as_role(client, users, who).get(book_url(project.unit))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    assert list(ProjectTable.objects.values_list("pk", "status", "version")) == before


def test_book_of_a_year_without_tables_or_an_unknown_format_is_404(client, users, project):
    login(client, users["owner"])
    assert client.get(book_url(project.unit, year=2020)).status_code == 404
    assert client.get(book_url(project.unit, fmt="docx")).status_code == 404


def _sheet_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_city_summary_lists_units_tables_states_and_budget_in_wan(
    client, users, project, neighbour, tree
):
    ProjectTable.objects.filter(pk=neighbour.pk).update(status=Status.SUBMITTED)
    response = login(client, users["reviewer"]).get(summary_url())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f"filename*=utf-8''{quote('秦皇岛市_2021_绩效目标汇总.xlsx')}"
        in (response["Content-Disposition"])
    )
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["明细", "单位汇总"]
    detail = workbook["明细"]
    assert detail["A1"].value == "秦皇岛市2021年预算绩效目标汇总表"
    assert "金额单位：万元" in detail["A2"].value
    header = _sheet_rows(detail)[2]
    assert header[:8] == [
        "序号",
        "单位编码",
        "单位名称",
        "所属区划",
        "表格",
        "项目编码",
        "状态",
        "金额单位",
    ]
    assert header[8] == "预算数（万元）"
    rows = {row[4]: row for row in _sheet_rows(detail)[3:]}
    own = rows["1.残疾人就业服务中心运转经费绩效目标表"]
    assert own[2] == "山海关区残联本级" and own[6] == "草稿" and own[7] == "万元"
    assert own[8] == 11 and own[11] == "元"  # 110,000 元 is 11 万元, as a number
    assert rows["1.北戴河区康复项目绩效目标表"][6] == "已提交"
    assert rows["1.北戴河区康复项目绩效目标表"][8] == 5.5
    total = rows["合计"]
    assert total[8] == pytest.approx(16.5) and total[9] == pytest.approx(16)
    own_row = next(r for r in detail.iter_rows(min_row=4) if r[4].value == own[4])
    assert own_row[8].number_format == "#,##0.00"
    # Units of the city without tables are listed too; other cities are not.
    names = {row[2] for row in _sheet_rows(detail)[3:]}
    assert "秦皇岛市残疾人联合会" in names and "张家口市残联本级" not in names

    units = {row[2]: row for row in _sheet_rows(workbook["单位汇总"])[3:]}
    # 表格数, 草稿, 已提交, 已退回, 审核通过, 已公开, 项目预算数（万元）
    assert units["山海关区残联本级"][4:] == [1, 1, 0, 0, 0, 0, 11]
    assert units["北戴河区残联本级"][4:] == [1, 0, 1, 0, 0, 0, 5.5]
    assert units["合计"][4:] == [2, 1, 1, 0, 0, 0, pytest.approx(16.5)]


def test_typed_names_in_the_summary_stay_text(client, users, project):
    ProjectTable.objects.filter(pk=project.pk).update(
        name='=HYPERLINK("http://x","y")', sequence=0, code="@SUM(1)"
    )
    response = login(client, users["reviewer"]).get(summary_url())
    sheet = openpyxl.load_workbook(BytesIO(response.content))["明细"]
    row = next(r for r in sheet.iter_rows(min_row=4) if r[5].value == "@SUM(1)")
    for cell in (row[4], row[5]):
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert row[4].value.startswith('=HYPERLINK("http://x","y")')


SUMMARY_ACCESS = {
    "owner": 403,
    "colleague": 403,
    "reviewer": 200,
    "other_reviewer": 200,
    "admin": 200,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize(("who", "expected"), SUMMARY_ACCESS.items())
def test_summary_access(client, users, project, who, expected):
    response = as_role(client, users, who).get(summary_url())
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def test_another_citys_reviewer_gets_only_their_own_city(client, users, project):
    response = login(client, users["other_reviewer"]).get(summary_url())
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    text = str(_sheet_rows(workbook["明细"]))
    assert "张家口市2021年预算绩效目标汇总表" in text
    assert "山海关区残联本级" not in text and "运转经费" not in text


def test_summary_of_an_unknown_year_is_404(client, users, project):
    assert login(client, users["reviewer"]).get(summary_url(2020)).status_code == 404


def test_the_dashboard_and_home_page_link_to_the_exports(client, users, project):
    dashboard = login(client, users["reviewer"]).get(reverse("review:dashboard")).content.decode()
    assert summary_url() in dashboard and book_url(project.unit) in dashboard
    assert reverse("exports:job_start") in dashboard
    home = login(client, users["owner"]).get(reverse("targets:home")).content.decode()
    assert book_url(project.unit) in home and book_url(project.unit, "xlsx") in home
