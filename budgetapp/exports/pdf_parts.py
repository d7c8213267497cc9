"""Printing one table of a book with WeasyPrint: a *part*.

A book is printed one table at a time so each table can be cached on its own (keyed by its
content, see `cache.py`) and so the tables of a large book print on every core (`pdf_pool.py`).
A part is one table's PDF (with its part heading when it opens a part) without the page footer,
plus what the assembler (`pdf_assemble.py`) needs to join parts into the book: the page count,
the bookmarks with their levels, and the glyphs each deferred font used
(`accelerators/font_deferral.py`).

This module must not use Django: the worker processes only import it and WeasyPrint.
"""

from __future__ import annotations

import hashlib
from functools import partial

from .accelerators import font_deferral
from .pdf_render import PDF_OPTIONS, part_stylesheet, render_document
from .pdf_types import Bookmark, PartSource, RenderedPart


def render_part(source: PartSource) -> RenderedPart:
    """Print one part: a table (with its part heading if it opens a part), without the footer."""
    with font_deferral.deferring() as deferred:
        document = render_document(source.html, part_stylesheet(source.continued))
        prefix = hashlib.sha256(source.html.encode()).hexdigest()[:12]
        pdf = document.write_pdf(finisher=partial(_unique_header_ids, prefix), **PDF_OPTIONS)
    fonts = font_deferral.font_uses(document, deferred) if deferred else {}
    bookmarks = []
    for number, page in enumerate(document.pages):
        for level, label, (x, y), state in page.bookmarks:
            # WeasyPrint's own transformation: CSS px from the top-left to PDF points.
            bookmarks.append(
                Bookmark(
                    number, level, label, x * 0.75, (page.height - y) * 0.75, state != "closed"
                )
            )
    return RenderedPart(pdf, len(document.pages), bookmarks, fonts)


def _unique_header_ids(prefix: str, document, pdf) -> None:
    """Make the IDs of table header cells unique in a book (a WeasyPrint `finisher`).

    WeasyPrint names a header cell `<object number>-<row>-<column>` and lists those names in
    the `/Headers` of the data cells; object numbers restart in every part, so the parts of a
    book would share names. Prefixed with a hash of the part's HTML, they do not.
    """
    import pydyf

    def renamed(value):
        return pydyf.String(f"{prefix}-{value.string}")

    for element in pdf.objects:
        if not isinstance(element, dict) or element.get("Type") != "/StructElem":
            continue
        if isinstance(element.get("ID"), pydyf.String):
            element["ID"] = renamed(element["ID"])
        attributes = element.get("A")
        if isinstance(attributes, dict) and "Headers" in attributes:
            attributes["Headers"] = pydyf.Array(renamed(h) for h in attributes["Headers"])
