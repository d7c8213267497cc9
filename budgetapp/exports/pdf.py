"""PDF of the official layouts, printed with WeasyPrint from the HTML of `layouts/html.py`.

The markup is the one the table page shows; only the stylesheet (`print.css`) is the exports
app's own. Tagged PDF/UA-1 with the document language zh-CN, so screen readers and the
Simplified Chinese glyphs of Noto Serif CJK are chosen; fonts are embedded as subsets.

One table is printed in one go. A book is printed one table at a time (`pdf_parts.py`): each
table's part is cached by its content (`cache.py`), the missing ones are printed on every core,
and the parts are joined into the book (`pdf_assemble.py`) with its outline, one subset of each
font and page numbers running across the book. So a book where one table changed prints that
table only, and a large book prints in parallel.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from budgetapp.core import process
from budgetapp.layouts.html import render_html

from . import cache, pdf_footer, pdf_pool, pdf_render
from .book import Book, BookEntry
from .pdf_types import FontUnavailable, PartSource, RenderedPart

logger = logging.getLogger(__name__)


def _printable(document) -> SafeString:
    # The cell anchors of the table page (`data-anchor="indicator:12"`) mean nothing on paper;
    # WeasyPrint would still parse one per cell.
    return render_html(document, anchors=False, inline_widths=True)


# Line breaks between tags: WeasyPrint makes a box of each (then finds it collapses to
# nothing), about 4 % of a table's print time. The print vocabulary has no white space that
# shows between tags: captions and cells hold their text inside one element, typed text is
# escaped (a `>` or `<` in it is an entity), and a white-space-only cell prints empty either way.
_BETWEEN_TAGS = re.compile(r">\s+<")


def _compact(html: str) -> str:
    return _BETWEEN_TAGS.sub("><", html)


def book_html(book: Book) -> str:
    """The whole printable HTML page of a book (also handy to look at in a browser)."""
    parts = [
        {"heading": part.heading, "documents": [_printable(e.document) for e in part.entries]}
        for part in book.parts
    ]
    return _compact(render_to_string("exports/book.html", {"book": book, "parts": parts}))


def part_html(book: Book, heading: str, entry: BookEntry) -> str:
    """One table of a book as its own page: what a part prints (see `pdf_parts`)."""
    parts = [{"heading": heading, "documents": [_printable(entry.document)]}]
    return _compact(render_to_string("exports/book.html", {"book": book, "parts": parts}))


def render_pdf(book: Book, *, progress: Callable[[int], None] | None = None) -> bytes:
    """The book's PDF; `progress(n)` is told each time n more tables are printed."""
    if book.is_single_table or not book.entries():
        return _render_whole(book)
    try:
        return render_book(book, progress=progress)
    except FontUnavailable as error:
        logger.warning("printing %s in one pass: %s", book.filename, error)
        return _render_whole(book, cached=False)


def _render_whole(book: Book, *, cached: bool = True) -> bytes:
    """The book (usually one table) printed in one pass, cached by its HTML."""
    html = book_html(book)
    key = cache.key_for("table", html)
    if cached and (pdf := cache.get_many([key]).get(key)) is not None:
        return pdf
    document = pdf_render.render_document(html)
    pdf = document.write_pdf(**pdf_render.PDF_OPTIONS)
    if cached:
        cache.set_many({key: pdf})
    return pdf


def render_book(book: Book, *, progress: Callable[[int], None] | None = None) -> bytes:
    """Print the parts not in the cache (in parallel when there are several), and join them.

    In book order, each table's part is looked up in the cache or handed to the printer; then
    the parts are joined in order as they come back, while the later ones are still printing.
    """
    from .pdf_assemble import BookAssembler

    printer = pdf_pool.Printer(workers())
    keys: list[str] = []
    parts: dict[str, object] = {}  # key -> RenderedPart (cached) or printer job
    for number, (heading, entry) in enumerate(
        (part.heading if index == 0 else "", entry)
        for part in book.parts
        for index, entry in enumerate(part.entries)
    ):
        source = PartSource(part_html(book, heading, entry), continued=number > 0)
        key = cache.key_for("part-continued" if source.continued else "part", source.html)
        keys.append(key)
        if key not in parts:
            parts[key] = cache.get_many([key]).get(key) or printer.print(source)
    with BookAssembler() as assembler:
        for key in keys:
            part = parts[key]
            if not isinstance(part, RenderedPart):
                part = parts[key] = printer.result(part)
                cache.set_many({key: part})
            assembler.add(part)
            if progress is not None:
                progress(1)
        return assembler.finish(pdf_footer.footer_layout())


def workers() -> int:
    """Processes printing a book's tables: EXPORT_PDF_WORKERS, or one per CPU (1 = no pool).

    A web process has no pool: it prints one table at a time, in itself (core/process.py), so
    the pool is sized once per deployment, in the task worker, not once per gunicorn worker."""
    if process.is_web():
        return 1
    configured = getattr(settings, "EXPORT_PDF_WORKERS", 0)
    return configured if configured and configured > 0 else pdf_pool.default_workers()
