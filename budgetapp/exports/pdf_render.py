"""Printing with WeasyPrint: the print stylesheets, the font configuration and URL fetcher kept
per thread, and `render_document`, which lays out the single-table PDF and every book part.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from . import print_fonts
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


# WeasyPrint setup shared with the single-table PDF ----------------------------------------


@cache
def stylesheet():
    """print.css, parsed once per process: it never changes while the app runs."""
    from weasyprint import CSS

    return CSS(filename=str(PRINT_CSS), url_fetcher=url_fetcher())


@cache
def part_stylesheet(continued: bool):
    """print.css with a part's own rules, as one stylesheet: WeasyPrint matches every element
    against every stylesheet, so one sheet rather than three saves a pass per element."""
    from weasyprint import CSS

    rules = [PRINT_CSS.read_text(encoding="utf-8"), PART_CSS]
    if continued:
        rules.append(CONTINUED_PART_CSS)
    return CSS(string="\n".join(rules), url_fetcher=url_fetcher())


def font_config():
    """One font configuration per thread, kept for the life of the process.

    WeasyPrint otherwise builds a new one (loading Fontconfig's font list) for every document,
    about a sixth of the time of a one-page table. Pango font maps are not thread-safe, hence
    one per thread rather than one per process.
    """
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        configuration = FontConfiguration()
        print_fonts.register(configuration)
        _local.font_config = configuration
    return _local.font_config


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

    font_deferral.install()
    ours = uses_print_vocabulary(html)
    html_class = print_html.print_html_class() if ours else HTML
    # Our markup with our stylesheet: the line breaks of repeated texts are reused.
    with layout_reuse.reused(active=ours):
        document = html_class(string=html, url_fetcher=url_fetcher()).render(
            stylesheets=list(stylesheets or [stylesheet()]),
            font_config=font_config(),
            **PDF_OPTIONS,
        )
    grid_lines.draw_grid_lines(document)  # print.css leaves the grids' lines to us
    return document
