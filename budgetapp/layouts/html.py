"""Render a layout `Document` as accessible HTML (real table headers, text as typed)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .document import Caption, Cell, CellRole, Document, Grid, Heading, Paragraph


def _cell_html(cell: Cell, highlights: Mapping[str, str], *, in_head: bool = False) -> SafeString:
    tag = "th" if cell.role == CellRole.LABEL else "td"
    attrs = []
    if cell.colspan > 1:
        attrs.append(format_html(' colspan="{}"', cell.colspan))
    if cell.rowspan > 1:
        attrs.append(format_html(' rowspan="{}"', cell.rowspan))
    if tag == "th":
        attrs.append(mark_safe(' scope="col"' if cell.header or in_head else ""))
    if cell.anchor:
        attrs.append(format_html(' data-anchor="{}"', cell.anchor))
    classes = f"cell-{cell.role} align-{cell.align}"
    if cell.tight:
        classes += " cell-tight"
    if cell.anchor in highlights:
        classes += f" {highlights[cell.anchor]}"
    lines = cell.text.split("\n")
    body = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
    return format_html(
        '<{} class="{}"{}>{}</{}>', tag, classes, mark_safe("".join(attrs)), body, tag
    )


def _rows_html(
    rows: list[list[Cell]], highlights: Mapping[str, str], *, in_head: bool = False
) -> SafeString:
    return format_html_join(
        "\n",
        "<tr>{}</tr>",
        (
            (mark_safe("".join(_cell_html(c, highlights, in_head=in_head) for c in row)),)
            for row in rows
        ),
    )


def _grid_html(grid: Grid, highlights: Mapping[str, str], *, open_below: bool) -> SafeString:
    """A grid's leading `header_rows` form a <thead>, which print repeats on every page.

    `open_below`: the next grid is joined under this one, so the two print as one table.
    """
    total = sum(grid.widths) or 1
    cols = format_html_join(
        "", '<col style="width:{}%">', ((f"{w * 100 / total:.2f}",) for w in grid.widths)
    )
    classes = "official-grid"
    if grid.joined:
        classes += " official-grid-joined"
    if open_below:
        classes += " official-grid-open"
    head_rows, body_rows = grid.rows[: grid.header_rows], grid.rows[grid.header_rows :]
    head = (
        format_html("<thead>{}</thead>", _rows_html(head_rows, highlights, in_head=True))
        if head_rows
        else ""
    )
    return format_html(
        '<table class="{}"><colgroup>{}</colgroup>{}<tbody>{}</tbody></table>',
        classes,
        cols,
        head,
        _rows_html(body_rows, highlights),
    )


def render_html(document: Document, highlights: Mapping[str, str] | None = None) -> SafeString:
    """`highlights` maps a cell anchor to extra CSS classes (changed cells, commented cells)."""
    highlights = highlights or {}
    parts: list[SafeString] = []
    for i, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)
            parts.append(
                format_html(
                    '<h{} class="official-h{}">{}</h{}>', level, block.level, block.text, level
                )
            )
        elif isinstance(block, Paragraph):
            parts.append(
                format_html(
                    '<p class="official-p{}">{}</p>', " indent" if block.indent else "", block.text
                )
            )
        elif isinstance(block, Caption):
            parts.append(
                format_html(
                    '<div class="official-caption"><span>{}</span><span>{}</span></div>',
                    block.left,
                    block.right,
                )
            )
        elif isinstance(block, Grid):
            following = document.blocks[i + 1] if i + 1 < len(document.blocks) else None
            open_below = isinstance(following, Grid) and following.joined
            parts.append(_grid_html(block, highlights, open_below=open_below))
    return format_html(
        '<article class="official-document" lang="zh-CN">{}</article>', mark_safe("\n".join(parts))
    )
