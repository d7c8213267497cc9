"""Render a layout `Document` as accessible HTML (real table headers, text as typed).

Every typed text is escaped (`html.escape`, as Django's `escape`); the markup is built with
plain string operations, since a book of a hundred tables renders some ten thousand cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .document import Caption, Cell, CellRole, Document, Grid, Heading, Paragraph


def _cell_html(
    cell: Cell,
    highlights: Mapping[str, str],
    *,
    in_head: bool = False,
    anchors: bool = True,
    heads_column: bool = False,
) -> str:
    # An empty label (the corner of a grid) heads nothing: a header cell must have text.
    tag = "th" if cell.role == CellRole.LABEL and cell.text.strip() else "td"
    classes = f"cell-{cell.role} align-{cell.align}"
    if cell.tight:
        classes += " cell-tight"
    if cell.anchor in highlights:
        classes += f" {highlights[cell.anchor]}"
    for mark in cell.marks:
        if mark in highlights:
            classes += f" {highlights[mark]}"
            break
    attrs = f'<{tag} class="{escape(classes)}"'
    if cell.colspan > 1:
        attrs += f' colspan="{int(cell.colspan)}"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{int(cell.rowspan)}"'
    if tag == "th":
        # Every header cell says what it heads (PDF/UA; WeasyPrint links each data cell to the
        # row headers of its row and the column headers above it): a label beside its value,
        # such as 项目名称, heads its row; a label in a row of labels heads the column below.
        attrs += ' scope="col"' if cell.header or in_head or heads_column else ' scope="row"'
    if cell.anchor and anchors:
        attrs += f' data-anchor="{escape(cell.anchor)}"'
    if cell.marks and anchors:
        attrs += f' data-marks="{escape(" ".join(cell.marks))}"'
    return f"{attrs}>{'<br>'.join(escape(line) for line in cell.text.split(chr(10)))}</{tag}>"


def _rows_html(
    rows: list[list[Cell]],
    highlights: Mapping[str, str],
    *,
    in_head: bool = False,
    anchors: bool = True,
) -> str:
    return "\n".join(
        "<tr>"
        + "".join(
            _cell_html(
                c,
                highlights,
                in_head=in_head,
                anchors=anchors,
                heads_column=heads[i],
            )
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row, heads in ((row, _column_heads(row)) for row in rows)
    )


def _column_heads(row: list[Cell]) -> list[bool]:
    """Which cells of a row head the column below them: in a row of labels only (a heading
    row in the middle of a grid, like 一级指标 | 二级指标 …), all but a leading label spanning
    several rows, which names the group of rows beside it (资金支出计划, 绩效指标)."""
    if any(cell.role != CellRole.LABEL for cell in row):
        return [False] * len(row)
    return [not (i == 0 and cell.rowspan > 1) for i, cell in enumerate(row)]


def _col_html(percent: float, *, inline_widths: bool) -> str:
    """Print keeps the exact width inline; a page uses a class of the nearest half percent
    (static/css/app.css), as its Content-Security-Policy allows no inline style."""
    if inline_widths:
        return f'<col style="width:{percent:.2f}%">'
    return f'<col class="cw-{min(200, max(0, round(percent * 2)))}">'


def _grid_html(
    grid: Grid,
    highlights: Mapping[str, str],
    *,
    open_below: bool,
    anchors: bool = True,
    inline_widths: bool = False,
) -> str:
    """A grid's leading `header_rows` form a <thead>, which print repeats on every page.

    `open_below`: the next grid is joined under this one, so the two print as one table.
    """
    total = sum(grid.widths) or 1
    cols = "".join(_col_html(w * 100 / total, inline_widths=inline_widths) for w in grid.widths)
    classes = "official-grid"
    if grid.joined:
        classes += " official-grid-joined"
    if open_below:
        classes += " official-grid-open"
    head_rows, body_rows = grid.rows[: grid.header_rows], grid.rows[grid.header_rows :]
    head = (
        f"<thead>{_rows_html(head_rows, highlights, in_head=True, anchors=anchors)}</thead>"
        if head_rows
        else ""
    )
    return (
        f'<table class="{classes}"><colgroup>{cols}</colgroup>{head}'
        f"<tbody>{_rows_html(body_rows, highlights, anchors=anchors)}</tbody></table>"
    )


def render_html(
    document: Document,
    highlights: Mapping[str, str] | None = None,
    *,
    anchors: bool = True,
    inline_widths: bool = False,
    first_heading: int | None = None,
) -> SafeString:
    """`highlights` maps a cell anchor or mark to extra CSS classes (commented cells by their
    anchor, changed cells by their marks).

    `anchors=False` leaves out the cells' `data-anchor` attributes, which only the table page
    uses (to point a comment at a cell); print has no use for them. `inline_widths=True` (print)
    writes the exact column widths as inline style, which pages may not carry (CSP).

    Headings print as h(level + 1), so a book's parts are h2 and its tables' titles h3 (print
    CSS and PDF bookmarks rely on it). `first_heading` renumbers them for a page instead: the
    document's top heading becomes h{first_heading}, the others keep their distance to it, so
    a page's headings go h1 → h2 → h3 without a gap (WCAG 1.3.1; the look keeps to the
    official-hN classes).
    """
    highlights = highlights or {}
    parts: list[str] = []
    shift = 1
    if first_heading is not None:
        levels = [b.level for b in document.blocks if isinstance(b, Heading)]
        shift = first_heading - min(levels, default=first_heading)
    for i, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            level = max(1, min(block.level + shift, 6))
            parts.append(
                f'<h{level} class="official-h{int(block.level)}">{escape(block.text)}</h{level}>'
            )
        elif isinstance(block, Paragraph):
            indent = " indent" if block.indent else ""
            parts.append(f'<p class="official-p{indent}">{escape(block.text)}</p>')
        elif isinstance(block, Caption):
            parts.append(
                '<div class="official-caption">'
                f"<span>{escape(block.left)}</span><span>{escape(block.right)}</span></div>"
            )
        elif isinstance(block, Grid):
            following = document.blocks[i + 1] if i + 1 < len(document.blocks) else None
            open_below = isinstance(following, Grid) and following.joined
            parts.append(
                _grid_html(
                    block,
                    highlights,
                    open_below=open_below,
                    anchors=anchors,
                    inline_widths=inline_widths,
                )
            )
    # Safe: every text above is escaped.
    return mark_safe(
        '<article class="official-document" lang="zh-CN">' + "\n".join(parts) + "</article>"
    )
