"""Our XLSX files open in LibreOffice: headless `soffice` converts them to PDF, and the PDF's text
holds every cell (nothing cut off at the page or cell edges).

LibreOffice is a test package of scripts/install-system-packages.sh (libreoffice-calc-nogui).
Without `soffice` these tests fail in CI (`CI` set) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from budgetapp.exports.book import unit_book
from budgetapp.exports.registry import export_table, export_unit_book
from budgetapp.exports.summary import city_summary, collect
from budgetapp.layouts.document import Grid, Heading, Paragraph
from budgetapp.targets.models import ProjectTable
from budgetapp.units.models import BudgetYear, LayoutFamily, Unit

from .conftest import pdf_text

pytestmark = pytest.mark.libreoffice

# Every demo unit with its year: two Hebei books (narrative 部门整体), Guangdong, Hubei.
DEMO_UNITS = [
    ("张家口市残疾人联合会本级", 2021, LayoutFamily.HEBEI),
    ("秦皇岛市山海关区残疾人联合会本级", 2021, LayoutFamily.HEBEI),
    ("廉江市残疾人联合会", 2024, LayoutFamily.GUANGDONG),
    ("武汉市蔡甸区残疾人联合会", 2025, LayoutFamily.HUBEI),
]


def find_soffice() -> str:
    """The soffice to run; without one, fail in CI (`CI` set) and skip elsewhere."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = (
        "LibreOffice (soffice) is not installed: install libreoffice-calc-nogui "
        "(scripts/install-system-packages.sh does, as `make setup` runs it)."
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def soffice() -> str:
    return find_soffice()


@pytest.fixture(scope="session")
def profile(tmp_path_factory) -> Path:
    """One LibreOffice user profile for the session: made once, never the user's own."""
    return tmp_path_factory.mktemp("libreoffice-profile")


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def convert(soffice: str, profile: Path, xlsx: bytes, folder: Path) -> bytes:
    """The PDF LibreOffice makes of `xlsx`; fails the test if it cannot open the file."""
    source = folder / "export.xlsx"
    source.write_bytes(xlsx)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Error" not in output, output  # "Error: source file could not be loaded"
    target = folder / "export.pdf"
    assert target.exists(), f"LibreOffice wrote no PDF: {output}"
    return target.read_bytes()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def missing_cells(document, text: str) -> list[str]:
    """The texts of the document's cells, headings and paragraphs not found in `text`."""
    squeezed = squeeze(text)
    wanted = []
    for block in document.blocks:
        if isinstance(block, Grid):
            wanted += [cell.text for row in block.rows for cell in row]
        elif isinstance(block, Heading | Paragraph):
            wanted.append(block.text)
    return [value for value in wanted if squeeze(value) and squeeze(value) not in squeezed]


def test_one_project_table_converts_with_every_cell(demo, soffice, profile, tmp_path):
    table = ProjectTable.objects.get(code="13070021F97VGKGDY9NNO")
    text = pdf_text(convert(soffice, profile, export_table(table, "xlsx").content, tmp_path))
    assert "13070021F97VGKGDY9NNO" in text
    assert "83.52" in text  # 预算数, in the money format of the page
    assert "100.00%" in text  # 12月底
    document = unit_book(table.unit, 2021).entries()[table.sequence].document
    assert document.title == table.title
    assert missing_cells(document, text) == []


@pytest.mark.parametrize(("name", "year", "layout"), DEMO_UNITS)
def test_unit_book_converts_with_every_cell_of_every_sheet(
    demo, soffice, profile, tmp_path, name, year, layout
):
    unit = Unit.objects.get(name=name)
    assert unit.layout == layout
    book = unit_book(unit, year)
    text = pdf_text(
        convert(soffice, profile, export_unit_book(unit, year, "xlsx").content, tmp_path)
    )
    for entry in book.entries():
        assert missing_cells(entry.document, text) == [], entry.label


def test_narrative_paragraphs_are_not_cut_at_the_page_edges(demo, soffice, profile, tmp_path):
    """The Hebei 部门整体 sheet is paragraphs only: each one prints whole, first and last
    characters included (one 100-character column used to be cut on both sides)."""
    unit = Unit.objects.get(name="张家口市残疾人联合会本级")
    department = unit_book(unit, 2021).entries()[0].document
    paragraphs = [block.text for block in department.blocks if isinstance(block, Paragraph)]
    assert len(paragraphs) > 50
    pdf = convert(soffice, profile, export_unit_book(unit, 2021, "xlsx").content, tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    lines = "\n".join(filter(None, (squeeze(line) for line in text.splitlines())))
    squeezed = squeeze(text)
    for paragraph in paragraphs:
        body = squeeze(paragraph)
        assert body in squeezed, paragraph[:20]
        # Its first characters open a printed line and its last ones close one (a line may
        # break among them).
        assert re.search("(^|\n)" + _across_lines(body[:6]), lines), paragraph[:20]
        assert re.search(_across_lines(body[-6:]) + "(\n|$)", lines), paragraph[-20:]


def _across_lines(text: str) -> str:
    return "\n?".join(re.escape(character) for character in text)


def test_city_summary_converts_with_units_tables_and_totals(demo, soffice, profile, tmp_path):
    units = [Unit.objects.get(name=name) for name, _, _ in DEMO_UNITS[:2]]
    year = BudgetYear.objects.get(year=2021)
    export = city_summary(units=units, year=year, scope="河北省")
    text = pdf_text(convert(soffice, profile, export.content, tmp_path))
    squeezed = squeeze(text)
    assert "河北省2021年预算绩效目标汇总表" in squeezed
    summaries = collect(units, year)
    for summary in summaries:
        assert squeeze(summary.unit.name) in squeezed
        for table in summary.projects():
            assert table.code in squeezed
    total = sum((summary.total() for summary in summaries), Decimal("0"))
    assert f"{total:,.2f}" in squeezed
    assert "合计" in squeezed


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), (None, pytest.skip.Exception)]
)
def test_missing_soffice_fails_in_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    with pytest.raises(outcome, match="libreoffice-calc-nogui"):
        find_soffice()
