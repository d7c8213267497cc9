"""The 项目支出绩效自评表 layout: shape, content, and the PDF/XLSX renderers over it."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from budgetapp.evaluation.layout import evaluation_document
from budgetapp.evaluation.services import (
    EvaluationInput,
    RowInput,
    save_evaluation,
    start_evaluation,
)
from budgetapp.exports.book import Book, BookEntry, Part
from budgetapp.exports.pdf import render_pdf
from budgetapp.exports.xlsx import render_xlsx
from budgetapp.layouts.document import Grid
from budgetapp.review import services as review
from tests.conftest import pdf_text


@pytest.fixture
def evaluation(project, users):
    review.submit_table(table=project, user=users["owner"])
    review.approve_table(table=project, user=users["reviewer"])
    evaluation = start_evaluation(user=users["owner"], table=project)
    by_name = {row.name: row.pk for row in evaluation.rows.all()}
    return save_evaluation(
        user=users["owner"],
        evaluation=evaluation,
        data=EvaluationInput(
            money={"fiscal_full_year": Decimal("110000"), "fiscal_executed": Decimal("99000")},
            goal_actual="全年保障单位正常运转",
            weights_reason="",
            rows={
                by_name["保障正常办公人数"]: RowInput(actual="17人"),
                by_name["单位工作人员满意度"]: RowInput(actual="76%", analysis="办公条件待改善"),
            },
        ),
        loaded_version=1,
    )


def _book(evaluation) -> Book:
    document = evaluation_document(evaluation)
    return Book(
        title=document.title,
        author=evaluation.unit.name,
        filename="自评",
        parts=[Part(heading="", entries=[BookEntry("自评表", document)])],
    )


def test_grid_has_the_template_rows_in_order(evaluation):
    document = evaluation_document(evaluation)
    grid = next(block for block in document.blocks if isinstance(block, Grid))
    grid.check_shape()
    firsts = [row[0].text for row in grid.rows]
    assert firsts[:3] == ["项目名称", "主管部门", "项目资金（元）"]
    texts = [cell.text for row in grid.rows for cell in row]
    for caption in [
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
        "其他资金",
        "年度总体目标",
        "预期目标",
        "实际完成情况",
        "绩效指标",
        "偏差原因分析及改进措施",
        "总分",
    ]:
        assert caption in texts
    assert grid.rows[-1][-2].text == "96"  # 75 + 12 + 9
    assert "自评等级：优" in texts


def test_pdf_prints_the_rows_and_scores(evaluation):
    text = pdf_text(render_pdf(_book(evaluation)))
    for expected in [
        "项目支出绩效自评表",
        "残疾人就业服务中心运转经费",
        "年度资金总额",
        "偏差原因分析及改进措施",
        "办公条件待改善",
        "90%",
        "总分",
    ]:
        assert expected in text, expected


def test_xlsx_holds_numbers_as_numbers(evaluation):
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(_book(evaluation))))
    values = [c.value for row in workbook.active.iter_rows() for c in row if c.value is not None]
    assert "项目支出绩效自评表" in values
    assert 99000 in values or Decimal("99000") in values or 99000.0 in values
    assert workbook.active.page_setup.paperSize in (9, "9")  # A4
