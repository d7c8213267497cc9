"""The lines of the official grids, drawn by us rather than as CSS borders (an accelerator).

Every cell of an official grid (`table.official-grid` of layouts/html.py) has a 0.5 pt black
line on each side, as in the seeds. As CSS borders (print.css, the stock path), WeasyPrint
resolves the collapsed border of every grid edge while it lays the table out, then draws each
edge of each cell as its own marked, saved and restored line: together about a tenth of the
print time of a table.

With this accelerator on, `CSS` is added after print.css: the grids have no borders and are
laid out as a collapsed 0.5 pt grid would be, cells padded by half a line more on each side,
tables by half a line (`box-decoration-break: clone` keeps that on every page a table continues
on). Every text then sits exactly where it sits with borders. When WeasyPrint paints a page
(`Page.paint`, wrapped per page, with the page's private `_page_box`), the page's grid lines
are stroked after it as one path, marked as an artifact as WeasyPrint marks borders (the tag
tree is unchanged): on each edge of the table's grid where a cell has a side, running half a
line past where another line meets it, as collapsed borders are drawn. A cell spanning rows
across a page break stays open at the break, as it does with borders.

Not reproduced: WeasyPrint leaves the line open where a cell's own content breaks over a page;
rows do not break inside (print.css), so that happens only to a row taller than a page. Its
cells are drawn closed on each page, and the rest of their text sits 0.25 pt higher on the
next page (checked with a 3,200-character description running over six pages).

Also not reproduced: a cell spanning both rows and columns that runs over a page is drawn on
the next page as one cell per column (WeasyPrint lays out no cell there, and two cells side by
side ending on the same row look the same); the layouts' only such cell heads a table.

tests/test_exports_speed.py prints the demo books both ways and compares the pages pixel by
pixel and the text's position and order.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

from functools import partial

# The versions of the libraries whose internals this uses (WeasyPrint's boxes, Page.paint and
# its drawing stream), on which it was proven to print what print.css's borders print.
PROVEN_ON = {"weasyprint": "70.0"}

# The line of print.css's grids, in CSS pixels (0.5 pt); `CSS` pads by half of it.
LINE_WIDTH = 0.5 * 96 / 72
GRID_CLASS = "official-grid"
# After print.css: no borders, and the room they took as padding (print.css: 0.5 pt borders,
# cells padded 2 pt 3 pt). Change the line here, in print.css and in LINE_WIDTH together.
CSS = """
.official-grid { border-collapse: separate; border-spacing: 0; padding: 0.25pt; }
.official-grid th, .official-grid td { border: none; padding: 2.25pt 3.25pt; }
"""

__all__ = ["CSS", "GRID_CLASS", "LINE_WIDTH", "PROVEN_ON", "draw_grid_lines", "grid_lines"]


def draw_grid_lines(document) -> None:
    """Have each page of a laid-out WeasyPrint `document` stroke its grids' lines when painted."""
    for page in document.pages:
        lines = grid_lines(page._page_box)
        if lines:
            page.paint = partial(_paint, page.paint, lines)


def grid_lines(page_box) -> list[tuple[float, float, float, float]]:
    """The lines (x1, y1, x2, y2 in CSS px) of the official grids laid out on a page."""
    lines: dict[tuple[float, float, float, float], None] = {}  # in order, without repeats
    for table in _grids(page_box):
        for x1, y1, x2, y2 in _table_lines(table):
            lines[(round(x1, 4), round(y1, 4), round(x2, 4), round(y2, 4))] = None
    return list(lines)


def _table_lines(table):
    """The lines of one table's part on this page, as WeasyPrint draws collapsed borders.

    The grid is cut into edges (a row's height or a column's width): an edge has a line when
    a cell has a side there. A line runs half its width past each end where another line
    meets it, so that corners close; runs of edges are drawn as one line.
    """
    rows, cells = [], []
    for group in table.children:
        rows.extend(group.children)
        cells.extend(_group_cells(group.children, len(rows) - len(group.children), table))
    if not rows:
        return
    columns = len(table.column_widths)
    horizontal = [[False] * columns for _ in range(len(rows) + 1)]  # [boundary][column]
    vertical = [[False] * (columns + 1) for _ in rows]  # [row][boundary]
    for column, span, first, last, top, bottom in cells:
        for x in range(column, column + span):
            horizontal[first][x] |= top
            horizontal[last + 1][x] |= bottom
        for y in range(first, last + 1):
            vertical[y][column] = vertical[y][column + span] = True

    half = LINE_WIDTH / 2
    xs = [*table.column_positions, table.column_positions[-1] + table.column_widths[-1]]
    ys = [row.position_y for row in rows] + [rows[-1].position_y + rows[-1].height]

    def meets_vertical(y, x):
        return (y > 0 and vertical[y - 1][x]) or (y < len(rows) and vertical[y][x])

    def meets_horizontal(y, x):
        return (x > 0 and horizontal[y][x - 1]) or (x < columns and horizontal[y][x])

    for y, edges in enumerate(horizontal):
        for start, end in _runs(edges):
            left = xs[start] - half * meets_vertical(y, start)
            right = xs[end] + half * meets_vertical(y, end)
            yield (left, ys[y], right, ys[y])
    for x in range(columns + 1):
        for start, end in _runs([vertical[y][x] for y in range(len(rows))]):
            top = ys[start] - half * meets_horizontal(start, x)
            bottom = ys[end] + half * meets_horizontal(end, x)
            yield (xs[x], top, xs[x], bottom)


def _group_cells(rows, offset: int, table):
    """(column, span, first row, last row, top line, bottom line) of a row group's cells.

    A cell spanning rows that go on to the next page has no line at its bottom here, and
    the rest of it, at the top of the next page (where WeasyPrint lays out the rows but no
    cell), has none at its top: the grid is the whole table's, as with collapsed borders.
    """
    covered = [[False] * len(table.column_widths) for _ in rows]
    for index, row in enumerate(rows):
        for cell in row.children:
            end = index + cell.rowspan  # past the last row the cell spans
            last = min(end, len(rows)) - 1
            for spanned in covered[index : last + 1]:
                spanned[cell.grid_x : cell.grid_x + cell.colspan] = [True] * cell.colspan
            yield (cell.grid_x, cell.colspan, offset + index, offset + last, True, end <= len(rows))
    for column in range(len(table.column_widths)):
        height = 0
        while height < len(rows) and not covered[height][column]:
            height += 1
        if height:  # a cell that began on the previous page
            yield (column, 1, offset, offset + height - 1, False, True)


def _runs(edges):
    """(start, end) of each run of True in `edges`: edges start … end - 1."""
    start = None
    for index, edge in enumerate([*edges, False]):
        if edge and start is None:
            start = index
        elif not edge and start is not None:
            yield start, index
            start = None


def _grids(box):
    """The official grid tables under `box`, in document order (not looking into lines)."""
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TableBox):
            if GRID_CLASS in (child.element.get("class") or "").split():
                yield child
        elif isinstance(child, boxes.ParentBox) and not isinstance(child, boxes.LineBox):
            yield from _grids(child)


def _paint(paint, lines, stream, scale=1) -> None:
    paint(stream, scale)
    with stream.artifact(), stream.stacked():
        stream.transform(a=scale, d=scale)
        stream.set_color_rgb(0, 0, 0, stroke=True)
        stream.set_line_width(LINE_WIDTH)
        for x1, y1, x2, y2 in lines:
            stream.move_to(x1, y1)
            stream.line_to(x2, y2)
        stream.stroke()
