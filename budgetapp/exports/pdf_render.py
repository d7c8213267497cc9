"""Printing with WeasyPrint: the print stylesheets, the font configuration and URL fetcher kept
per thread, and `render_document`, which lays out the single-table PDF and every book part.

How a process prints is a `PrintConfig`: where the print font is built and which accelerators
are on. The Django process decides it at start-up (`exports.apps`) and hands it to the PDF
worker processes, which never read Django's settings.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import threading
import weakref
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import accelerators, print_fonts
from .accelerators import font_deferral, grid_lines, layout_reuse, print_html
from .print_markup import uses_print_vocabulary

PRINT_CSS = Path(__file__).resolve().parent / "print.css"
# Both the single-table PDF and the book's parts are printed with these options.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
# A part leaves the footer to the assembler: page numbers run across the whole book.
PART_CSS = "@page { @bottom-center { content: none } }"
# Every part but the book's first starts where a page break would have left the table: below
# the body's top margin, which only the first page of a book has.
CONTINUED_PART_CSS = "body { margin-top: 0 }"

_local = threading.local()


@dataclass(frozen=True)
class PrintConfig:
    """How this process prints: decided where Django's settings are read, passed to workers."""

    font_dir: str | None  # EXPORT_FONT_DIR, where `build_print_fonts` put the print font
    accelerators: frozenset[str]  # the accelerators on (checked by the deciding process)


_font_dir: str | None = None


def configure(config: PrintConfig) -> None:
    """Print as `config` says from now on, in this process."""
    global _font_dir
    accelerators.adopt(config.accelerators)
    _font_dir = config.font_dir


def current_config() -> PrintConfig:
    return PrintConfig(_font_dir, accelerators.active_names())


def print_font_files() -> list[Path]:
    """The print font files WeasyPrint is given (none: Noto Serif CJK SC, as Fontconfig has it)."""
    return [] if _font_dir is None else print_fonts.installed(Path(_font_dir))


def signature() -> str:
    """What the printed bytes depend on besides the HTML and the libraries' versions: the
    stylesheets, the accelerators on, the print font (part of the export cache's key)."""
    css = hashlib.sha256(_print_css(grid_lines_drawn()).encode()).hexdigest()[:16]
    fonts = f"print {print_fonts.CHARSET_VERSION}" if print_font_files() else "full"
    on = ",".join(sorted(accelerators.active_names())) or "none"
    return f"css {css}/{PART_CSS}/{CONTINUED_PART_CSS}/fonts {fonts}/accelerators {on}"


# WeasyPrint setup shared with the single-table PDF ----------------------------------------


def grid_lines_drawn() -> bool:
    return accelerators.active("grid_lines")


# Stylesheets after which `render_document` draws the grids' lines (they leave the borders out).
_LINE_SHEETS: weakref.WeakSet = weakref.WeakSet()


@cache
def _print_css(lines_drawn: bool) -> str:
    """print.css (CSS borders: the stock grid), with the grid accelerator's rules when it draws
    the lines itself."""
    css = PRINT_CSS.read_text(encoding="utf-8")
    return f"{css}\n{grid_lines.CSS}" if lines_drawn else css


def stylesheet():
    """print.css, parsed once per process (per accelerator setting): it never changes."""
    return _stylesheet(grid_lines_drawn())


def part_stylesheet(continued: bool):
    """print.css with a part's own rules, as one stylesheet: WeasyPrint matches every element
    against every stylesheet, so one sheet rather than three saves a pass per element."""
    return _part_stylesheet(continued, grid_lines_drawn())


@cache
def _stylesheet(lines_drawn: bool):
    return _css([_print_css(lines_drawn)], lines_drawn)


@cache
def _part_stylesheet(continued: bool, lines_drawn: bool):
    rules = [_print_css(lines_drawn), PART_CSS]
    if continued:
        rules.append(CONTINUED_PART_CSS)
    return _css(rules, lines_drawn)


def _css(rules: list[str], lines_drawn: bool):
    from weasyprint import CSS

    sheet = CSS(string="\n".join(rules), url_fetcher=url_fetcher())
    if lines_drawn:
        _LINE_SHEETS.add(sheet)
    return sheet


def font_config():
    """One font configuration per thread, kept for the life of the process (while the print
    font's folder stays the same), with the print font registered.

    WeasyPrint otherwise builds a new one (loading Fontconfig's font list) for every document,
    about a sixth of the time of a one-page table. Pango font maps are not thread-safe, hence
    one per thread rather than one per process.
    """
    from weasyprint.text.fonts import FontConfiguration

    key = _font_dir
    if getattr(_local, "font_config_key", None) != key:
        configuration = FontConfiguration()
        print_fonts.register(configuration, print_font_files())
        # Lines kept by this thread were laid out and drawn with the fonts of the old one.
        layout_reuse.forget()
        _local.font_config, _local.font_config_key = configuration, key
    return _local.font_config


def forget_font_config() -> None:
    """Let this thread's font configuration go now. WeasyPrint copies the print font into a
    temporary folder of the configuration (@font-face) and removes it when the configuration is
    deleted, which fails once Python is shutting down: so at exit, before that."""
    layout_reuse.forget()  # kept lines hold on to the documents they were laid out in
    for name in ("font_config", "font_config_key"):
        if hasattr(_local, name):
            delattr(_local, name)
    gc.collect()


atexit.register(forget_font_config)


def url_fetcher():
    """A fetcher refusing every URL: the documents reference nothing outside themselves, so no
    typed text can ever make the server fetch a file or a web address.

    One per thread (it keeps the request it is handling): building one sets up urllib's
    handlers and an SSL context, half a percent of a table's print time.
    """
    from weasyprint.urls import URLFetcher

    if getattr(_local, "url_fetcher", None) is None:
        _local.url_fetcher = URLFetcher(allowed_protocols=())
    return _local.url_fetcher


def render_document(html: str, *stylesheets):
    """The laid-out document of `html`, with print.css unless other stylesheets are given."""
    from weasyprint import HTML

    sheets = list(stylesheets or [stylesheet()])
    if accelerators.active("font_deferral"):
        font_deferral.install()
    ours = uses_print_vocabulary(html)
    html_class = HTML
    if ours and accelerators.active("print_html"):
        html_class = print_html.print_html_class()
    # Our markup with our stylesheet: the line breaks of repeated texts are reused.
    with layout_reuse.reused(active=ours and accelerators.active("layout_reuse")):
        document = html_class(string=html, url_fetcher=url_fetcher()).render(
            stylesheets=sheets, font_config=font_config(), **PDF_OPTIONS
        )
    if any(sheet in _LINE_SHEETS for sheet in sheets):
        grid_lines.draw_grid_lines(document)  # the stylesheet left the grids' lines to us
    return document
