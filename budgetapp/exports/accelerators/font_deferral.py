"""Font subsetting deferred from a book's parts to the book (an accelerator: WeasyPrint's
`Font.__init__` and `Font.clean` wrapped, its `Font` objects read).

WeasyPrint embeds a subset of each font in every PDF it writes; for a CJK font that subset
costs a fixed ~20 ms and ~150 KB however few glyphs are used, so a hundred parts would each
carry their own. Instead a part records the glyphs it uses and embeds a placeholder; the
assembler subsets each font once for the whole book (the glyph ids are the font's own,
WeasyPrint keeps them when subsetting, so the parts' text needs no change). Fonts that cannot
be deferred (variable or colour fonts, glyphs missing from the font, no HarfBuzz subsetter)
are embedded in the part as usual and kept as they are. Off, every part embeds its own
subsets, as WeasyPrint does, and the assembler keeps them: a larger book, printed slower.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

from .. import accelerators
from ..pdf_types import FontUnavailable, FontUse

# The versions of the libraries whose internals this uses, on which it was proven: parts and
# books read as when printed in one pass, with every font embedded once.
PROVEN_ON = {"weasyprint": "70.0"}

_local = threading.local()
# While set (to a dict), fonts met by WeasyPrint's font embedding are deferred and recorded there.
_deferring: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "budgetapp_defer_fonts", default=None
)
# Fonts this process has met, by WeasyPrint's font hash: their HarfBuzz face subsets the book.
_faces: dict[str, object] = {}
_faces_lock = threading.Lock()


# Deferred font subsetting -------------------------------------------------------------------


def install() -> None:
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


def on() -> bool:
    """Whether fonts are deferred in this process (the accelerator on, and HarfBuzz able)."""
    return accelerators.active("font_deferral") and deferral_supported()


@contextmanager
def deferring() -> Iterator[dict]:
    """Defer the fonts of the document written inside: yields the fonts deferred, by hash
    (none when the accelerator is off)."""
    if not on():
        yield {}
        return
    install()
    deferred: dict = {}
    token = _deferring.set(deferred)
    try:
        yield deferred
    finally:
        _deferring.reset(token)


def _wrap_font(fonts) -> None:
    original_init, original_clean = fonts.Font.__init__, fonts.Font.clean
    read_face = fonts.get_hb_object_data

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None and glyph is None and getattr(_local, "reading_font", False):
            return _face_head(hb_object)
        return read_face(hb_object, ot_color, glyph)

    def __init__(self, *args, **kwargs):
        if not on():
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


def font_uses(document, deferred: dict) -> dict[str, FontUse]:
    """The deferred fonts of a written document, with the glyphs it used, by font hash."""
    uses: dict[str, FontUse] = {}
    for font in document.fonts.values():
        if font.hash not in deferred:
            continue
        use = uses.setdefault(
            font.hash, FontUse(family=font.family, weight=int(font.weight), style=int(font.style))
        )
        use.to_unicode.update(font.to_unicode)
        use.widths.update(font.widths)
    return uses


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

    from ..pdf_parts import render_part
    from ..pdf_types import PartSource

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
