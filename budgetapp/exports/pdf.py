"""PDF of the official layouts, printed with WeasyPrint from the HTML of `layouts/html.py`.

The markup is the one the table page shows; only the stylesheet (`print.css`) is the exports
app's own. Tagged PDF/UA-1 with the document language zh-CN, so screen readers and the
Simplified Chinese glyphs of Noto Serif CJK are chosen; fonts are embedded as subsets.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

from budgetapp.layouts.html import render_html

from .book import Book

PRINT_CSS = Path(__file__).resolve().parent / "print.css"

_local = threading.local()


@cache
def _stylesheet():
    # Parsed once per process: the stylesheet never changes while the app runs.
    from weasyprint import CSS

    return CSS(filename=str(PRINT_CSS), url_fetcher=_url_fetcher())


def _font_config():
    """One font configuration per thread, kept for the life of the process.

    WeasyPrint otherwise builds a new one (loading Fontconfig's font list) for every document,
    about a sixth of the time of a one-page table. Pango font maps are not thread-safe, hence
    one per thread rather than one per process.
    """
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    # The documents reference nothing outside themselves; refuse every URL so no typed text can
    # ever make the server fetch a file or a web address.
    return URLFetcher(allowed_protocols=())


def book_html(book: Book) -> str:
    """The whole printable HTML page of a book (also handy to look at in a browser)."""
    parts = [
        {"heading": part.heading, "documents": [render_html(e.document) for e in part.entries]}
        for part in book.parts
    ]
    return render_to_string("exports/book.html", {"book": book, "parts": parts})


def render_pdf(book: Book) -> bytes:
    # Imported here: WeasyPrint loads Pango and HarfBuzz, which only exports need.
    from weasyprint import HTML

    document = HTML(string=book_html(book), url_fetcher=_url_fetcher())
    return document.write_pdf(
        stylesheets=[_stylesheet()], font_config=_font_config(), pdf_variant="pdf/ua-1"
    )
