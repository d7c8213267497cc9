"""Small constructors for the cells the layouts use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from budgetapp.core.formatting import format_integer, format_money, format_percent

from .document import Cell, CellFormat, CellRole, Grid


def label(text: str, *, colspan: int = 1, rowspan: int = 1, header: bool = False) -> Cell:
    return Cell(
        text, colspan=colspan, rowspan=rowspan, role=CellRole.LABEL, align="center", header=header
    )


def text(
    value: str,
    *,
    colspan: int = 1,
    rowspan: int = 1,
    anchor: str = "",
    align: str = "left",
    tight: bool = False,
    marks: tuple[str, ...] = (),
) -> Cell:
    return Cell(
        value or "",
        colspan=colspan,
        rowspan=rowspan,
        anchor=anchor,
        align=align,
        tight=tight,
        marks=marks,
    )


def money(
    value: Decimal | None,
    *,
    colspan: int = 1,
    rowspan: int = 1,
    anchor: str = "",
    marks: tuple[str, ...] = (),
) -> Cell:
    return Cell(
        format_money(value),
        colspan=colspan,
        rowspan=rowspan,
        number=value,
        fmt=CellFormat.MONEY,
        align="right",
        anchor=anchor,
        marks=marks,
    )


def percent(value: Decimal | None, *, colspan: int = 1, anchor: str = "") -> Cell:
    return Cell(
        format_percent(value),
        colspan=colspan,
        number=value,
        fmt=CellFormat.PERCENT,
        align="center",
        anchor=anchor,
    )


def integer(value: int | None, *, colspan: int = 1, anchor: str = "") -> Cell:
    return Cell(
        format_integer(value),
        colspan=colspan,
        number=value,
        fmt=CellFormat.INTEGER,
        align="center",
        anchor=anchor,
    )


def run_lengths(rows: Sequence[Any], key: Callable[[Any], Any]) -> list[int]:
    """For each row, the length of the run of equal keys it starts, or 0 inside a run.

    Used to merge the 一级/二级 cells of consecutive indicator rows as the templates do.
    """
    spans = [0] * len(rows)
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or key(rows[i]) != key(rows[start]):
            spans[start] = i - start
            start = i
    return spans


def row_marks(anchor: str, *fields: str) -> tuple[str, ...]:
    """The marks of a row cell showing `fields` of the row `anchor` ("indicator:7")."""
    return tuple(f"{anchor}/{name}" for name in fields)


def _run_marks(rows: Sequence[Any], start: int, length: int, name: str) -> tuple[str, ...]:
    return tuple(f"indicator:{row.pk}/{name}" for row in rows[start : start + length])


def indicator_category_cells(rows: Sequence[Any], *, merge_level2: bool) -> list[list[Cell]]:
    """The 一级 (and, where the template merges them, 二级) cells of each indicator row."""
    level1_spans = run_lengths(rows, lambda r: r.level1_id)
    level2_spans = run_lengths(rows, lambda r: (r.level1_id, r.level2_id))
    result: list[list[Cell]] = []
    for i, row in enumerate(rows):
        cells: list[Cell] = []
        if level1_spans[i]:
            cells.append(
                text(
                    row.level1.name,
                    rowspan=level1_spans[i],
                    align="center",
                    marks=_run_marks(rows, i, level1_spans[i], "level1"),
                )
            )
        level2_name = row.level2.name if row.level2 else ""
        if not merge_level2:
            cells.append(text(level2_name, align="center", marks=_run_marks(rows, i, 1, "level2")))
        elif level2_spans[i]:
            cells.append(
                text(
                    level2_name,
                    rowspan=level2_spans[i],
                    align="center",
                    marks=_run_marks(rows, i, level2_spans[i], "level2"),
                )
            )
        result.append(cells)
    return result


def stage_indicator_rows(
    grid: Grid,
    rows: Sequence[Any],
    *,
    headers: Sequence[str],
    values: Callable[[Any, str], list[Cell]],
) -> None:
    """The 绩效指标 block of a later-stage sheet (执行监控表, 自评表): a 绩效指标 caption down the
    left, the header row (一级, 二级, 三级指标, 年度指标值, then the stage's `headers`), and each
    row with its 一级/二级 merged over equal neighbours, its 三级指标 and 年度指标值 as copied
    from the target table, then the stage's `values(row, anchor)`."""
    grid.add(
        label("绩效指标", rowspan=len(rows) + 1),
        *(
            label(name, header=True)
            for name in ("一级指标", "二级指标", "三级指标", "年度指标值", *headers)
        ),
    )
    level1 = run_lengths(rows, lambda r: r.level1)
    level2 = run_lengths(rows, lambda r: (r.level1, r.level2))
    for i, row in enumerate(rows):
        anchor = f"row:{row.pk}"
        cells: list[Cell] = []
        if level1[i]:
            cells.append(text(row.level1, rowspan=level1[i], align="center"))
        if level2[i]:
            cells.append(text(row.level2, rowspan=level2[i], align="center"))
        cells += [
            text(row.name, anchor=anchor),
            text(row.target, anchor=anchor, align="center"),
            *values(row, anchor),
        ]
        grid.add(*cells)
