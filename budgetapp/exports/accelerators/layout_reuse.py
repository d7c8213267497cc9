"""What WeasyPrint works out again and again for the same input while laying out our tables,
worked out once (an accelerator: wrappers, active for the documents laid out inside `reused()`).

- **Line breaks.** WeasyPrint breaks every text into lines with Pango (`split_first_line`):
  for each line it builds a Pango layout, shapes the text and measures it, a fifth of a table's
  print time. The official tables repeat their texts: every project table has the same twenty
  or so header cells (项目编码, 一级指标, 指标值确定依据 …), and values such as 省级标准 or ≥95%
  recur in table after table (53 % of the line breaks of the 张家口 book are a repeat; 42 %
  of those of 50 of the benchmark's tables, even with every value cell made unique). The
  answer depends only on the text, the width it must fit and the font and text properties of
  the box (the properties WeasyPrint's text module reads: `STYLE_PROPERTIES`), so each answer
  is kept per thread and handed out again, across documents. What is handed out is
  WeasyPrint's own answer, the same objects: its layout object holds no Pango state between
  uses (WeasyPrint deactivates it after measuring and builds the Pango layout again when it
  draws the text), so boxes can share it.
  The one thing that would change a shared layout is drawing an ellipsis (`text-overflow:
  ellipsis`, `block-ellipsis`), which print.css never asks for.
- **Drawn lines.** WeasyPrint builds a line's Pango layout again each time it draws it (and
  shapes its text again). A kept line keeps the Pango layout of its first drawing and draws
  with it wherever it is reused. About 5 kB each: at most `MAX_ENTRIES` per thread (about
  27 MB for a thread that has printed that many different lines).
- **Struts** (a line's height and baseline for a style): WeasyPrint caches them by a text key
  it builds from 16 properties on every call; here they are kept by style object for the
  document.

(Keeping `resolve_percentages`' used values by style and containing block was tried too: no
faster, the containing blocks differ too often.)

Styles are WeasyPrint's computed styles, shared by the boxes of elements that style alike and
not changed once computed; the ones used are kept with the document so their ids stay theirs.
tests/test_exports_speed.py prints the demo books with and without all this and compares the
PDFs byte for byte, and checks `STYLE_PROPERTIES` against the installed WeasyPrint's source.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PROVEN_ON", "STYLE_PROPERTIES", "install", "reused", "stats"]

# The versions of the libraries whose internals this wraps (`inline.split_first_line`,
# `inline.strut`, `Layout.reactivate/deactivate`), on which its PDFs were proven byte-identical.
PROVEN_ON = {"weasyprint": "70.0"}


# Every computed property that weasyprint/text/line_break.py and weasyprint/text/fonts.py read
# from a box's style (a test compares this list with the installed WeasyPrint's source).
STYLE_PROPERTIES = (
    "direction",
    "font_family",
    "font_feature_settings",
    "font_kerning",
    "font_language_override",
    "font_size",
    "font_stretch",
    "font_style",
    "font_variant_alternates",
    "font_variant_caps",
    "font_variant_east_asian",
    "font_variant_ligatures",
    "font_variant_numeric",
    "font_variant_position",
    "font_variation_settings",
    "font_weight",
    "hyphenate_character",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphens",
    "lang",
    "letter_spacing",
    "line_height",
    "overflow_wrap",
    "tab_size",
    "text_decoration_line",
    "white_space",
    "word_break",
    "word_spacing",
)
# Answers kept per thread, each with its Pango layout once drawn (a few kB); the oldest half
# is dropped beyond this. A worker printing half of the benchmark's 100 tables keeps 1,000-1,300.
MAX_ENTRIES = 5_000

_local = threading.local()
_install_lock = threading.Lock()


class _Document:
    """The text signature of each style object of one document (styles die with it)."""

    def __init__(self, signatures: dict) -> None:
        self.signatures = signatures  # the thread's: property values -> small number
        self.styles: dict[int, tuple[object, int]] = {}  # id(style) -> (style, number)
        self.struts: dict[int, tuple[object, tuple]] = {}  # id(style) -> (style, strut)

    def signature(self, style) -> int:
        known = self.styles.get(id(style))
        if known is not None:
            return known[1]
        values = tuple(style[name] for name in STYLE_PROPERTIES)
        try:
            number = self.signatures.setdefault(values, len(self.signatures))
        except TypeError:  # a value WeasyPrint keeps in a list: compare its text instead
            number = self.signatures.setdefault(repr(values), len(self.signatures))
        self.styles[id(style)] = (style, number)  # the style is kept, so its id stays its own
        return number


def install() -> None:
    """Wrap WeasyPrint's line breaking, struts and line drawing (idempotent; the wrappers do
    what WeasyPrint does outside `reused()`)."""
    from weasyprint.layout import inline

    with _install_lock:
        if getattr(inline.split_first_line, "budgetapp_reuse", False):
            return
        original = inline.split_first_line

        def split_first_line(
            text,
            style,
            context,
            max_width,
            justification_spacing,
            is_line_start=True,
            minimum=False,
        ):
            document = getattr(_local, "document", None)
            if document is None:
                return original(
                    text, style, context, max_width, justification_spacing, is_line_start, minimum
                )
            key = (
                document.signature(style),
                text,
                max_width,
                justification_spacing,
                is_line_start,
                minimum,
            )
            lines = _local.lines
            answer = lines.get(key)
            if answer is not None:
                _local.reuses += 1
            else:
                answer = original(
                    text, style, context, max_width, justification_spacing, is_line_start, minimum
                )
                answer[0].budgetapp_kept = True  # its drawing is kept too
                if len(lines) >= MAX_ENTRIES:
                    for old in list(lines)[: MAX_ENTRIES // 2]:
                        del lines[old]
                lines[key] = answer
            return answer

        split_first_line.budgetapp_reuse = True
        split_first_line.__wrapped__ = original
        inline.split_first_line = split_first_line

        original_strut = inline.strut

        def strut(style):
            document = getattr(_local, "document", None)
            if document is None:
                return original_strut(style)
            known = document.struts.get(id(style))
            if known is None:
                known = document.struts[id(style)] = (style, original_strut(style))
            return known[1]

        strut.__wrapped__ = original_strut
        inline.strut = strut
        _keep_drawn_layouts()


def _keep_drawn_layouts() -> None:
    """A kept line is drawn wherever it is reused: WeasyPrint builds its Pango layout again
    for each drawing (`reactivate`) and lets it go after (`deactivate`). For a kept line the
    first drawing's Pango layout is kept with it and used again: the same text, style and
    spacing (that is the key it was kept by), so the same glyphs."""
    from weasyprint.text.line_break import Layout

    original_reactivate, original_deactivate = Layout.reactivate, Layout.deactivate

    def reactivate(self, style):
        drawn = getattr(self, "budgetapp_drawn", None)
        if drawn is not None:
            self.layout, self.language = drawn
            self.style = style
            return
        original_reactivate(self, style)
        if getattr(self, "budgetapp_kept", False):
            self.budgetapp_drawing = True

    def deactivate(self):
        if getattr(self, "budgetapp_drawing", False):
            self.budgetapp_drawn = (self.layout, self.language)
            self.budgetapp_drawing = False
        original_deactivate(self)

    Layout.reactivate, Layout.deactivate = reactivate, deactivate


@contextmanager
def reused(active: bool = True) -> Iterator[None]:
    """Reuse line breaks and struts while laying out one document in this thread (when
    `active`); its kept lines are drawn with their kept Pango layouts whenever it is drawn."""
    if not active:
        yield
        return
    install()
    if not hasattr(_local, "lines"):
        forget()
    outer = getattr(_local, "document", None)
    _local.document = _Document(_local.signatures)
    try:
        yield
    finally:
        _local.document = outer


def stats() -> tuple[int, int]:
    """(answers kept, answers handed out again) in this thread since `forget()`."""
    return len(getattr(_local, "lines", ())), getattr(_local, "reuses", 0)


def forget() -> None:
    """Drop this thread's kept answers."""
    _local.lines, _local.signatures, _local.reuses = {}, {}, 0
