"""What makes exports fast must not change what they contain: the cache of printed tables, the
book printed one table at a time and joined, the worker processes. (No timing here: the
benchmark is bench/exports.py.)"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from io import BytesIO

import pikepdf
import pytest
from django.core.management import call_command
from django.test import override_settings

from bench.data import make_big_unit
from budgetapp.exports import (
    accelerators,
    cache,
    pdf_footer,
    pdf_parts,
    pdf_pool,
    pdf_render,
    pdf_types,
    print_markup,
)
from budgetapp.exports.accelerators import font_deferral
from budgetapp.exports.book import DEPARTMENT_PART, PROJECT_PART, unit_book
from budgetapp.exports.pdf import _render_whole, render_pdf
from budgetapp.exports.registry import export_table, export_unit_book
from budgetapp.targets.models import ProjectIndicator, ProjectTable
from budgetapp.units.models import Unit

from .test_exports import pdffonts, pdfinfo, pdftotext, print_font_name

ZHANGJIAKOU = "张家口市残疾人联合会本级"


def needs(name: str):
    """A test of what accelerator `name` does: skipped when it is off (EXPORT_ACCELERATORS=false
    in the CI's second pass, or a library version it was not proven on)."""
    return pytest.mark.skipif(not accelerators.active(name), reason=f"accelerator {name} is off")


CAIDIAN = "武汉市蔡甸区残疾人联合会"  # Hubei: its department table lists the unit's projects


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def printed(monkeypatch):
    """The parts handed to the printer (cache misses), in order, as their HTML."""
    handed: list[str] = []
    original = pdf_pool.Printer.print

    def spy(self, source):
        handed.append(source.html)
        return original(self, source)

    monkeypatch.setattr(pdf_pool.Printer, "print", spy)
    return handed


def _pages(pdf: bytes) -> int:
    return int(re.search(r"Pages:\s+(\d+)", pdfinfo(pdf))[1])


def _outline(pdf: bytes) -> list[str]:
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-", "/dev/null"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode()
    return re.findall(r'<item page="\d+">([^<]*)</item>', xml)


def _book(name: str, year: int = 2021) -> bytes:
    return export_unit_book(Unit.objects.get(name=name), year, "pdf").content


@pytest.mark.parametrize("workers", [1, 2])
def test_a_second_export_prints_nothing_and_gives_the_same_book(demo, printed, workers):
    with override_settings(EXPORT_PDF_WORKERS=workers):
        first = _book(ZHANGJIAKOU)
        assert len(printed) == 14  # 部门整体 and 13 project tables
        second = _book(ZHANGJIAKOU)
    assert len(printed) == 14
    assert pdftotext(second, "-layout") == pdftotext(first, "-layout")
    assert _outline(second) == _outline(first)


def test_changing_one_indicator_prints_that_table_only(demo, printed):
    _book(ZHANGJIAKOU)
    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=7)
    row = table.indicators.order_by("order").first()
    row.target = "≥12345人"
    row.save()
    printed.clear()

    book = _book(ZHANGJIAKOU)

    assert len(printed) == 1 and "≥12345人" in printed[0] and table.name in printed[0]
    assert "≥12345人" in pdftotext(book)


def test_a_projects_budget_reprints_it_and_the_department_table_listing_it(demo, printed):
    _book(CAIDIAN, 2025)
    project = ProjectTable.objects.filter(unit__name=CAIDIAN).order_by("sequence").first()
    project.budget_total = Decimal("98765.43")
    project.save()
    printed.clear()

    _book(CAIDIAN, 2025)

    assert len(printed) == 2
    assert "部门整体" in printed[0] and "98,765.43" in printed[0]
    assert project.name in printed[1] and "98,765.43" in printed[1]


def test_the_joined_book_reads_as_the_book_printed_in_one_pass(demo):
    unit = Unit.objects.get(name=ZHANGJIAKOU)
    row = ProjectIndicator.objects.filter(table__unit=unit).order_by("pk").first()
    _book(ZHANGJIAKOU)
    row.target = "＞99%"
    row.save()
    joined = _book(ZHANGJIAKOU)  # one part printed again, thirteen from the cache

    whole = _render_whole(unit_book(unit, 2021), cached=False)

    assert pdftotext(joined, "-layout") == pdftotext(whole, "-layout")
    assert _outline(joined) == _outline(whole)
    assert _pages(joined) == _pages(whole) == 23
    info = pdfinfo(joined)
    assert re.search(r"Title:\s+张家口市残疾人联合会本级2021年绩效目标", info)
    assert re.search(r"Tagged:\s+yes", info)
    assert 'pdfuaid:part="1"' in pdfinfo(joined, "-meta")


def test_the_joined_book_embeds_each_font_once_and_keeps_a_sound_tag_tree(demo):
    pdf = _book(ZHANGJIAKOU)

    fonts = [line.split() for line in pdffonts(pdf).splitlines()[2:]]
    names = sorted(font[0].split("+", 1)[1] for font in fonts)
    if font_deferral.on():
        assert names == [print_font_name(), f"{print_font_name()}-Bold"], fonts
    else:  # each part embeds its own subsets, the footer its own
        assert set(names) == {print_font_name(), f"{print_font_name()}-Bold"}, fonts
        assert len(names) > 14
    assert all(font[-5:-2] == ["yes", "yes", "yes"] for font in fonts), fonts

    with pikepdf.open(BytesIO(pdf)) as parsed:
        root = parsed.Root.StructTreeRoot
        (document,) = root.K
        assert document.S == "/Document"
        nums = list(root.ParentTree.Nums)
        keys = [int(key) for key in nums[::2]]
        pages = [int(page.obj.StructParents) for page in parsed.pages]
        assert pages == list(range(len(parsed.pages)))
        assert keys == sorted(set(keys)) and set(pages) <= set(keys)
        assert int(root.ParentTreeNextKey) == max(keys) + 1
        # Every element the parent tree names hangs under the one Document element.
        for elements in nums[1::2]:
            for element in elements if isinstance(elements, pikepdf.Array) else [elements]:
                node = element
                while node.get("/S") != "/Document":
                    node = node.P
                assert node.objgen == document.objgen
        elements = list(_walk(document))
        tables = sum(1 for kid in elements if kid.get("/S") == "/Table")
        assert tables == 1 + 13 * 2  # the Hebei 部门整体 has one grid; a project table two
        # Header cells keep names unique across the book, and data cells name existing ones.
        ids = [str(kid.ID) for kid in elements if "/ID" in kid]
        assert len(ids) == len(set(ids)) > 13 * 6
        headers = [
            str(name)
            for kid in elements
            if isinstance(kid.get("/A"), pikepdf.Dictionary) and "/Headers" in kid.A
            for name in kid.A.Headers
        ]
        assert headers and set(headers) <= set(ids)


def _walk(element):
    for kid in element.get("/K", []):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _walk(kid)


def test_page_numbers_run_across_the_book_in_print_css_position(demo):
    pdf = _book(ZHANGJIAKOU)
    single = export_table(ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=2), "pdf")

    def footer(content: bytes, page: int) -> str:
        # The bottom 25 mm of an A4 page, in points.
        crop = ["-x", "0", "-y", "770", "-W", "595", "-H", "72", "-r", "72"]
        text = pdftotext(content, "-f", str(page), "-l", str(page), *crop)
        return re.sub(r"\s+", "", text)

    assert footer(pdf, 1) == "第1页共23页"
    assert footer(pdf, 11) == "第11页共23页"  # table 2, alone on its page
    assert footer(single.content, 1) == "第1页共1页"
    # Drawn where WeasyPrint draws the footer of a single table (same line, same centre).
    bbox = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">')

    def words(content: bytes, page: int) -> list[tuple[float, ...]]:
        html = pdftotext(content, "-f", str(page), "-l", str(page), "-bbox")
        return [box for box in (tuple(map(float, b)) for b in bbox.findall(html)) if box[1] > 780]

    ours, theirs = words(pdf, 11), words(single.content, 1)
    assert [round(w[1], 1) for w in ours] == [round(w[1], 1) for w in theirs]
    centre = (ours[0][0] + ours[-1][2]) / 2
    assert centre == pytest.approx((theirs[0][0] + theirs[-1][2]) / 2, abs=1.5)


def test_a_single_table_is_printed_once_then_read_from_the_cache(demo, monkeypatch):
    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=1)
    calls = []
    original = pdf_render.render_document
    monkeypatch.setattr(
        pdf_render, "render_document", lambda *a, **k: calls.append(1) or original(*a, **k)
    )

    first = export_table(table, "pdf").content
    second = export_table(table, "pdf").content
    table.name = "改过名字的项目"
    table.save()
    third = export_table(table, "pdf").content

    assert len(calls) == 2 and first == second and third != first
    assert "改过名字的项目" in pdftotext(third)


def test_without_a_shared_font_the_book_is_printed_in_one_pass(demo, monkeypatch):
    def unavailable():
        raise pdf_types.FontUnavailable("no font")

    monkeypatch.setattr(pdf_footer, "footer_layout", unavailable)
    pdf = _book(ZHANGJIAKOU)
    assert _outline(pdf)[:1] == [DEPARTMENT_PART] and PROJECT_PART in _outline(pdf)
    assert "第23页共23页" in re.sub(r"\s+", "", pdftotext(pdf, "-f", "23", "-l", "23"))


def test_a_broken_cache_does_not_break_exports(demo, monkeypatch):
    class Broken:
        def get_many(self, keys):
            raise OSError("disk gone")

        set_many = get_many

        def clear(self):
            pass

    monkeypatch.setattr(cache, "_cache", lambda: Broken())
    assert _pages(_book(ZHANGJIAKOU)) == 23


@needs("font_deferral")
def test_font_subsetting_is_deferred_to_the_book(demo):
    # If a WeasyPrint upgrade drops what the parts rely on, books are printed in one pass:
    # still right, but slow. This says so.
    assert font_deferral.deferral_supported()
    part = pdf_parts.render_part(
        pdf_types.PartSource('<html lang="zh-CN"><body><p>绩效目标</p></body></html>', False)
    )
    assert part.fonts and all(use.to_unicode for use in part.fonts.values())
    with pikepdf.open(BytesIO(part.pdf)) as parsed:
        (font,) = parsed.pages[0].Resources.Font.values()
        descriptor = font.DescendantFonts[0].FontDescriptor
        program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
        assert len(program.read_bytes()) == 0  # the placeholder: the book embeds the subset


def test_a_hundred_table_book_in_worker_processes(demo):
    unit = make_big_unit(100, 2021)
    with override_settings(EXPORT_PDF_WORKERS=2):
        pdf = export_unit_book(unit, 2021, "pdf").content

    book = unit_book(unit, 2021)
    assert len(book.entries()) == 100
    parts = [
        cache.get_many([key])[key]
        for key in [
            cache.key_for("part" if n == 0 else "part-continued", html)
            for n, html in enumerate(_part_htmls(book))
        ]
    ]
    pages = _pages(pdf)
    assert pages == sum(part.page_count for part in parts) >= 100
    outline = _outline(pdf)
    assert len(outline) == 2 + 100
    assert outline[0] == DEPARTMENT_PART and outline[2] == PROJECT_PART
    assert outline[-1] == book.parts[1].entries[-1].document.title
    last = re.sub(r"\s+", "", pdftotext(pdf, "-f", str(pages), "-l", str(pages)))
    assert last.endswith(f"第{pages}页共{pages}页")
    assert re.search(r"Tagged:\s+yes", pdfinfo(pdf))
    fonts = len(pdffonts(pdf).splitlines()[2:])
    assert fonts == 2 if font_deferral.on() else fonts > 100  # else: each part's own subsets


def _part_htmls(book):
    from budgetapp.exports.pdf import part_html

    for part in book.parts:
        for index, entry in enumerate(part.entries):
            yield part_html(book, part.heading if index == 0 else "", entry)


def test_the_printer_prints_in_this_process_without_workers(demo, monkeypatch):
    monkeypatch.setattr(
        pdf_pool, "_executor", lambda workers: pytest.fail("no pool with one worker")
    )
    with override_settings(EXPORT_PDF_WORKERS=1):
        assert _pages(_book(ZHANGJIAKOU)) == 23


def test_render_pdf_of_a_book_without_tables_is_one_empty_page(db):
    from budgetapp.exports.book import Book

    assert _pages(render_pdf(Book(title="空", author="单位", filename="f"))) == 1


def test_the_file_cache_round_trips_and_culls_now_and_then(tmp_path):
    backend = cache.PrintedTablesCache(
        str(tmp_path), {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}}
    )
    part = pdf_types.RenderedPart(b"%PDF-1.7 ...", 2, [], {})
    backend.set("part", part)
    assert backend.get("part") == part and backend.get("other") is None

    for number in range(30):  # past MAX_ENTRIES: only the first write of a hundred culls
        backend.set(f"key{number}", number)
    assert len(list(tmp_path.glob("*.djcache"))) == 31
    backend._writes = backend.cull_every  # the next write culls
    backend.set("one-more", 1)
    assert len(list(tmp_path.glob("*.djcache"))) == 31 - 31 // 2 + 1


def test_every_export_uses_the_print_vocabulary(demo):
    from budgetapp.exports.book import table_book
    from budgetapp.exports.pdf import book_html
    from budgetapp.targets.models import DepartmentTable

    tables = [*DepartmentTable.objects.all(), *ProjectTable.objects.all()]
    assert len(tables) == 31
    for table in tables:
        assert print_markup.uses_print_vocabulary(book_html(table_book(table))), table
    assert print_markup.uses_print_vocabulary(
        book_html(unit_book(Unit.objects.get(name=CAIDIAN), 2025))
    )
    assert not print_markup.uses_print_vocabulary('<p dir="rtl">x</p>')
    assert not print_markup.uses_print_vocabulary("<ul><li>x</li></ul>")


@needs("print_html")
@pytest.mark.parametrize(
    ("kind", "unit"),
    [
        ("project", ZHANGJIAKOU),
        ("department", ZHANGJIAKOU),  # Hebei
        ("department", CAIDIAN),  # Hubei
        ("department", "廉江市残疾人联合会"),  # Guangdong
    ],
)
def test_the_print_stylesheet_prints_as_weasyprints_own(demo, monkeypatch, kind, unit):
    from budgetapp.exports.book import table_book
    from budgetapp.exports.pdf import book_html
    from budgetapp.targets.models import DepartmentTable

    model = ProjectTable if kind == "project" else DepartmentTable
    table = model.objects.filter(unit__name=unit).order_by("pk").first()
    html = book_html(table_book(table))
    ours = pdf_render.render_document(html).write_pdf(**pdf_render.PDF_OPTIONS)
    monkeypatch.setattr(pdf_render, "uses_print_vocabulary", lambda html: False)
    theirs = pdf_render.render_document(html).write_pdf(**pdf_render.PDF_OPTIONS)

    assert pdftotext(ours, "-bbox") == pdftotext(theirs, "-bbox")

    def pages(pdf: bytes) -> bytes:
        return subprocess.run(
            ["pdftoppm", "-r", "30", "-gray", "-"], input=pdf, capture_output=True, check=True
        ).stdout

    assert pages(ours) == pages(theirs)


@needs("font_deferral")
def test_the_footer_font_comes_from_the_probe_when_no_table_uses_it(demo, monkeypatch):
    from dataclasses import replace

    layout = pdf_footer.footer_layout()
    # As if print.css printed the footer in a font no table uses.
    renamed = replace(layout, font_hash="NOTUSED")
    monkeypatch.setitem(font_deferral._faces, "NOTUSED", font_deferral._faces[layout.font_hash])
    probe = pikepdf.open(BytesIO(layout.probe))
    fonts = probe.pages[0].Resources.Font
    fonts[pikepdf.Name("/NOTUSED")] = fonts[pikepdf.Name("/" + layout.font_hash)]
    buffer = BytesIO()
    probe.save(buffer)
    monkeypatch.setattr(
        pdf_footer, "footer_layout", lambda: replace(renamed, probe=buffer.getvalue())
    )

    pdf = _book(ZHANGJIAKOU)
    assert len(pdffonts(pdf).splitlines()[2:]) == 3
    assert re.sub(r"\s+", "", pdftotext(pdf, "-f", "23", "-l", "23")).endswith("第23页共23页")


def _tree(element, depth=0, out=None):
    out = [] if out is None else out
    out.append((depth, element.tag, sorted(element.attrib.items()), element.text, element.tail))
    for child in element:
        _tree(child, depth + 1, out)
    return out


def test_expat_parses_every_export_into_the_tree_tinyhtml5_builds(demo):
    """The fast parser of the print vocabulary gives WeasyPrint exactly what its own would."""
    import tinyhtml5

    from budgetapp.exports.book import table_book
    from budgetapp.exports.pdf import book_html, part_html
    from budgetapp.targets.models import DepartmentTable

    documents = [
        book_html(table_book(table))
        for table in [*DepartmentTable.objects.all(), *ProjectTable.objects.all()]
    ]
    for department in DepartmentTable.objects.select_related("unit", "year"):
        book = unit_book(department.unit, department.year.year)
        documents.append(book_html(book))
        documents += [
            part_html(book, part.heading if index == 0 else "", entry)
            for part in book.parts
            for index, entry in enumerate(part.entries)
        ]
    assert len(documents) > 60
    for html in documents:
        tree = print_markup.parse_print_html(html)
        assert tree is not None
        assert _tree(tree) == _tree(tinyhtml5.parse(html, namespace_html_elements=False))


@pytest.mark.parametrize(
    "body",
    [
        "<p>a&nbsp;b</p>",  # an HTML entity XML does not know
        "<table><tr><td>x</td></tr></table>",  # HTML5 adds a <tbody>
        "<table>text<tbody></tbody></table>",  # HTML5 moves the text before the table
        "<p>a<div>b</div></p>",  # HTML5 closes the <p>
        "<h2>a<h3>b</h3></h2>",  # and the heading
        "<p>a\x0cb</p>",  # a character XML refuses
        '<p class="a\nb">x</p>',  # XML turns the line break into a space
        "<P>x</P>",  # HTML is case-insensitive, XML is not
        "<p>x",  # not well formed
        "<td>x</td>",  # a cell outside a row: HTML5 drops the tag
        "<div><tr><td>x</td></tr></div>",  # a row outside a table
        "<div><col></div>",  # a column outside a table
        "<table><caption><table></table></caption></table>",  # HTML5 closes the caption
    ],
)
def test_expat_gives_up_where_html5_builds_another_tree(body):
    html = f'<!DOCTYPE html>\n<html lang="zh-CN"><head><title>t</title></head><body>{body}</body></html>'
    assert print_markup.parse_print_html(html) is None
    assert print_markup.parse_print_html("<p>no document</p>") is None


def test_white_space_after_the_body_goes_into_it_as_html5_has_it():
    import tinyhtml5

    html = '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<title>t</title>\n</head>\n<body><p>x</p>\n</body>\n</html>\n'
    assert _tree(print_markup.parse_print_html(html)) == _tree(
        tinyhtml5.parse(html, namespace_html_elements=False)
    )


def test_a_book_is_fetched_in_the_same_few_queries_whatever_its_size(
    demo, django_assert_max_num_queries
):
    small, large = make_big_unit(5, 2021), make_big_unit(40, 2021)
    for unit in (small, large):
        with django_assert_max_num_queries(8):
            book = unit_book(unit, 2021)
        assert len(book.entries()) in (5, 40)


@needs("print_html")
def test_printing_an_export_does_not_run_the_html5_parser(demo, monkeypatch):
    """The fast parser is really used (a WeasyPrint without `_find_base_url` would quietly
    parse as before), and markup it cannot take still prints, through tinyhtml5."""
    import tinyhtml5

    from budgetapp.exports.book import table_book
    from budgetapp.exports.pdf import book_html

    calls = []
    original = tinyhtml5.parse

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(tinyhtml5, "parse", counting)
    table = ProjectTable.objects.filter(unit__name=ZHANGJIAKOU).first()
    pdf_render.render_document(book_html(table_book(table)))
    assert calls == []
    html = '<!DOCTYPE html><html lang="zh-CN"><head></head><body><p>a&nbsp;b</p></body></html>'
    assert "ab" in re.sub(r"\s", "", pdftotext(pdf_render.render_document(html).write_pdf()))
    assert len(calls) == 1


def test_random_documents_of_the_vocabulary_parse_as_tinyhtml5_parses_them():
    """Nested at random (tables inside paragraphs, cells outside rows …): wherever the fast
    parser answers, its tree is tinyhtml5's."""
    import random

    import tinyhtml5

    tags = ["section", "article", "div", "p", "span", "h2", "h3", "table", "caption"]
    tags += ["colgroup", "thead", "tbody", "tfoot", "tr", "th", "td"]
    texts = ["", "x", " ", "\n", "文字", "a &amp; b", "\t"]
    rng = random.Random(20261202)

    def content(depth: int) -> str:
        out = rng.choice(texts)
        for _ in range(rng.randint(0, 3)):
            if depth > 4 or rng.random() < 0.2:
                out += f"<{rng.choice(['br', 'col', 'meta'])}>"
            else:
                tag = rng.choice(tags)
                attribute = rng.choice(["", ' class="a"', ' colspan="2"'])
                out += f"<{tag}{attribute}>{content(depth + 1)}</{tag}>"
            out += rng.choice(texts)
        return out

    fast = 0
    for _ in range(3000):
        html = (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<title>t</title>\n</head>\n'
            f"<body>{content(0)}</body>\n</html>\n"
        )
        tree = print_markup.parse_print_html(html)
        if tree is not None:
            fast += 1
            assert _tree(tree) == _tree(tinyhtml5.parse(html, namespace_html_elements=False))
    assert fast > 500  # the comparison really ran


# Printing faster, printing the same: grid lines, caption, line breaks between tags ----------

# What print.css said before the caption was two blocks: a flex caption.
FLEX_CAPTION_CSS = """
.official-caption { display: flex; justify-content: space-between; }
.official-caption > span:first-child { min-height: auto; padding-right: 0; }
.official-caption > span:last-child { margin-top: 0; text-align: start; }
"""


def _rasterised(pdf: bytes) -> bytes:
    return subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-"], input=pdf, capture_output=True, check=True
    ).stdout


@needs("grid_lines")
@pytest.mark.parametrize(
    ("unit", "year"),
    [
        (ZHANGJIAKOU, 2021),  # Hebei: a 一级指标 spanning rows runs over a page
        ("秦皇岛市山海关区残疾人联合会本级", 2021),  # Hebei narrative, money in 元
        ("廉江市残疾人联合会", 2024),  # Guangdong: a cell spanning rows over a page, no header
        (CAIDIAN, 2025),  # Hubei
    ],
)
def test_books_print_as_with_css_borders_a_flex_caption_and_line_breaks(
    demo, monkeypatch, unit, year
):
    """Drawn grid lines (accelerators/grid_lines.py) against print.css's own CSS borders, with
    the flex caption and the line breaks between tags of before."""
    from weasyprint import CSS

    from budgetapp.exports import pdf as export_pdf
    from budgetapp.exports.accelerators import grid_lines

    book = unit_book(Unit.objects.get(name=unit), year)
    html = export_pdf.book_html(book)
    assert ">\n<" not in html
    ours = pdf_render.render_document(html).write_pdf(**pdf_render.PDF_OPTIONS)
    pages = pdf_render.render_document(html).pages
    assert any(grid_lines.grid_lines(page._page_box) for page in pages)  # grids to compare

    monkeypatch.setattr(export_pdf, "_compact", lambda html: html)
    html_before = export_pdf.book_html(book)
    assert ">\n<" in html_before
    # print.css alone: CSS borders (a stylesheet of ours only adds grid_lines.CSS).
    reference_css = CSS(string=pdf_render.PRINT_CSS.read_text() + FLEX_CAPTION_CSS)
    before = pdf_render.render_document(html_before, reference_css).write_pdf(
        **pdf_render.PDF_OPTIONS
    )

    assert pdftotext(ours, "-bbox") == pdftotext(before, "-bbox")
    assert pdftotext(ours, "-raw") == pdftotext(before, "-raw")  # the reading order
    assert _rasterised(ours) == _rasterised(before)


def test_compacting_keeps_white_space_inside_text():
    from budgetapp.exports.pdf import _compact

    assert _compact("<td>a  b</td>\n<td> c </td>\n  <td>&lt;b&gt; d &lt;/b&gt;</td>") == (
        "<td>a  b</td><td> c </td><td>&lt;b&gt; d &lt;/b&gt;</td>"
    )


@needs("grid_lines")
def test_each_pages_grid_lines_are_one_stroke_marked_as_an_artifact(demo):
    from budgetapp.exports.book import table_book

    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, name="残疾人康复")  # two pages
    with pikepdf.open(BytesIO(render_pdf(table_book(table)))) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            operators = [str(operator) for _, operator in pikepdf.parse_content_stream(page)]
            assert operators.count("S") == 1  # WeasyPrint's borders were one stroke per edge
            stroke = operators.index("S")
            opened = [index for index, op in enumerate(operators[:stroke]) if op in ("BMC", "BDC")]
            closed = operators[opened[-1] : stroke].count("EMC")
            assert closed == 0
            operands = pikepdf.parse_content_stream(page)[opened[-1]][0]
            assert [str(operand) for operand in operands] == ["/Artifact"]


def test_the_url_fetcher_is_kept_per_thread_and_refuses_every_url():
    import threading

    fetcher = pdf_render.url_fetcher()
    assert pdf_render.url_fetcher() is fetcher
    other = []
    thread = threading.Thread(target=lambda: other.append(pdf_render.url_fetcher()))
    thread.start()
    thread.join()
    assert other[0] is not fetcher
    for url in ["file:///etc/hostname", "http://127.0.0.1/", "data:text/plain,x"]:
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_the_benchmark_reads_the_cpu_time_of_this_process_and_of_the_pdf_workers():
    from bench.exports import _cpu_use

    pool = pdf_pool._executor(1)
    pool.submit(sum, range(10)).result()  # the worker exists
    wall, own, workers = _cpu_use(lambda: sum(range(3 * 10**6)), before=lambda: None)
    assert wall > 0 and own > 0
    assert len(workers) >= 1 and all(cpu >= 0 for cpu in workers)


@needs("layout_reuse")
@pytest.mark.parametrize(("unit", "year"), [(ZHANGJIAKOU, 2021), ("廉江市残疾人联合会", 2024)])
def test_reused_line_breaks_print_every_part_byte_for_byte_as_without(
    demo, monkeypatch, unit, year
):
    from budgetapp.exports.accelerators import layout_reuse

    sources = [
        pdf_types.PartSource(html, continued=number > 0)
        for number, html in enumerate(_part_htmls(unit_book(Unit.objects.get(name=unit), year)))
    ]
    layout_reuse.forget()
    reused = [pdf_parts.render_part(source).pdf for source in sources]
    kept, reuses = layout_reuse.stats()
    assert kept and reuses
    if unit == ZHANGJIAKOU:  # 13 project tables: their header cells repeat, table after table
        assert reuses > kept / 2
    again = [pdf_parts.render_part(source).pdf for source in sources]
    assert layout_reuse.stats() == (kept, reuses + kept + reuses)  # all of it from the first

    _without_reuse(monkeypatch)
    layout_reuse.forget()
    without = [pdf_parts.render_part(source).pdf for source in sources]
    assert layout_reuse.stats() == (0, 0)
    assert reused == without
    assert again == without


def test_line_breaks_are_kept_by_every_text_property_weasyprint_reads():
    """A property WeasyPrint's text module reads and the key leaves out would hand one box the
    lines of another printed differently; this fails when a WeasyPrint upgrade reads another."""
    from pathlib import Path

    import weasyprint

    from budgetapp.exports.accelerators import layout_reuse

    text_module = Path(weasyprint.__file__).parent / "text"
    read = set()
    for name in ("line_break.py", "fonts.py"):
        read |= set(re.findall(r"style\[['\"](\w+)['\"]\]", (text_module / name).read_text()))
    assert read and set(layout_reuse.STYLE_PROPERTIES) == read


def test_print_css_draws_no_ellipsis_the_one_thing_that_changes_a_shared_line():
    css = pdf_render.PRINT_CSS.read_text()
    for name in ("text-overflow", "block-ellipsis", "ellipsis"):
        assert name not in css


@needs("layout_reuse")
def test_one_text_in_other_widths_and_fonts_keeps_its_own_line_breaks(demo, monkeypatch):
    from budgetapp.exports.accelerators import layout_reuse

    text = "康复体育进家庭服务受益残疾人数量" * 3
    cell = f"<td>{text}</td>"
    html = (
        '<html lang="zh-CN"><body><table class="official-grid"><colgroup>'
        '<col style="width:60%"><col style="width:40%"></colgroup><tbody>'
        f"<tr>{cell}{cell}</tr><tr>{cell}{cell}</tr>"  # the same text, the same width: reused
        f'<tr><td class="cell-tight">{text}</td><th>{text}</th></tr>'  # smaller font, a <th>
        "</tbody></table><h2>" + text + "</h2></body></html>"  # 15pt bold, the page's width
    )

    def lines(document):
        found = []
        for page in document.pages:
            for box in _boxes(page._page_box):
                if type(box).__name__ == "LineBox":
                    found.append(("".join(t.text for t in box.children), round(box.width, 3)))
        return found

    layout_reuse.forget()
    reused_document = pdf_render.render_document(html)
    kept, reuses = layout_reuse.stats()
    assert reuses >= 2 * len(text) // 20  # the second row, line by line, at least
    _without_reuse(monkeypatch)
    own_document = pdf_render.render_document(html)
    assert lines(reused_document) == lines(own_document)
    assert len({width for _, width in lines(own_document)}) >= 3  # really other widths
    options = pdf_render.PDF_OPTIONS
    assert reused_document.write_pdf(**options) == own_document.write_pdf(**options)


@needs("layout_reuse")
def test_only_print_markup_keeps_line_breaks(demo, monkeypatch):
    from budgetapp.exports.accelerators import layout_reuse

    html = '<html lang="zh-CN"><body><p>省级标准</p><p>省级标准</p></body></html>'
    layout_reuse.forget()
    pdf_render.render_document(html)
    kept, reuses = layout_reuse.stats()
    assert reuses == 1 and kept >= 1  # (the page footer is a text too)
    layout_reuse.forget()
    monkeypatch.setattr(pdf_render, "uses_print_vocabulary", lambda html: False)
    pdf_render.render_document(html)
    assert layout_reuse.stats() == (0, 0)  # other markup: WeasyPrint breaks every line itself


@needs("layout_reuse")
def test_the_kept_line_breaks_are_bounded(demo, monkeypatch):
    from budgetapp.exports.accelerators import layout_reuse
    from budgetapp.exports.book import table_book
    from budgetapp.exports.pdf import book_html

    monkeypatch.setattr(layout_reuse, "MAX_ENTRIES", 10)
    layout_reuse.forget()
    table = ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=1)
    pdf_render.render_document(book_html(table_book(table)))
    kept, _ = layout_reuse.stats()
    assert 0 < kept <= 10


def _without_reuse(monkeypatch) -> None:
    """Print as WeasyPrint alone does: nothing of layout_reuse is used."""
    import contextlib

    from budgetapp.exports.accelerators import layout_reuse

    monkeypatch.setattr(layout_reuse, "reused", lambda active=True: contextlib.nullcontext())


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


@needs("layout_reuse")
def test_a_documents_struts_are_worked_out_once_per_style(demo, monkeypatch):
    from weasyprint.text import line_break

    from budgetapp.exports.book import table_book
    from budgetapp.exports.pdf import book_html

    html = book_html(table_book(ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=1)))
    keys = []
    original = line_break._font_style_cache_key
    monkeypatch.setattr(
        line_break, "_font_style_cache_key", lambda *a, **k: keys.append(1) or original(*a, **k)
    )
    reused = pdf_render.render_document(html).write_pdf(**pdf_render.PDF_OPTIONS)
    with_reuse = len(keys)
    keys.clear()
    _without_reuse(monkeypatch)
    plain = pdf_render.render_document(html).write_pdf(**pdf_render.PDF_OPTIONS)
    assert 0 < with_reuse < len(keys) / 3  # WeasyPrint built its text key for every line
    assert reused == plain


@needs("layout_reuse")
def test_a_reused_line_is_drawn_with_the_pango_layout_of_its_first_drawing(demo, monkeypatch):
    from weasyprint.text import line_break

    from budgetapp.exports.accelerators import layout_reuse
    from budgetapp.exports.book import table_book
    from budgetapp.exports.pdf import book_html

    html = book_html(table_book(ProjectTable.objects.get(unit__name=ZHANGJIAKOU, sequence=1)))
    options = pdf_render.PDF_OPTIONS
    layout_reuse.forget()
    first = pdf_render.render_document(html).write_pdf(**options)
    built = []
    original = line_break.Layout.setup
    monkeypatch.setattr(
        line_break.Layout, "setup", lambda self, style: built.append(1) or original(self, style)
    )
    again = pdf_render.render_document(html).write_pdf(**options)  # every line kept, and drawn
    reused = len(built)
    built.clear()
    _without_reuse(monkeypatch)
    plain = pdf_render.render_document(html).write_pdf(**options)
    assert len(built) > 50  # WeasyPrint: a Pango layout to measure each line, one to draw it
    assert reused < len(built) / 10
    assert first == again == plain


@needs("layout_reuse")
def test_the_benchmark_empties_the_line_breaks_kept_by_every_pdf_worker(demo):
    from bench.exports import _forget_line_breaks

    with override_settings(EXPORT_PDF_WORKERS=2):
        _book(ZHANGJIAKOU)  # 14 parts, printed by the two workers
    kept = _forget_line_breaks(2)
    assert len(kept) == 2 and sum(kept.values()) > 0
    assert set(_forget_line_breaks(2).values()) == {0}
