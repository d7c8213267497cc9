"""The export accelerators (exports/accelerators/): the only place private internals of WeasyPrint,
openpyxl and pydyf are used, each on only with the library versions it was proven on, all off
with EXPORT_ACCELERATORS=false, and the stock path printing the same files."""

from __future__ import annotations

import ast
import importlib.util
import io
import logging
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from budgetapp.exports import accelerators, pdf_render
from budgetapp.exports import cache as export_cache
from budgetapp.exports.registry import export_unit_book
from budgetapp.units.models import Unit

from .test_exports import pdfinfo, pdftotext

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "budgetapp" / "exports" / "accelerators"
LIBRARIES = ("weasyprint", "openpyxl", "pydyf")
ZHANGJIAKOU = "张家口市残疾人联合会本级"
# WeasyPrint's documented API (doc.courtbouillon.org/weasyprint/v70.0/api_reference.html):
# what code outside the accelerators may import from it.
WEASYPRINT_PUBLIC = {
    "weasyprint": {"HTML", "CSS", "Attachment", "default_url_fetcher", "__version__"},
    "weasyprint.document": {"Document", "DocumentMetadata", "Page"},
    "weasyprint.text.fonts": {"FontConfiguration"},
    "weasyprint.urls": {"URLFetcher", "default_url_fetcher"},
}


# Nothing outside the package touches a private name -----------------------------------------


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@cache
def _library_private_names() -> frozenset[str]:
    """Every `_name` the three libraries define (functions, classes, attributes, module names)."""
    names: set[str] = set()
    for library in LIBRARIES:
        root = Path(importlib.util.find_spec(library).origin).parent
        for path in root.rglob("*.py"):
            names.update(p for p in path.relative_to(root).with_suffix("").parts if _is_private(p))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    found = node.name
                elif isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Store):
                    found = node.attr if isinstance(node, ast.Attribute) else node.id
                elif isinstance(node, ast.alias):
                    found = node.asname or node.name.split(".")[-1]
                else:
                    continue
                if _is_private(found):
                    names.add(found)
    return frozenset(names)


class _PrivateUse(ast.NodeVisitor):
    """Uses of the libraries' private names in one module.

    - imports of a private module or name of a library (`from weasyprint import _x`);
    - `obj._name` (read, written or deleted), or `getattr(obj, "_name")`, `setattr`, `hasattr`,
      where `_name` is one the libraries define; our own classes' attributes of the same name
      (`self._cache` in a class not derived from a library class) are ours;
    - a method named like a library's private one in a class derived from a library class
      (an override of a private method).
    """

    def __init__(self) -> None:
        self.private = _library_private_names()
        self.library_names: set[str] = set()  # names bound to something from the libraries
        self.classes: list[bool] = []  # for each enclosing class: derived from a library's?
        self.found: list[str] = []

    def _library(self, module: str) -> bool:
        return module.split(".")[0] in LIBRARIES

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if self._library(alias.name):
                self.library_names.add(alias.asname or alias.name.split(".")[0])
                if any(_is_private(part) for part in alias.name.split(".")):
                    self.found.append(f"{node.lineno}: import {alias.name}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module or not self._library(node.module):
            return
        for alias in node.names:
            self.library_names.add(alias.asname or alias.name)
            if any(_is_private(part) for part in node.module.split(".")) or _is_private(alias.name):
                self.found.append(f"{node.lineno}: from {node.module} import {alias.name}")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        derived = any(
            isinstance(root := _root(base), ast.Name) and root.id in self.library_names
            for base in node.bases
        )
        self.classes.append(derived)
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and derived and item.name in self.private:
                self.found.append(f"{item.lineno}: def {item.name} (a private method overridden)")
        self.generic_visit(node)
        self.classes.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in self.private and not self._own(node.value):
            self.found.append(f"{node.lineno}: .{node.attr}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in self.private
            and not self._own(node.args[0])
        ):
            self.found.append(f"{node.lineno}: {node.func.id}(…, {node.args[1].value!r})")
        self.generic_visit(node)

    def _own(self, receiver: ast.expr) -> bool:
        """`self`/`cls`/`super()` inside a class of ours that derives from no library class."""
        is_self = isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")
        is_super = (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Name)
            and receiver.func.id == "super"
        )
        return (is_self or is_super) and bool(self.classes) and not self.classes[-1]


def _root(expression: ast.expr) -> ast.expr:
    while isinstance(expression, ast.Attribute):
        expression = expression.value
    return expression


def private_uses(path: Path) -> list[str]:
    visitor = _PrivateUse()
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    return visitor.found


def _our_modules(*, inside_package: bool) -> list[Path]:
    paths = [
        path
        for folder in ("budgetapp", "bench", "tools")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ]
    return [path for path in paths if path.is_relative_to(PACKAGE) == inside_package]


def test_no_private_name_of_weasyprint_openpyxl_or_pydyf_outside_the_accelerators():
    found = {
        str(path.relative_to(ROOT)): uses
        for path in _our_modules(inside_package=False)
        if (uses := private_uses(path))
    }
    assert found == {}, "private names outside exports/accelerators/: " + repr(found)


def test_the_scan_finds_the_private_names_the_accelerators_use():
    """The scan is not blind: it finds, inside the package, what the package is for."""
    found = "\n".join(
        use for path in _our_modules(inside_package=True) for use in private_uses(path)
    )
    for name in ("_page_box", "_cells", "_style", "_ua_stylesheets"):
        assert f".{name}" in found or f"def {name}" in found, name
    assert "'_find_base_url'" in found
    sample = textwrap.dedent(
        """
        import weasyprint
        from openpyxl.worksheet._reader import WorksheetReader
        from weasyprint import HTML
        class Mine:
            def f(self):
                return self._cache
        class Theirs(HTML):
            def _ua_stylesheets(self):
                return self._cache
        weasyprint._find_base_url
        getattr(document, "_page_box")
        """
    )
    visitor = _PrivateUse()
    visitor.visit(ast.parse(sample))
    assert [use.split(": ", 1)[1] for use in visitor.found] == [
        "from openpyxl.worksheet._reader import WorksheetReader",
        "def _ua_stylesheets (a private method overridden)",
        "._cache",  # self of a class derived from WeasyPrint's HTML
        "._find_base_url",
        "getattr(…, '_page_box')",
    ]


def test_weasyprint_is_used_outside_the_accelerators_through_its_documented_api_only():
    found = []
    for path in _our_modules(inside_package=False):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint"):
                allowed = WEASYPRINT_PUBLIC.get(node.module, set())
                found += [
                    f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name not in allowed
                ]
            elif isinstance(node, ast.Import):
                found += [
                    f"{path.relative_to(ROOT)}: import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("weasyprint.")
                ]
    assert found == []


# Proven versions, start-up check, the setting ------------------------------------------------


def test_every_accelerator_declares_the_exact_versions_it_was_proven_on():
    for name in accelerators.NAMES:
        proven = accelerators.proven_on(name)
        assert proven and set(proven) <= set(LIBRARIES), name
        for library, version in proven.items():
            assert re.fullmatch(r"\d+(\.\d+)+", version), (name, library, version)
    # The pinned requirements are what the accelerators were proven on.
    pinned = dict(
        re.findall(
            r"^(weasyprint|openpyxl|pydyf)==(\S+)", (ROOT / "requirements.txt").read_text(), re.M
        )
    )
    for name in accelerators.NAMES:
        for library, version in accelerators.proven_on(name).items():
            assert pinned.get(library) == version, (name, library, pinned)


def _records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == accelerators.logger.name]


def test_a_version_it_was_not_proven_on_switches_an_accelerator_off_with_one_log_line(
    monkeypatch, caplog
):
    from budgetapp.exports.accelerators import grid_lines

    monkeypatch.setattr(grid_lines, "PROVEN_ON", {"weasyprint": "69.0"})
    with caplog.at_level(logging.INFO, logger=accelerators.logger.name):
        active = accelerators.configure(enabled=True)
    assert active == frozenset(accelerators.NAMES) - {"grid_lines"}
    (record,) = _records(caplog)
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "grid_lines is off" in message and "weasyprint 69.0" in message
    assert f"weasyprint {accelerators.installed_version('weasyprint')}" in message


def test_a_weasyprint_upgrade_switches_its_accelerators_off_one_line_each(monkeypatch, caplog):
    real = accelerators.installed_version
    monkeypatch.setattr(
        accelerators,
        "installed_version",
        lambda library: "71.0" if library == "weasyprint" else real(library),
    )
    with caplog.at_level(logging.INFO, logger=accelerators.logger.name):
        active = accelerators.configure(enabled=True)
    assert active == {"xlsx_styles"}  # proven on openpyxl, not WeasyPrint
    lines = [record.getMessage() for record in _records(caplog)]
    assert len(lines) == len(accelerators.NAMES) - 1
    assert all("weasyprint 71.0" in line for line in lines)


def test_the_setting_switches_every_accelerator_off(settings, caplog):
    settings.EXPORT_ACCELERATORS = False
    with caplog.at_level(logging.INFO, logger=accelerators.logger.name):
        apps.get_app_config("exports").ready()
    assert accelerators.active_names() == frozenset()
    assert pdf_render.current_config().accelerators == frozenset()
    assert len(_records(caplog)) == 1  # said once, not once per accelerator


def test_the_setting_is_read_strictly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from budgetapp.core.env import env_bool

    monkeypatch.setenv("EXPORT_ACCELERATORS", "off")
    assert env_bool("EXPORT_ACCELERATORS", default=True) is False
    monkeypatch.setenv("EXPORT_ACCELERATORS", "nein")
    with pytest.raises(ImproperlyConfigured, match="EXPORT_ACCELERATORS"):
        env_bool("EXPORT_ACCELERATORS", default=True)
    # The settings module reads it so (a typo stops the start-up).
    result = subprocess.run(
        [sys.executable, "-c", "import budgetapp.settings"],
        cwd=ROOT,
        env={**os.environ, "EXPORT_ACCELERATORS": "nein", "DEBUG": "true"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "EXPORT_ACCELERATORS='nein'" in result.stderr


# The stock path prints the same files -----------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    export_cache.clear()
    yield
    export_cache.clear()


def _print(unit: Unit, year: int, fmt: str, active: frozenset[str]) -> bytes:
    pdf_render.configure(pdf_render.PrintConfig(pdf_render.current_config().font_dir, active))
    export_cache.clear()
    return export_unit_book(unit, year, fmt).content


def _pages(pdf: bytes) -> int:
    return int(re.search(r"Pages:\s+(\d+)", pdfinfo(pdf))[1])


def _pixels(pdf: bytes) -> bytes:
    return subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-"], input=pdf, capture_output=True, check=True
    ).stdout


def _outline(pdf: bytes) -> list[str]:
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-", "/dev/null"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.findall(r'<item page="\d+">([^<]*)</item>', xml)


@pytest.mark.parametrize(
    ("unit", "year"),
    [
        (ZHANGJIAKOU, 2021),  # Hebei: a 一级指标 spanning rows runs over a page
        ("廉江市残疾人联合会", 2024),  # Guangdong: a cell spanning rows over a page, no header
        ("武汉市蔡甸区残疾人联合会", 2025),  # Hubei
    ],
)
def test_a_book_printed_with_every_accelerator_off_is_the_same_book(demo, unit, year):
    unit = Unit.objects.get(name=unit)
    with override_settings(EXPORT_PDF_WORKERS=1):
        fast = _print(unit, year, "pdf", frozenset(accelerators.NAMES))
        stock = _print(unit, year, "pdf", frozenset())
    assert pdftotext(stock, "-bbox") == pdftotext(fast, "-bbox")  # every word, where it was
    assert pdftotext(stock, "-raw") == pdftotext(fast, "-raw")  # in the same reading order
    assert _pages(stock) == _pages(fast)
    assert _outline(stock) == _outline(fast)
    assert re.search(r"Tagged:\s+yes", pdfinfo(stock))
    assert _pixels(stock) == _pixels(fast)  # at 100 dpi


def test_a_workbook_written_without_the_accelerator_is_the_same_workbook(demo):
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    fast = _print(unit, 2021, "xlsx", frozenset(accelerators.NAMES))
    stock = _print(unit, 2021, "xlsx", frozenset())
    fast_zip, stock_zip = zipfile.ZipFile(io.BytesIO(fast)), zipfile.ZipFile(io.BytesIO(stock))
    assert fast_zip.namelist() == stock_zip.namelist()
    for name in fast_zip.namelist():
        if name != "docProps/core.xml":  # the time it was written
            assert stock_zip.read(name) == fast_zip.read(name), name


def test_an_unproven_weasyprint_still_prints_the_right_book(demo, monkeypatch, caplog):
    """Upgrade day: a WeasyPrint the accelerators were not proven on. They switch off, one log
    line each, and the book is complete: every table, every page, page numbers, outline."""
    real = accelerators.installed_version
    monkeypatch.setattr(
        accelerators,
        "installed_version",
        lambda library: "71.0" if library == "weasyprint" else real(library),
    )
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    with override_settings(EXPORT_PDF_WORKERS=1):
        fast = _print(unit, 2021, "pdf", frozenset(accelerators.NAMES))
        with caplog.at_level(logging.WARNING, logger=accelerators.logger.name):
            active = accelerators.configure(enabled=True)
        stock = _print(unit, 2021, "pdf", active)
    assert active == {"xlsx_styles"} and len(_records(caplog)) == len(accelerators.NAMES) - 1
    assert _pages(stock) == _pages(fast) == 23
    text = re.sub(r"\s+", "", pdftotext(stock))
    assert text == re.sub(r"\s+", "", pdftotext(fast))
    assert "第23页共23页" in text and "残疾人康复" in text
    assert _outline(stock) == _outline(fast)


# No Django in the print workers ----------------------------------------------------------------


def test_the_pdf_worker_modules_print_without_django(tmp_path):
    """What a PDF worker process imports and runs, in a fresh interpreter without Django
    settings: the font folder and the accelerators are handed in, never read from Django."""
    config = pdf_render.current_config()
    script = textwrap.dedent(
        f"""
        import sys
        from budgetapp.exports import pdf_pool, pdf_render
        from budgetapp.exports.pdf_parts import render_part
        from budgetapp.exports.pdf_types import PartSource
        pdf_pool._warm_up(pdf_render.PrintConfig({config.font_dir!r}, frozenset({sorted(config.accelerators)!r})))
        part = render_part(PartSource('<html lang="zh-CN"><body><p>绩效目标</p></body></html>', False))
        assert part.pdf.startswith(b"%PDF") and part.page_count == 1
        loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
        print("django modules:", loaded)
        sys.exit(1 if loaded else 0)
        """
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "django modules: []" in result.stdout
