"""The 执行监控表 and the 自评表 as XLSX open in LibreOffice and print on A4 (issue 18's
acceptance): headless `soffice` converts each to PDF; every page is A4 portrait, every word lies
inside the page's 20 mm side margins (the columns were fitted to the page width, not split onto
further pages), and every cell of the layout is in the text, as for the target tables
(tests/test_libreoffice.py, whose helpers and fixtures these share)."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.core.management import call_command
from django.db.models import Count

from budgetapp.evaluation.layout import evaluation_document
from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.exports.stages import export_stage
from budgetapp.monitoring.layout import monitoring_document
from budgetapp.monitoring.models import MonitoringSheet

from .conftest import pdf_text
from .test_libreoffice import convert, missing_cells, profile, soffice  # noqa: F401 (fixtures)

pytestmark = pytest.mark.libreoffice

A4 = (595.3, 841.9)  # points, portrait
MARGIN = 20 / 25.4 * 72  # the 20 mm side margins of exports/xlsx.py, in points
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"')


def bbox(pdf: bytes) -> str:
    """The words of `pdf` with their boxes, page by page (pdftotext -bbox)."""
    return subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()


def pages(layout: str) -> list[tuple[float, float, list[tuple[float, float]]]]:
    """Each page's width, height and the left and right edges of its words."""
    return [
        (float(width), float(height), [(float(a), float(b)) for a, b in _WORD.findall(body)])
        for width, height, body in _PAGE.findall(layout)
    ]


def assert_prints_on_a4(layout: str) -> None:
    found = pages(layout)
    assert found, "no page"
    for number, (width, height, words) in enumerate(found, 1):
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, (number, width, height)
        assert words, f"page {number} is empty"
        left = min(x for x, _ in words)
        right = max(x for _, x in words)
        # Inside the margins (a point of slack for the cell padding LibreOffice rounds).
        assert left >= MARGIN - 1 and right <= width - MARGIN + 1, (number, left, right)


@pytest.fixture
def stages(db):
    call_command("load_demo", verbosity=0)
    call_command("publish_demo", verbosity=0)  # the demo's monitoring and self-evaluation


def _largest(model):
    """The demo sheet with the most indicator rows: the longest to print."""
    return model.objects.annotate(size=Count("rows")).order_by("-size", "pk").first()


def test_the_monitoring_sheet_xlsx_prints_on_a4(stages, soffice, profile, tmp_path):  # noqa: F811
    sheet = _largest(MonitoringSheet)
    pdf = convert(soffice, profile, export_stage(sheet, "xlsx").content, tmp_path)
    assert_prints_on_a4(bbox(pdf))
    text = pdf_text(pdf)
    assert "项目支出绩效目标执行监控表" in text
    assert missing_cells(monitoring_document(sheet), text) == []


def test_the_self_evaluation_xlsx_prints_on_a4(stages, soffice, profile, tmp_path):  # noqa: F811
    evaluation = _largest(SelfEvaluation)
    pdf = convert(soffice, profile, export_stage(evaluation, "xlsx").content, tmp_path)
    assert_prints_on_a4(bbox(pdf))
    text = pdf_text(pdf)
    assert "项目支出绩效自评表" in text
    assert missing_cells(evaluation_document(evaluation), text) == []


def test_the_a4_check_refuses_a_landscape_page_or_words_beyond_the_margin():
    def page(width: str, height: str, right: int) -> str:
        word = f'<word xMin="60" yMin="1" xMax="{right}" yMax="9">字</word>'
        return f'<page width="{width}" height="{height}">{word}</page>'

    assert_prints_on_a4(page("595.30", "841.89", 530))
    with pytest.raises(AssertionError):
        assert_prints_on_a4(page("841.89", "595.30", 530))  # landscape
    with pytest.raises(AssertionError):
        assert_prints_on_a4(page("595.30", "841.89", 590))  # beyond the right margin
    with pytest.raises(AssertionError):
        assert_prints_on_a4("")  # no page at all
