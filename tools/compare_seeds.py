#!/usr/bin/env python3
"""Compare our exports of the Hebei demo books cell by cell with the published seed documents.

The seeds ``000_*.txt`` (张家口市残疾人联合会本级 2021, 万元) and ``001_*.txt`` (秦皇岛市山海关区
残疾人联合会本级 2021, 元) are what a Word/PDF conversion left of the published tables: every
table cell is a line starting with a TAB, a line without one continues the cell above, a blank
line ends a table row. Each 项目支出绩效目标表 of a seed becomes a list of cells in reading order,
as Word keeps them: a cell merged across columns is one cell, a cell merged down the rows leaves
an empty cell in each row below it.

The demo data was extracted from these seeds (tools/extract_seeds.py); this tool checks the way
back: ``export_tables`` writes the unit's book as XLSX and PDF, and

- XLSX: each project table's worksheet is read back into cells the same way (its title row,
  the unit/money-unit line, then the grid) and aligned with the seed's cells;
- PDF: each seed cell's text is looked for, in order, in the text pdftotext gives of that
  table's pages (an empty cell has no text to find).

Values are compared after normalising: NFKC (full-width letters, digits and punctuation),
white space removed, numbers without thousands separators or trailing zeros (``1,273.70`` =
``1273.7``; ``0`` = ``0.00``). Differences listed in ``KNOWN`` (seed quirks, each with its
reason) are reported but accepted; any other difference makes the exit status 1.

Usage (from the repository root)::

    .venv/bin/python tools/compare_seeds.py SEED_DIR [--format xlsx|pdf|both] [--verbose]

It loads the demo data into a throw-away SQLite database of its own (never the configured
one) unless ``--database-url`` is given.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO_ROOT = TOOLS.parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

DRAFT_MARK = "草稿（未公开）"  # exports/book.py's, without importing Django here

from seed_hebei import DOC_SECTION, PROJECT_TITLE  # noqa: E402
from seed_text import clean, tab_rows  # noqa: E402

# seed file prefix -> the demo unit and year it was extracted into
SEEDS = {
    "000": ("张家口市残疾人联合会本级", 2021),
    "001": ("秦皇岛市山海关区残疾人联合会本级", 2021),
}


@dataclass(frozen=True)
class Known:
    """A difference accepted on purpose: the normalised seed value fullmatches `seed`, and ours
    is what `ours` (a template with the match's groups, as in re.sub) makes of it."""

    seed_file: str
    seed: str
    ours: str
    why: str
    table: int | None = None  # None: in any table of the seed


KNOWN: list[Known] = [
    # Seed 000 numbers its table titles "1、…" (a Word TC field); seed 001 and our layout
    # write "1.…". Number and title are the same; the separator is a quirk of seed 000.
    Known("000", r"(\d+)、(.+绩效目标表)", r"\1.\2", "seed 000 numbers titles 1、 not 1."),
]


@dataclass
class SeedTable:
    number: int
    title: str
    cells: list[str]


@dataclass
class Difference:
    seed: str | None  # None: a cell we print that the seed does not have
    ours: str | None  # None: a seed cell we do not print
    known: Known | None = None


@dataclass
class TableReport:
    seed_file: str
    fmt: str
    number: int
    title: str
    matched: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def unexpected(self) -> list[Difference]:
        return [d for d in self.differences if d.known is None]


# Seeds -------------------------------------------------------------------------------------


def parse_seed(path: Path) -> list[SeedTable]:
    """The project tables of a Hebei seed, each as its title and its cells in reading order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cleaned = [clean(line) for line in lines]
    part2 = next(i for i, line in enumerate(cleaned) if line.startswith("第二部分"))
    titles = [i for i in range(part2, len(lines)) if PROJECT_TITLE.match(cleaned[i])]
    end = next(
        (i for i in range(titles[-1] + 1, len(lines)) if DOC_SECTION.match(cleaned[i])),
        len(lines),
    )
    tables = []
    for k, start in enumerate(titles):
        stop = titles[k + 1] if k + 1 < len(titles) else end
        rows = tab_rows(lines[start + 1 : stop])
        cells = [cleaned[start]] + [cell for row in rows for cell in row]
        number = int(PROJECT_TITLE.match(cleaned[start]).group(1))
        tables.append(SeedTable(number, cleaned[start], cells))
    return tables


def seed_path(seed_dir: Path, prefix: str) -> Path:
    found = sorted(seed_dir.glob(f"{prefix}_*.txt"))
    if not found:
        raise SystemExit(f"no seed {prefix}_*.txt in {seed_dir}")
    return found[0]


# Normalising -------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def normalise(text: str | None) -> str:
    """NFKC, no white space, numbers (and percentages) in one canonical form."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    number, percent = (value[:-1], "%") if value.endswith("%") else (value, "")
    if _NUMBER.fullmatch(number):
        try:
            canonical = format(Decimal(number.replace(",", "")).normalize(), "f")
        except InvalidOperation:
            return value
        return canonical + percent
    return value


def known_for(
    seed_file: str, number: int, seed: str | None, ours: str | None, *, prefix: bool = False
) -> Known | None:
    """The KNOWN entry that accepts this difference, if any. `prefix`: `ours` is the text that
    follows in the PDF, of which the expected value need only be the beginning."""
    for entry in KNOWN:
        if entry.seed_file != seed_file or entry.table not in (None, number):
            continue
        match = re.fullmatch(entry.seed, normalise(seed))
        if match is None:
            continue
        expected = normalise(match.expand(entry.ours))
        actual = normalise_text(ours or "") if prefix else normalise(ours)
        if actual == expected or (prefix and actual.startswith(normalise_text(expected))):
            return entry
    return None


# XLSX --------------------------------------------------------------------------------------


def _display(cell) -> str:
    """A cell's value as the sheet shows it (the number formats our exports use)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if cell.number_format.endswith("%"):
        return f"{Decimal(str(value)) * 100:.2f}%"
    if "0.00" in cell.number_format:
        return f"{Decimal(str(value)):,.2f}"
    return str(value)


def sheet_cells(ws) -> list[str]:
    """A worksheet's cells in reading order, merged cells as Word keeps them."""
    from openpyxl.cell.cell import MergedCell

    starts = {}
    for merged in ws.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            starts[row, merged.min_col] = merged
    cells: list[str] = []
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        for cell in row:
            merged = starts.get((cell.row, cell.column))
            if isinstance(cell, MergedCell):
                if merged is not None and cell.row > merged.min_row:
                    cells.append("")  # merged down from the row above
                continue
            if cell.value is None and merged is None and not cell.has_style:
                continue  # nothing there (a blank line between blocks)
            cells.append(_display(cell))
    return cells


def xlsx_tables(content: bytes) -> list[list[str]]:
    """The project tables of a unit book workbook (its sheets after 部门整体绩效目标)."""
    from io import BytesIO

    import openpyxl

    workbook = openpyxl.load_workbook(BytesIO(content))
    tables = [sheet_cells(ws) for ws in workbook.worksheets if ws.title != "部门整体绩效目标"]
    # The seeds are published documents; the demo's tables are drafts, whose sheets open with
    # a line of their own saying so (exports/xlsx.py), which is not part of the layout.
    return [cells[1:] if cells[:1] == [DRAFT_MARK] else cells for cells in tables]


def compare_cells(seed_file: str, fmt: str, table: SeedTable, ours: list[str]) -> TableReport:
    """Align the seed's cells with ours and list every difference."""
    report = TableReport(seed_file, fmt, table.number, table.title)
    a = [normalise(cell) for cell in table.cells]
    b = [normalise(cell) for cell in ours]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            report.matched += i2 - i1
            continue
        seeds, mine = table.cells[i1:i2], ours[j1:j2]
        for k in range(max(len(seeds), len(mine))):
            seed = seeds[k] if k < len(seeds) else None
            our = mine[k] if k < len(mine) else None
            report.differences.append(
                Difference(seed, our, known_for(seed_file, table.number, seed, our))
            )
    return report


# PDF ---------------------------------------------------------------------------------------


def pdf_table_texts(pdf: Path, titles: list[str]) -> list[str]:
    """pdftotext of the book, cut into the text of each table (from its title to the next)."""
    result = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True, timeout=120
    )
    text = normalise_text(result.stdout.decode())
    starts = []
    position = 0
    for title in titles:
        found = text.find(normalise_text(title), position)
        starts.append(found if found >= 0 else position)
        position = max(position, found)
    starts.append(len(text))
    return [text[starts[k] : starts[k + 1]] for k in range(len(titles))]


def normalise_text(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _forms(cell: str) -> list[str]:
    """How a seed cell may print: as it is, or as money (``0`` → ``0.00``, ``1,273.72``)."""
    squeezed = normalise_text(cell)
    forms = [squeezed]
    if _NUMBER.fullmatch(squeezed):
        forms.append(f"{Decimal(squeezed.replace(',', '')):,.2f}")
    return forms


# How far after the previous cell's text the next cell's is looked for in the PDF's text (what
# may lie between: our cells the seed leaves empty, a page's footer and repeated header).
PDF_WINDOW = 120


def compare_pdf_text(seed_file: str, table: SeedTable, text: str) -> TableReport:
    """Look for each non-empty seed cell, in order, in the table's text."""
    report = TableReport(seed_file, "pdf", table.number, table.title)
    position = 0
    for cell in table.cells:
        if not normalise_text(cell):
            continue
        # Only near the previous cell: a value found further on (the same text in a later
        # row) would skip the cells between.
        hits = [
            (text.find(form, position, position + len(form) + PDF_WINDOW), form)
            for form in _forms(cell)
        ]
        hits = [(at, form) for at, form in hits if at >= 0]
        if hits:
            at, form = min(hits)
            report.matched += 1
            position = at + len(form)
            continue
        # Not found: what the PDF has at that point stands for our value.
        nearby = text[position : position + len(normalise_text(cell)) + 10]
        known = known_for(seed_file, table.number, cell, nearby, prefix=True)
        report.differences.append(Difference(cell, f"{nearby}…", known))
    return report


# Running -----------------------------------------------------------------------------------


def compare_seed(seed: Path, fmt: str, workdir: Path) -> list[TableReport]:
    """Export the seed's demo unit with `export_tables` and compare it (Django set up, demo
    data loaded)."""
    from io import StringIO

    from django.core.management import call_command

    quiet = StringIO()
    prefix = seed.name[:3]
    unit, year = SEEDS[prefix]
    tables = parse_seed(seed)
    reports: list[TableReport] = []
    if fmt in ("xlsx", "both"):
        out = workdir / f"{prefix}.xlsx"
        call_command("export_tables", unit=unit, year=year, fmt="xlsx", out=out, stdout=quiet)
        ours = xlsx_tables(out.read_bytes())
        for number, table in enumerate(tables):
            cells = ours[number] if number < len(ours) else []
            reports.append(compare_cells(prefix, "xlsx", table, cells))
        for extra in ours[len(tables) :]:
            report = TableReport(prefix, "xlsx", 0, extra[0] if extra else "")
            report.differences.append(Difference(None, extra[0] if extra else "", None))
            reports.append(report)
    if fmt in ("pdf", "both"):
        out = workdir / f"{prefix}.pdf"
        call_command("export_tables", unit=unit, year=year, fmt="pdf", out=out, stdout=quiet)
        texts = pdf_table_texts(out, [_our_title(table.title) for table in tables])
        for table, text in zip(tables, texts, strict=True):
            reports.append(compare_pdf_text(prefix, table, text))
    return reports


def _our_title(seed_title: str) -> str:
    """The title as our layout prints it, to find a table's pages (numbered ``1.``)."""
    match = PROJECT_TITLE.match(seed_title)
    return f"{match.group(1)}.{match.group(2)}绩效目标表" if match else seed_title


def print_report(reports: list[TableReport], *, verbose: bool = False, out=sys.stdout) -> None:
    for report in reports:
        known = len(report.differences) - len(report.unexpected)
        print(
            f"[{report.seed_file} {report.fmt}] 表{report.number} {report.title[:40]}: "
            f"{report.matched} 格一致, {len(report.unexpected)} 格不同"
            + (f", {known} 格为已知差异" if known else ""),
            file=out,
        )
        for difference in report.differences:
            if difference.known is not None and not verbose:
                continue
            note = f"  （已知：{difference.known.why}）" if difference.known else ""
            print(f"    种子: {difference.seed!r}", file=out)
            print(f"    导出: {difference.ours!r}{note}", file=out)
    total = sum(report.matched for report in reports)
    unexpected = sum(len(report.unexpected) for report in reports)
    print(f"合计：{total} 格一致，{unexpected} 格不同（不含已知差异）。", file=out)


def _setup_django(database_url: str | None, workdir: Path) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'compare.sqlite3'}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetapp.settings")
    sys.path.insert(0, str(REPO_ROOT))
    from io import StringIO

    import django
    from django.core.management import call_command

    django.setup()
    if database_url is None:
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0, stdout=StringIO())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seed_dir", type=Path, help="folder with 000_*.txt and 001_*.txt")
    parser.add_argument("--format", choices=["xlsx", "pdf", "both"], default="both")
    parser.add_argument("--seed", choices=sorted(SEEDS), action="append", help="only this seed")
    parser.add_argument(
        "--database-url",
        help="use this database (with the demo data loaded) instead of a throw-away one",
    )
    parser.add_argument("--verbose", action="store_true", help="also list known differences")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="compare-seeds-") as folder:
        workdir = Path(folder)
        _setup_django(options.database_url, workdir)
        reports = []
        for prefix in options.seed or sorted(SEEDS):
            reports += compare_seed(seed_path(options.seed_dir, prefix), options.format, workdir)
    print_report(reports, verbose=options.verbose)
    return 1 if any(report.unexpected for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
