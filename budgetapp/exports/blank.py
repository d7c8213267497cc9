"""Blank templates: the official layout of each table kind with no values, to print and fill by
hand (PDF) or to fill in Excel and import (XLSX).

A blank is built by the very layout functions that print real tables (`layouts/`), given a
stand-in table: an unsaved model instance (every field empty, every derived value computed as
for a real table) whose related rows are empty stand-ins: a few indicator rows under each 一级
category of the year's framework, a few goals, tasks and projects. So a blank cannot drift
from the layout it is the blank of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import Any

from django.db import models

from budgetapp.indicators.models import Category
from budgetapp.layouts.department import DEPARTMENT_LAYOUTS
from budgetapp.layouts.document import Document, Heading, Paragraph
from budgetapp.layouts.project import project_document
from budgetapp.targets.models import DepartmentTable, ProjectTable, TaskKind
from budgetapp.units.models import BudgetYear, LayoutFamily

from .book import Book, BookEntry, Part, safe_filename

PROJECT = "project"
# What a blank can be drawn for: the project table (one layout everywhere) and the department
# table in each regional layout.
BLANK_LAYOUTS: dict[str, str] = {
    PROJECT: "项目支出绩效目标表",
    LayoutFamily.HEBEI: "部门整体绩效目标（河北，文字式）",
    LayoutFamily.GUANGDONG: "部门整体预算绩效目标表（广东）",
    LayoutFamily.HUBEI: "整体支出绩效目标表（湖北）",
}
MONEY_UNITS = ("元", "万元")
ROWS_PER_LEVEL1 = 3
ITEMS = 3  # goals, tasks, projects, narrative items
# An empty line of a narrative: one line tall on paper; read as nothing on import.
EMPTY_LINE = "\u3000"


class BlankError(ValueError):
    pass


@dataclass
class _Unit:
    layout: str
    code: str = ""
    name: str = ""


class _Rows(list):
    """Stands in for a related manager: `.all()` gives the rows."""

    def all(self) -> _Rows:
        return self


@dataclass
class _Category:
    name: str


@dataclass
class _Indicator:
    level1: _Category
    level1_id: int
    level2_id: int  # each row its own, so no two blank 二级 cells are merged
    level2: None = None
    pk: None = None
    goal_no: int = 1
    name: str = ""
    description: str = ""
    target: str = ""
    basis: str = ""
    value_prev1: str = ""
    value_prev2: str = ""


@dataclass
class _Item:
    """A goal, task, narrative item or listed project, empty."""

    pk: None = None
    kind: str = TaskKind.KEY
    order: int = 0
    title: str = ""
    text: str = ""
    name: str = ""
    content: str = ""
    amount: None = None
    outcome: str = ""
    total_budget: None = None
    budget_total: None = None
    fund_use: str = ""


@dataclass
class _Blank:
    """An unsaved table with empty rows: layout functions read it like a real table."""

    table: Any
    unit: _Unit
    title: str
    rows: list[_Indicator]
    items: dict[str, _Rows] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name in self.items:
            return self.items[name]
        return getattr(self.table, name)

    def indicator_rows(self) -> list[_Indicator]:
        return list(self.rows)

    def project_tables(self) -> _Rows:
        return self.items["projects"]


def _indicator_rows(year: BudgetYear, per_level1: int = ROWS_PER_LEVEL1) -> list[_Indicator]:
    level1 = Category.objects.filter(framework=year.framework, parent__isnull=True).order_by(
        "order", "pk"
    )
    numbers = count(1)
    return [
        _Indicator(level1=_Category(category.name), level1_id=category.pk, level2_id=next(numbers))
        for category in level1
        for _ in range(per_level1)
    ]


def blank_document(layout: str, year: BudgetYear, money_unit: str = "元") -> Document:
    """The empty official layout `layout` (a key of BLANK_LAYOUTS) for budget year `year`."""
    if layout not in BLANK_LAYOUTS:
        raise BlankError("没有这种版式。")
    if money_unit not in MONEY_UNITS:
        raise BlankError("金额单位只能是元或万元。")
    rows = _indicator_rows(year)

    def empty(table):
        # No value at all, not the model's defaults (a 0.00 其他资金 would print).
        for model_field in table._meta.concrete_fields:
            if isinstance(model_field, (models.DecimalField, models.IntegerField)) and not (
                model_field.primary_key or model_field.is_relation
            ):
                setattr(table, model_field.attname, None)
        return table

    items = lambda **kw: _Rows(_Item(order=i, **kw) for i in range(1, ITEMS + 1))  # noqa: E731
    if layout == PROJECT:
        table = empty(ProjectTable(year=year, framework=year.framework, money_unit=money_unit))
        blank = _Blank(
            table,
            _Unit(layout=PROJECT),  # the caption line left for the unit
            "项目支出绩效目标表",
            rows,
            {"goals": _Rows()},  # one empty 绩效目标 cell, not "1." "2." "3."
        )
        return project_document(blank)
    table = empty(DepartmentTable(year=year, framework=year.framework, money_unit=money_unit))
    blank = _Blank(
        table,
        _Unit(layout=layout),
        f"{year.year}年部门整体绩效目标",
        rows,
        {
            "tasks": items(kind=TaskKind.KEY),
            "sub_goals": items(),
            "measures": items(),
            "projects": items(),
        },
    )
    document = DEPARTMENT_LAYOUTS[layout](blank)
    return _with_room_to_write(document) if layout == LayoutFamily.HEBEI else document


def _with_room_to_write(document: Document) -> Document:
    """The narrative layout prints what was typed: a blank gets empty lines under each heading."""
    blocks: list = []
    for block in document.blocks:
        if isinstance(block, Paragraph) and not block.text.strip(" 、0123456789"):
            continue  # an empty numbered item ("1、"): the lines below replace it
        blocks.append(block)
        if isinstance(block, Heading) and block.level == 2:
            blocks += [Paragraph(EMPTY_LINE) for _ in range(ITEMS * 2)]
    return Document(title=document.title, blocks=blocks)


def blank_book(layout: str, year: BudgetYear, money_unit: str = "元") -> Book:
    label = BLANK_LAYOUTS.get(layout, "")
    document = blank_document(layout, year, money_unit)
    return Book(
        title=f"{label}（空白模板）",
        author="",
        filename=safe_filename(f"空白模板_{year.year}_{label}"),
        parts=[Part(heading="", entries=[BookEntry(label=label[:31], document=document)])],
        blank=True,
    )
