"""The stages' city summaries as XLSX open in LibreOffice and print on A4 portrait within the
margins, with every cell of both worksheets (明细, 单位汇总), as the single sheets do
(tests/test_libreoffice_stages.py, whose helpers and fixtures these share)."""

from __future__ import annotations

import pytest

from budgetapp.evaluation.summary import evaluation_summary_book
from budgetapp.exports.registry import EXPORTERS
from budgetapp.monitoring.models import MonitoringRound
from budgetapp.monitoring.summary import round_summary_book
from budgetapp.units.models import BudgetYear, Unit

from .conftest import pdf_text
from .test_libreoffice import convert, missing_cells, profile, soffice  # noqa: F401 (fixtures)
from .test_libreoffice_stages import assert_prints_on_a4, bbox, stages  # noqa: F401 (fixture)

pytestmark = pytest.mark.libreoffice


def _prints_whole(book, soffice, profile, tmp_path) -> None:  # noqa: F811
    pdf = convert(soffice, profile, EXPORTERS["xlsx"](book).content, tmp_path)
    assert_prints_on_a4(bbox(pdf))
    text = pdf_text(pdf)
    for entry in book.entries():
        assert missing_cells(entry.document, text) == [], entry.label


def test_the_round_summary_xlsx_prints_on_a4(stages, soffice, profile, tmp_path):  # noqa: F811
    round_ = MonitoringRound.objects.get()
    book = round_summary_book(round_)
    assert len(book.entries()[0].document.grids()[0].rows) > 10  # the demo's 13 sheets
    _prints_whole(book, soffice, profile, tmp_path)


def test_the_evaluation_summary_xlsx_prints_on_a4(stages, soffice, profile, tmp_path):  # noqa: F811
    round_ = MonitoringRound.objects.get()
    units = list(Unit.objects.filter(region__path__startswith=round_.region.path))
    year = BudgetYear.objects.get(year=2021)
    book = evaluation_summary_book(units=units, year=year, scope=round_.region.name)
    _prints_whole(book, soffice, profile, tmp_path)
