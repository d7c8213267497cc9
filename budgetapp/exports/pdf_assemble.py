"""Join the parts of a book (`pdf_types.RenderedPart`) into one tagged PDF, with pikepdf (qpdf).

What joining does, so the book is what printing it in one go would give:
- pages in order; each part's structure tree (PDF/UA tags) goes under one `Document` element,
  with the page and annotation keys of the parent tree renumbered;
- one outline from every part's bookmarks, nested by their CSS levels as WeasyPrint nests them
  (part headings at level 1, table titles at level 2);
- each deferred font embedded once, subset to the glyphs of the whole book;
- the footer `第 N 页 共 M 页` written on every page, as a pagination artifact, in print.css's
  font and position (measured by `pdf_footer.footer_layout`);
- the document language, title, author and XMP metadata (PDF/UA-1) of the first part.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from math import ceil

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation

from .accelerators.font_deferral import subset_font
from .pdf_footer import PAGE_FOOTER, FooterLayout
from .pdf_types import Bookmark, FontUse, RenderedPart

FOOTER_FONT = Name("/PageFooterFont")


class BookAssembler:
    """Joins parts handed over in book order (`add`), then writes the book (`finish`)."""

    def __init__(self) -> None:
        self.out = pikepdf.new()
        self.sources: list[pikepdf.Pdf] = []  # qpdf copies stream data from them when saving
        self.structure_root = self.out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = self.out.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(), P=self.structure_root)
        )
        self.structure_root.K = Array([self.document])
        self.parent_tree: list = []
        self.next_key = 0
        self.fonts: dict[str, _MergedFont] = {}
        self.font_dictionaries: list = []  # (a /Font resource dictionary, its part's fonts)
        self.bookmarks: list[tuple[int, Bookmark]] = []  # (page offset, bookmark)

    def __enter__(self) -> BookAssembler:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        for source in self.sources:
            source.close()
        self.sources.clear()
        self.out.close()

    def add(self, part: RenderedPart) -> None:
        out = self.out
        source = pikepdf.open(io.BytesIO(part.pdf))
        self.sources.append(source)
        offset = len(out.pages)
        out.pages.extend(source.pages)
        pages = out.pages[offset:]
        self.bookmarks += [(offset, mark) for mark in part.bookmarks]
        shift = self.next_key
        if "/StructTreeRoot" in source.Root:
            root = out.copy_foreign(source.Root.StructTreeRoot)
            for kid in _as_list(root.get("/K")):
                if kid.get("/S") != "/Document":
                    continue
                for element in _as_list(kid.get("/K")):
                    if isinstance(element, Dictionary):
                        element.P = self.document
                    self.document.K.append(element)
            if "/ParentTree" in root:
                for key, value in _number_tree(root.ParentTree):
                    self.parent_tree.append((key + shift, value))
                    self.next_key = max(self.next_key, key + shift + 1)
                    self._adopt_margin_elements(value)
        seen = set()
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + shift
            for annotation in _as_list(page.obj.get("/Annots")):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + shift
            resources = page.obj.get("/Resources")
            if resources is None:
                page.obj.Resources = resources = Dictionary()
            if "/Font" not in resources:
                resources.Font = out.make_indirect(Dictionary())
            fonts = resources.Font
            if fonts.is_indirect:  # WeasyPrint's pages share one
                if fonts.objgen in seen:
                    continue
                seen.add(fonts.objgen)
            self.font_dictionaries.append((fonts, part.fonts))
            for font_hash, use in part.fonts.items():
                merged = self.fonts.get(font_hash)
                if merged is None:
                    template = fonts.get(Name("/" + font_hash))
                    merged = self.fonts[font_hash] = _MergedFont(font_hash, use, template)
                merged.add(use)

    def _adopt_margin_elements(self, value) -> None:
        """WeasyPrint tags the content of page margins (a draft's running header) as children
        of the part's Document that the Document does not list, so the loop over its kids
        misses them: they join the book's Document too, once each."""
        for element in value if isinstance(value, Array) else [value]:
            node = element
            while isinstance(node, Dictionary) and "/P" in node:
                parent = node.P
                if parent.get("/S") == "/Document" or parent.get("/Type") == "/StructTreeRoot":
                    if parent.objgen != self.document.objgen:
                        node.P = self.document
                        self.document.K.append(node)
                    break
                node = parent

    def finish(self, footer: FooterLayout) -> bytes:
        out = self.out
        footer_font = self.fonts.get(footer.font_hash) if footer.shared else None
        if footer.shared and footer_font is None:
            template = self._probe_font(footer)
            footer_font = _MergedFont(footer.font_hash, footer.font, template)
            self.fonts[footer.font_hash] = footer_font
        if footer_font is not None:
            footer_font.add(footer.font, only=set(footer.glyphs.values()))
        # Each font is subset once for the whole book; HarfBuzz subsets them side by side.
        with ThreadPoolExecutor(max_workers=max(1, len(self.fonts))) as threads:
            programs = list(threads.map(_MergedFont.subset, self.fonts.values()))
        for merged, program in zip(self.fonts.values(), programs, strict=True):
            merged.write(out, program)
        # Fonts not deferred: the probe's own subset holds every character of a footer.
        footer_dictionary = (
            footer_font.dictionary if footer_font is not None else self._probe_font(footer)
        )
        for font_dictionary, part_fonts in self.font_dictionaries:
            for font_hash in part_fonts:
                font_dictionary[Name("/" + font_hash)] = self.fonts[font_hash].dictionary
            font_dictionary[FOOTER_FONT] = footer_dictionary

        self.parent_tree.sort(key=lambda pair: pair[0])
        self.structure_root.ParentTree = out.make_indirect(
            Dictionary(Nums=Array([item for pair in self.parent_tree for item in pair]))
        )
        self.structure_root.ParentTreeNextKey = self.next_key
        out.Root.StructTreeRoot = self.structure_root

        _write_footers(out, footer)
        _write_outline(out, self.bookmarks)
        if self.sources:
            _copy_document_metadata(out, self.sources[0])
        buffer = io.BytesIO()
        out.save(
            buffer,
            min_version="1.7",
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
        )
        return buffer.getvalue()

    def _probe_font(self, footer: FooterLayout):
        """The footer's font dictionary as the probe page embeds it, copied into the book."""
        probe = pikepdf.open(io.BytesIO(footer.probe))
        self.sources.append(probe)
        return self.out.copy_foreign(probe.pages[0].Resources.Font[Name("/" + footer.font_hash)])


class _MergedFont:
    """One font of the book: the union of the glyphs every part used, embedded once."""

    def __init__(self, font_hash: str, use: FontUse, template) -> None:
        self.font_hash = font_hash
        self.use = FontUse(use.family, use.weight, use.style)
        self.template = template  # the first part's font dictionary, copied into the book
        self.dictionary = None

    def add(self, use: FontUse, only: set[int] | None = None) -> None:
        for glyph, text in use.to_unicode.items():
            if only is None or glyph in only:
                self.use.to_unicode.setdefault(glyph, text)
        for glyph, width in use.widths.items():
            if only is None or glyph in only:
                self.use.widths.setdefault(glyph, width)

    def subset(self) -> bytes:
        return subset_font(self.font_hash, self.use, self.use.to_unicode)

    def write(self, out: pikepdf.Pdf, program: bytes) -> None:
        opentype = program[:4] == b"OTTO"
        font = self.template
        descendant = font.DescendantFonts[0]
        descriptor = descendant.FontDescriptor
        for key in ("/FontFile2", "/FontFile3"):
            if key in descriptor:
                del descriptor[key]
        descendant.Subtype = Name.CIDFontType0 if opentype else Name.CIDFontType2
        if opentype:
            descriptor.FontFile3 = out.make_stream(program, Subtype=Name.OpenType)
        else:
            descriptor.FontFile2 = out.make_stream(program, Length1=len(program))
        widths = self.use.widths
        descendant.W = _widths_array(widths)
        bbox = [float(v) for v in descriptor.FontBBox]
        descriptor.FontBBox = Array([bbox[0], bbox[1], max(widths.values(), default=0), bbox[3]])
        font.ToUnicode = out.make_stream(_to_unicode_cmap(self.use.to_unicode))
        self.dictionary = font


def _widths_array(widths: dict[int, float]) -> Array:
    """/W as WeasyPrint writes it: runs of consecutive glyph ids, each with its widths."""
    items: list = []
    run: list | None = None
    previous = None
    for glyph in sorted(widths):
        if previous is None or glyph != previous + 1:
            run = []
            items += [glyph, run]
        run.append(widths[glyph])
        previous = glyph
    return Array([Array(item) if isinstance(item, list) else item for item in items])


def _to_unicode_cmap(to_unicode: dict[int, str]) -> bytes:
    """The ToUnicode CMap WeasyPrint writes (glyph id -> UTF-16), for the union of glyphs."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(to_unicode.items())
    for i in range(ceil(len(items) / 100)):
        batch = items[i * 100 : (i + 1) * 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        for glyph, text in batch:
            lines.append(f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode())
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _write_footers(out: pikepdf.Pdf, footer: FooterLayout) -> None:
    """`第 N 页 共 M 页`, centred where print.css puts it, as a pagination artifact."""
    widths = footer.font.widths
    total = len(out.pages)
    save = out.make_stream(b"q\n")
    for number, page in enumerate(out.pages, 1):
        text = PAGE_FOOTER.format(page=number, pages=total)
        glyphs = [footer.glyphs[character] for character in text]
        width = sum(widths.get(glyph, 0) for glyph in glyphs) / 1000 * footer.size
        x = footer.center_x - width / 2
        codes = "".join(f"{glyph:04x}" for glyph in glyphs)
        content = (
            "Q\nq\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n0 0 0 rg\nBT\n"
            f"{FOOTER_FONT} {footer.size:.4f} Tf\n{x:.4f} {footer.baseline_y:.4f} Td\n"
            f"<{codes}> Tj\nET\nEMC\nQ\n"
        )
        # The table's content may leave the graphics state changed (WeasyPrint flips the
        # y axis first thing): enclose it in q ... Q before drawing the footer.
        page.contents_add(save, prepend=True)
        page.contents_add(out.make_stream(content.encode()))


def _write_outline(out: pikepdf.Pdf, bookmarks: list[tuple[int, Bookmark]]) -> None:
    """One outline, nested by CSS bookmark levels the way WeasyPrint nests them."""
    root: list = []
    skipped_levels: list[int] = []
    last_by_depth: list[list] = [root]
    previous_level = 0
    for offset, mark in bookmarks:
        level = mark.level
        if level > previous_level:
            skipped_levels.append(level - previous_level - 1)
        else:
            temp = level
            while temp < previous_level:
                temp += 1 + skipped_levels.pop()
            if temp > previous_level:
                skipped_levels.append(temp - previous_level - 1)
        previous_level = level
        depth = level - sum(skipped_levels)
        children: list = []
        item = OutlineItem(
            mark.label, offset + mark.page, PageLocation.XYZ, left=mark.x, top=mark.y, zoom=0
        )
        item.is_closed = not mark.open
        last_by_depth[depth - 1].append((item, children))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    if not root:
        return

    def build(nodes):
        items = []
        for item, children in nodes:
            item.children.extend(build(children))
            items.append(item)
        return items

    with out.open_outline() as outline:
        outline.root.extend(build(root))


def _copy_document_metadata(out: pikepdf.Pdf, first: pikepdf.Pdf) -> None:
    """What WeasyPrint writes for PDF/UA-1 (language, title shown, XMP), from the first part."""
    if "/Lang" in first.Root:
        out.Root.Lang = pikepdf.String(str(first.Root.Lang))
    out.Root.MarkInfo = Dictionary(Marked=True)
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if "/Metadata" in first.Root:
        out.Root.Metadata = out.copy_foreign(first.Root.Metadata)
    info = first.trailer.get("/Info")
    if info is not None:
        out.trailer.Info = out.make_indirect(
            Dictionary({key: pikepdf.String(str(value)) for key, value in info.items()})
        )


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Array):
        return list(value)
    return [value]


def _number_tree(node):
    """(key, value) pairs of a PDF number tree."""
    if "/Nums" in node:
        nums = list(node.Nums)
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in _as_list(node.get("/Kids")):
        yield from _number_tree(kid)
