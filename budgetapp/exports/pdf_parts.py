"""Printing one table of a book with WeasyPrint, in this process or in a pool of workers.

A book is printed one table at a time so each table can be cached on its own (keyed by its
content, see `cache.py`) and so the tables of a large book print on every core. A *part* is one
table's PDF (with its part heading when it opens a part) without the page footer, plus what the
assembler (`pdf_assemble.py`) needs to join parts into the book: the page count, the bookmarks
with their levels, and the glyphs each font used.

Fonts are the one thing a part leaves undone. WeasyPrint embeds a subset of each font in every
PDF it writes; for a CJK font that subset costs a fixed ~20 ms and ~150 KB however few glyphs
are used, so a hundred parts would each carry their own. Instead a part records the glyphs it
uses and embeds a placeholder; the assembler subsets each font once for the whole book (the
glyph ids are the font's own, WeasyPrint keeps them when subsetting, so the parts' text needs
no change). Fonts that cannot be deferred (variable or colour fonts, glyphs missing from the
font, no HarfBuzz subsetter) are embedded in the part as usual and kept as they are.

This module must not use Django: the worker processes only import it and WeasyPrint.
"""

from __future__ import annotations

import atexit
import contextvars
import gc
import hashlib
import logging
import multiprocessing
import os
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from . import grid_lines, layout_reuse, print_fonts

logger = logging.getLogger(__name__)

PRINT_CSS = Path(__file__).resolve().parent / "print.css"
# Both the single-table PDF and the book's parts are printed with these options.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
# A part leaves the footer to the assembler: page numbers run across the whole book.
PART_CSS = "@page { @bottom-center { content: none } }"
# Every part but the book's first starts where a page break would have left the table: below
# the body's top margin, which only the first page of a book has.
CONTINUED_PART_CSS = "body { margin-top: 0 }"
# The footer the assembler writes on every page of a book: print.css's @bottom-center content
# ("第 " counter(page) " 页 共 " counter(pages) " 页"), which a part does not print.
PAGE_FOOTER = "第 {page} 页 共 {pages} 页"
# Characters the footer can need, all looked up in the footer's font once per process.
FOOTER_CHARACTERS = "第页共 0123456789"

_local = threading.local()
# While set (to a dict), fonts met by WeasyPrint's font embedding are deferred and recorded there.
_deferring: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "budgetapp_defer_fonts", default=None
)
# Fonts this process has met, by WeasyPrint's font hash: their HarfBuzz face subsets the book.
_faces: dict[str, object] = {}
_faces_lock = threading.Lock()


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

    install_font_deferral()
    ours = uses_print_vocabulary(html)
    html_class = _print_html_class() if ours else HTML
    # Our markup with our stylesheet: the line breaks of repeated texts are reused.
    with layout_reuse.reused(active=ours):
        document = html_class(string=html, url_fetcher=url_fetcher()).render(
            stylesheets=list(stylesheets or [stylesheet()]),
            font_config=font_config(),
            **PDF_OPTIONS,
        )
    grid_lines.draw_grid_lines(document)  # print.css leaves the grids' lines to us
    return document


# The user-agent stylesheet -----------------------------------------------------------------
#
# WeasyPrint matches every element against every rule of its user-agent stylesheet (HTML's
# default styles: forms, lists, right-to-left text, links, footnotes …), about an eighth of
# the time of a table. What the exports print is one closed vocabulary: the markup of
# layouts/html.py inside templates/exports/book.html, typed text always escaped. Printed with
# the rules of WeasyPrint's stylesheet that can apply to that vocabulary (the others cannot
# match), it comes out the same (tests/test_exports_speed.py compares both); any other markup
# gets WeasyPrint's whole stylesheet.

PRINT_ELEMENTS = frozenset({
    "html", "head", "meta", "title", "body", "section", "article", "div", "p", "span", "br",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
})  # fmt: skip
PRINT_ATTRIBUTES = frozenset(
    ["lang", "class", "style", "scope", "colspan", "rowspan", "charset", "name", "content"]
)
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/"'<>]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def uses_print_vocabulary(html: str) -> bool:
    """Whether `html` uses only the elements and attributes of PRINT_ELEMENTS/ATTRIBUTES."""
    for name, attributes in _TAG.findall(html):
        if name.lower() not in PRINT_ELEMENTS:
            return False
        for attribute in _ATTRIBUTE.findall(attributes.rstrip("/")):
            if attribute.lower() not in PRINT_ATTRIBUTES:
                return False
    return True


@cache
def _print_html_class():
    import cssselect2
    import weasyprint
    from weasyprint import HTML

    sheet = _print_user_agent_stylesheet()
    if sheet is None or not hasattr(HTML, "_ua_stylesheets"):
        return HTML
    find_base_url = getattr(weasyprint, "_find_base_url", None)

    class PrintHTML(HTML):
        def __init__(self, *, string: str, url_fetcher, **kwargs) -> None:
            tree = parse_print_html(string) if find_base_url and not kwargs else None
            if tree is None:
                super().__init__(string=string, url_fetcher=url_fetcher, **kwargs)
                return
            # What HTML.__init__ does after parsing.
            self.base_url = find_base_url(tree, None)
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                tree, content_language=None
            )
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms=False):
            return [sheet]

    return PrintHTML


# Parsing the print vocabulary -----------------------------------------------------------------
#
# WeasyPrint parses HTML with tinyhtml5, a pure-Python HTML5 parser: about a tenth of the time
# of a table. The exports' markup is generated, well formed and closed (see above), so expat
# (C) parses it, once the void elements are closed, into the very tree tinyhtml5 builds. The
# few places where an HTML5 parser builds something else than the markup says (implied or
# moved elements, named entities, white space outside <body>) are either repaired the way
# HTML5 does it or make this parser give up, and tinyhtml5 parses the document as usual.
# tests/test_exports_speed.py compares both trees for every layout.

_VOID = re.compile(r"<(meta|br|col)(\s[^<>]*)?>")
_DOCUMENT = re.compile(
    r"\A<!DOCTYPE html>\s*(<html[\s>].*</body>)(\s*)</html>(\s*)\Z", re.DOTALL | re.IGNORECASE
)
_BREAK_IN_TAG = re.compile(r"<[^<>]*[\t\n\r][^<>]*>")
_PHRASING = frozenset({"span", "br"})
_CONTAINS = {  # element -> the only children HTML5 leaves where the markup puts them
    "html": {"head", "body"},
    "head": {"meta", "title"},
    "table": {"caption", "colgroup", "thead", "tbody", "tfoot"},
    "colgroup": {"col"},
    "thead": {"tr"},
    "tbody": {"tr"},
    "tfoot": {"tr"},
    "tr": {"th", "td"},
    "p": _PHRASING,
    "caption": _PHRASING | {"p", "div"},
    "span": _PHRASING,
    "title": set(),
    "meta": set(),
    "col": set(),
    "br": set(),
    **{f"h{level}": _PHRASING for level in range(1, 7)},
}
# Elements HTML5 keeps only inside these parents (elsewhere it drops or moves them).
_PARENTS = {
    "head": {"html"},
    "body": {"html"},
    "caption": {"table"},
    "colgroup": {"table"},
    "thead": {"table"},
    "tbody": {"table"},
    "tfoot": {"table"},
    "col": {"colgroup"},
    "tr": {"thead", "tbody", "tfoot"},
    "th": {"tr"},
    "td": {"tr"},
}
# Text (not only white space) is moved out of these by HTML5.
_NO_TEXT = frozenset({"html", "head", "table", "colgroup", "thead", "tbody", "tfoot", "tr"})


def parse_print_html(html: str):
    """The element tree of a document of the print vocabulary, as tinyhtml5 would build it
    (without namespaces), or None when only an HTML5 parser can tell."""
    import xml.etree.ElementTree as ElementTree

    match = _DOCUMENT.match(html)
    if match is None:
        return None
    markup, after_body, after_html = match.groups()
    if _BREAK_IN_TAG.search(markup):  # XML would turn a line break in an attribute into a space
        return None
    markup = _VOID.sub(lambda m: f"<{m[1]}{(m[2] or '').rstrip('/')}/>", markup) + "</html>"
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError:  # an HTML entity, a control character, stray markup
        return None
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"]:
        return None
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag != tag.lower() or tag not in PRINT_ELEMENTS:
            return None
        allowed = _CONTAINS.get(tag)
        if allowed is not None and any(child.tag not in allowed for child in element):
            return None
        if any(tag not in _PARENTS.get(child.tag, (tag,)) for child in element):
            return None
        if tag in _NO_TEXT and (
            (element.text or "").strip(_HTML_SPACE)
            or any((child.tail or "").strip(_HTML_SPACE) for child in element)
        ):
            return None
    head, body = root
    # HTML5 drops the white space before <head> and appends what follows </body> to the body.
    root.text = None
    trailing = (body.tail or "") + after_body + after_html
    body.tail = None
    if trailing:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + trailing
        else:
            body.text = (body.text or "") + trailing
    return root


_HTML_SPACE = " \t\n\f\r"


@cache
def _print_user_agent_stylesheet():
    """WeasyPrint's user-agent stylesheet less the selectors that cannot match PRINT_ELEMENTS
    without other attributes: attribute selectors, pseudo-classes and pseudo-elements (but
    `br::before`, the line break), other elements. Rules keep their order."""
    import tinycss2
    from weasyprint import CSS

    try:
        from weasyprint.html import UA, UA_COUNTER_STYLE
    except ImportError:  # pragma: no cover - another WeasyPrint
        return None

    def kept(selector: str) -> bool:
        if selector == "br::before":
            return True
        if "[" in selector or ":" in selector:
            return False
        names = re.findall(r"(?:^|[\s>+~])([A-Za-z][A-Za-z0-9-]*)", selector)
        return all(name.lower() in PRINT_ELEMENTS for name in names)

    rules = []
    for rule in tinycss2.parse_stylesheet(UA, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(tinycss2.serialize(rule.prelude)) if kept(s)]
            if selectors:
                rules.append(f"{', '.join(selectors)} {{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "counter-style":
            # Counter styles are registered already (UA_COUNTER_STYLE is shared).
            rules.append(rule.serialize())
    return CSS(string="\n".join(rules), counter_style=UA_COUNTER_STYLE)


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(…))."""
    selectors, depth, current = [], 0, []
    for character in prelude:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            selectors.append("".join(current).strip())
            current = []
        else:
            current.append(character)
    selectors.append("".join(current).strip())
    return [selector for selector in selectors if selector]


# Parts ----------------------------------------------------------------------------------------


@dataclass
class FontUse:
    """A font a part used without embedding it: how to find it again and which glyphs it needs."""

    family: str
    weight: int
    style: int
    to_unicode: dict[int, str] = field(default_factory=dict)  # glyph id -> text
    widths: dict[int, float] = field(default_factory=dict)  # glyph id -> advance (1/1000 em)


@dataclass
class Bookmark:
    page: int  # 0-based, in the part
    level: int  # CSS bookmark-level
    label: str
    x: float  # destination, in PDF points from the bottom-left corner
    y: float
    open: bool = True


@dataclass
class RenderedPart:
    pdf: bytes
    page_count: int
    bookmarks: list[Bookmark]
    fonts: dict[str, FontUse]  # deferred fonts by WeasyPrint's font hash (the resource name)


@dataclass(frozen=True)
class PartSource:
    html: str
    continued: bool  # not the book's first part


def render_part(source: PartSource) -> RenderedPart:
    """Print one part: a table (with its part heading if it opens a part), without the footer."""
    install_font_deferral()
    deferred: dict = {}
    token = _deferring.set(deferred)
    try:
        document = render_document(source.html, part_stylesheet(source.continued))
        prefix = hashlib.sha256(source.html.encode()).hexdigest()[:12]
        pdf = document.write_pdf(finisher=partial(_unique_header_ids, prefix), **PDF_OPTIONS)
    finally:
        _deferring.reset(token)
    fonts: dict[str, FontUse] = {}
    for font in document.fonts.values():
        if font.hash not in deferred:
            continue
        use = fonts.setdefault(
            font.hash, FontUse(family=font.family, weight=int(font.weight), style=int(font.style))
        )
        use.to_unicode.update(font.to_unicode)
        use.widths.update(font.widths)
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


# Deferred font subsetting -------------------------------------------------------------------


def install_font_deferral() -> None:
    """Wrap two methods of WeasyPrint's `Font` (idempotent):

    - `__init__` does not copy the whole font file (26 MB for a CJK collection, copied for
      every document) but only its first bytes, which tell its type: HarfBuzz subsets the
      face, not the copy. The file is read after all for a font that needs it (variable,
      colour or bitmap fonts, a font not subset, a subset that failed);
    - while `_deferring` is set, `clean` records plain fonts and embeds an empty placeholder
      instead of their subset.
    """
    from weasyprint.pdf import fonts

    with _faces_lock:
        if not getattr(fonts.Font.clean, "budgetapp_deferral", False):
            _wrap_font(fonts)


def _wrap_font(fonts) -> None:
    original_init, original_clean = fonts.Font.__init__, fonts.Font.clean
    read_face = fonts.get_hb_object_data

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None and glyph is None and getattr(_local, "reading_font", False):
            return _face_head(hb_object)
        return read_face(hb_object, ot_color, glyph)

    def __init__(self, *args, **kwargs):
        if not deferral_supported():
            return original_init(self, *args, **kwargs)
        _local.reading_font = True
        try:
            original_init(self, *args, **kwargs)
        finally:
            _local.reading_font = False
        self.budgetapp_head_only = True
        if self.bitmap or "fvar" in self.tables or self.png or self.svg or self.colr:
            _read_whole_font(self, read_face)

    def clean(self, to_unicode, hinting):
        deferred = _deferring.get()
        if deferred is not None and to_unicode and _deferrable(self):
            with _faces_lock:
                _faces.setdefault(self.hash, self)
            deferred[self.hash] = self
            # The assembler replaces the program (and says whether it is OpenType or TrueType).
            self.file_content = b""
            return None
        if not to_unicode:
            _read_whole_font(self, read_face)
        original_clean(self, to_unicode, hinting)
        if len(self.file_content or b"") <= 4:  # HarfBuzz did not subset: embed the font
            _read_whole_font(self, read_face)
        return None

    clean.budgetapp_deferral = True
    clean.budgetapp_original = original_clean
    fonts.get_hb_object_data = get_hb_object_data
    fonts.Font.__init__ = __init__
    fonts.Font.clean = clean


def _read_whole_font(font, read_face) -> None:
    if getattr(font, "budgetapp_head_only", False):
        font.file_content = read_face(font.hb_face)
        font.budgetapp_head_only = False


def _face_head(hb_face) -> bytes | None:
    """The first bytes of a HarfBuzz face's font file, without copying the rest."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_blob(hb_face)
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        return None if data == ffi.NULL else ffi.unpack(data, min(4, int(length[0])))
    finally:
        harfbuzz.hb_blob_destroy(blob)


@cache
def deferral_supported() -> bool:
    """Whether this WeasyPrint can leave font subsetting to the assembler (else: one pass)."""
    try:
        from weasyprint.pdf import fonts
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except ImportError:  # pragma: no cover - a WeasyPrint without these internals
        return False
    return (
        harfbuzz_subset is not None
        and harfbuzz.hb_version_atleast(4, 1, 0)
        and callable(getattr(fonts.Font, "clean", None))
        and callable(getattr(fonts.Font, "subset", None))
    )


def _deferrable(font) -> bool:
    return (
        deferral_supported()
        and not font.bitmap
        and not font.missing
        and not font.used_in_forms
        and "fvar" not in font.tables
        and not (font.png or font.svg or font.colr)
        and font.file_content[:4] in (b"OTTO", b"\x00\x01\x00\x00", b"true", b"ttcf")
    )


class FontUnavailable(Exception):
    """A font a part used cannot be found again in this process."""


# The last few subsets made: a book printed again (one table changed) mostly needs the same.
_subsets: OrderedDict[tuple[str, str], bytes] = OrderedDict()
SUBSETS_KEPT = 8
_font_locks: dict[str, threading.Lock] = {}


def subset_font(font_hash: str, use: FontUse, glyphs: Iterable[int]) -> bytes:
    """The font `font_hash` subset to `glyphs` (glyph ids kept), as WeasyPrint would embed it."""
    wanted = sorted(glyphs)
    key = (font_hash, hashlib.sha256(array("I", wanted).tobytes()).hexdigest())
    with _faces_lock:
        if key in _subsets:
            _subsets.move_to_end(key)
            return _subsets[key]
    font = _face(font_hash, use)
    from weasyprint.pdf import fonts

    original = getattr(fonts.Font.clean, "budgetapp_original", fonts.Font.clean)
    # One font at a time (the call changes the font object); two fonts at once, since HarfBuzz
    # runs without the GIL.
    with _font_locks.setdefault(font_hash, threading.Lock()):
        # HarfBuzz subsets the face itself; the program WeasyPrint read is no longer needed.
        font.file_content = b""
        original(font, dict.fromkeys(wanted, ""), False)  # hinting off: WeasyPrint's default
        content, font.file_content = font.file_content, b""
    if content[:4] not in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
        raise FontUnavailable(f"could not subset {use.family}")
    with _faces_lock:
        _subsets[key] = content
        while len(_subsets) > SUBSETS_KEPT:
            _subsets.popitem(last=False)
    return content


def forget_subsets() -> None:
    """Drop the subsets kept in this process (the benchmark's cold runs start without them)."""
    with _faces_lock:
        _subsets.clear()


def _face(font_hash: str, use: FontUse):
    """A WeasyPrint font for `font_hash`: one met before, else found by printing a sample."""
    if font_hash not in _faces:
        _probe_font(use)
    try:
        return _faces[font_hash]
    except KeyError:
        raise FontUnavailable(f"font {use.family} ({font_hash}) not found") from None


def _probe_font(use: FontUse) -> None:
    """Print a few of the font's characters in its family, weight and style (registering it)."""
    from html import escape

    sample = "".join(sorted({text for text in use.to_unicode.values() if text.strip()}))[:40]
    family = use.family.replace("\\", "\\\\").replace('"', '\\"')
    style = {0: "normal", 1: "oblique", 2: "italic"}.get(use.style, "normal")
    html = (
        '<html lang="zh-CN"><body><p style="font-family: &quot;'
        + escape(family)
        + f'&quot;; font-weight: {use.weight}; font-style: {style}">{escape(sample or "a")}</p>'
        "</body></html>"
    )
    render_part(PartSource(html, continued=False))


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
    # uses the footer's font


@cache
def footer_layout() -> FooterLayout:
    """Print an empty page whose footer holds every character a footer can need, and measure it.

    The footer keeps print.css's font, size and position; only its text is replaced, and it is
    centred, so its centre is the centre of any footer.
    """
    import io

    import pikepdf
    from weasyprint import CSS

    probe = CSS(string=f'@page {{ @bottom-center {{ content: "{FOOTER_CHARACTERS}" }} }}')
    install_font_deferral()
    deferred: dict = {}
    token = _deferring.set(deferred)
    try:
        document = render_document(
            '<html lang="zh-CN"><body class="export-book"></body></html>', stylesheet(), probe
        )
        pdf = document.write_pdf(**PDF_OPTIONS)
    finally:
        _deferring.reset(token)
    with pikepdf.open(io.BytesIO(pdf)) as parsed:
        page = parsed.pages[0]
        runs = _text_runs(page)
    if len(runs) != 1:
        raise FontUnavailable(f"the footer probe printed {len(runs)} text runs")
    font_name, size, x, y, codes, adjustments = runs[0]
    fonts = [font for font in document.fonts.values() if font.hash == font_name]
    if not fonts or font_name not in deferred:
        raise FontUnavailable("the footer's font cannot be shared with the book")
    use = FontUse(family=fonts[0].family, weight=int(fonts[0].weight), style=int(fonts[0].style))
    for font in fonts:
        use.to_unicode.update(font.to_unicode)
        use.widths.update(font.widths)
    glyphs = {use.to_unicode.get(code, ""): code for code in codes}
    if any(character not in glyphs for character in FOOTER_CHARACTERS):
        raise FontUnavailable("the footer's font lacks a character of the footer")
    advance = (sum(use.widths.get(code, 0) for code in codes) - sum(adjustments)) / 1000 * size
    return FooterLayout(font_name, use, size, x + advance / 2, y, glyphs, pdf)


def _text_runs(page) -> list[tuple[str, float, float, float, list[int], list[float]]]:
    """(font, size in points, x, y, glyph ids, TJ adjustments) of each text run of a page."""
    import pikepdf

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


# Printing many parts ------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


class Printer:
    """Prints parts as they are handed over, for a book being put together in order.

    With one worker, or when a book turns out to miss only one part (one table changed), the
    parts print in this process when their result is asked for. From the second part handed
    over, they go to the pool at once, so the workers print while this process goes on
    preparing the other tables and joining the parts already printed.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.waiting: list[_Job] = []

    def print(self, source: PartSource) -> _Job:
        job = _Job(source)
        if self.workers > 1:
            self.waiting.append(job)
            # A pool already running takes even a single part (this process goes on with the
            # other tables meanwhile); a first pool is started for two parts or more.
            if self.pool is None and (len(self.waiting) >= 2 or _pool_size >= self.workers):
                self.pool = _executor(self.workers)
            if self.pool is not None:
                for waiting in self.waiting:
                    waiting.future = self._submit(waiting.source)
                self.waiting.clear()
        return job

    def result(self, job: _Job) -> RenderedPart:
        if job.future is not None:
            try:
                return job.future.result()
            except (BrokenProcessPool, CancelledError):
                logger.warning("PDF worker processes died; printing in this process instead.")
                shutdown_pool()
                self.pool, self.workers = None, 1
        return render_part(job.source)

    def _submit(self, source: PartSource):
        try:
            return self.pool.submit(render_part, source)
        except (BrokenProcessPool, RuntimeError):
            return None


@dataclass
class _Job:
    source: PartSource
    future: object = None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _executor(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            # A fork server, not fork: the web process may have threads (and open database
            # connections) that a forked child must not inherit. The server imports WeasyPrint
            # once; workers forked from it start at once and stay for the life of the process.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", __name__])
            _pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=_warm_up
            )
            _pool_size = workers
        return _pool


def _warm_up() -> None:
    """Load the fonts and the stylesheet in a new worker before its first table."""
    try:
        html = '<html lang="zh-CN"><body><h1>第一部分</h1><p>表 1</p></body></html>'
        render_part(PartSource(html, continued=True))
    except Exception:  # pragma: no cover - a real table will report the problem
        logger.exception("PDF worker warm-up failed")
    # Laying out a table allocates objects by the hundred thousand: Python's default collection
    # thresholds spend about a tenth of a worker's time looking for cycles among them. What is
    # loaded now stays for the life of the worker and is never looked at again.
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def shutdown_pool() -> None:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool, _pool_size = None, 0


atexit.register(shutdown_pool)
