"""The page footer of a book, measured once per process on print.css's own footer: the
assembler writes `第 N 页 共 M 页` on every page where and in the font WeasyPrint would.

With font deferral on, the footer's font is the book's (subset once with the tables' glyphs);
off, the probe page's own embedded subset, which holds every character a footer can need, is
the footer's font, read from the probe PDF alone.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

import pikepdf

from .accelerators import font_deferral
from .pdf_render import PDF_OPTIONS, PrintConfig, current_config, render_document, stylesheet
from .pdf_types import FontUnavailable, FontUse

# The footer the assembler writes on every page of a book: print.css's @bottom-center content
# ("第 " counter(page) " 页 共 " counter(pages) " 页"), which a part does not print.
PAGE_FOOTER = "第 {page} 页 共 {pages} 页"
# Characters the footer can need, all looked up in the footer's font once per process.
FOOTER_CHARACTERS = "第页共 0123456789"


@dataclass(frozen=True)
class FooterLayout:
    """Where and in what font the page footer goes, measured on print.css's own footer."""

    font_hash: str
    font: FontUse
    size: float  # points
    center_x: float  # points from the left edge
    baseline_y: float  # points from the bottom edge
    glyphs: dict[str, int]  # character -> glyph id
    probe: bytes  # the PDF measured: its font dictionary serves a book none of whose tables
    # uses the footer's font, or whose fonts are not deferred
    shared: bool = True  # a deferred font: subset once for the book with the tables' glyphs


def footer_layout() -> FooterLayout:
    """Print an empty page whose footer holds every character a footer can need, and measure it.

    The footer keeps print.css's font, size and position; only its text is replaced, and it is
    centred, so its centre is the centre of any footer. Once per process and configuration.
    """
    return _footer_layout(current_config())


@cache
def _footer_layout(config: PrintConfig) -> FooterLayout:
    from weasyprint import CSS

    probe = CSS(string=f'@page {{ @bottom-center {{ content: "{FOOTER_CHARACTERS}" }} }}')
    with font_deferral.deferring() as deferred:
        document = render_document(
            '<html lang="zh-CN"><body class="export-book"></body></html>', stylesheet(), probe
        )
        pdf = document.write_pdf(**PDF_OPTIONS)
    with pikepdf.open(io.BytesIO(pdf)) as parsed:
        page = parsed.pages[0]
        runs = _text_runs(page)
        if len(runs) != 1:
            raise FontUnavailable(f"the footer probe printed {len(runs)} text runs")
        font_name = runs[0][0]
        if font_name in deferred:
            use = font_deferral.font_uses(document, deferred)[font_name]
        else:
            use = _font_use(page.Resources.Font[pikepdf.Name("/" + font_name)])
    font_name, size, x, y, codes, adjustments = runs[0]
    glyphs = {use.to_unicode.get(code, ""): code for code in codes}
    if any(character not in glyphs for character in FOOTER_CHARACTERS):
        raise FontUnavailable("the footer's font lacks a character of the footer")
    advance = (sum(use.widths.get(code, 0) for code in codes) - sum(adjustments)) / 1000 * size
    shared = font_name in deferred
    return FooterLayout(font_name, use, size, x + advance / 2, y, glyphs, pdf, shared)


def _font_use(font) -> FontUse:
    """Glyph widths and text of an embedded Type 0 font, from its /W array and ToUnicode CMap."""
    use = FontUse(family=str(font.get("/BaseFont", "")).lstrip("/"), weight=400, style=0)
    items = list(font.DescendantFonts[0].get("/W", []))
    index = 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], pikepdf.Array):  # first [w1 w2 …]
            for offset, width in enumerate(items[index + 1]):
                use.widths[first + offset] = float(width)
            index += 2
        else:  # first last width
            for glyph in range(first, int(items[index + 1]) + 1):
                use.widths[glyph] = float(items[index + 2])
            index += 3
    cmap = font.ToUnicode.read_bytes().decode("latin-1") if "/ToUnicode" in font else ""
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for glyph, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            use.to_unicode[int(glyph, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, text in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(text, 16)
            for offset, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                use.to_unicode[glyph] = chr(start + offset)
    return use


def _text_runs(page) -> list[tuple[str, float, float, float, list[int], list[float]]]:
    """(font, size in points, x, y, glyph ids, TJ adjustments) of each text run of a page."""

    def multiply(m, n):
        a, b, c, d, e, f = m
        a2, b2, c2, d2, e2, f2 = n
        return (
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        )

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    ctm, stack, text_matrix, font, size = identity, [], identity, "", 0.0
    runs = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = multiply(tuple(float(v) for v in operands), ctm)
        elif op == "BT":
            text_matrix = identity
        elif op == "Tm":
            text_matrix = tuple(float(v) for v in operands)
        elif op == "Tf":
            font, size = str(operands[0]).lstrip("/"), float(operands[1])
        elif op in ("TJ", "Tj"):
            items = list(operands[0]) if op == "TJ" else [operands[0]]
            codes, adjustments = [], []
            for item in items:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    codes += [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                else:
                    adjustments.append(float(item))
            a, b, c, d, e, f = multiply(text_matrix, ctm)
            if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
                raise FontUnavailable("the footer is not upright")
            runs.append((font, size * d, e, f, codes, adjustments))
    return runs
