"""What a printed part of a book carries (data only, shared by the printer, the workers, the
cache and the assembler).

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


class FontUnavailable(Exception):
    """A font a part used cannot be found again in this process."""
