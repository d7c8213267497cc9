"""The start page's units, as plain values and built into HTML with string operations.

A reviewer's page lists 20 units and about 300 tables: resolving each value through the
template engine and building a model instance per table was most of the page's time (issue 17).
templates/targets/_home_unit.html stays the readable reference, and renders a filer's own unit
(its filing buttons need the carry-forward offer and a CSRF token); tests/test_home_html.py
proves the HTML built here the same, byte for byte, for every state and for names that need
escaping."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import NamedTuple

from django.utils.safestring import SafeString, mark_safe

from budgetapp.units.models import Unit

from ..models import Status

# The project table's fields the list shows, in ListedProject's order.
PROJECT_FIELDS = (
    "pk",
    "unit_id",
    "name",
    "code",
    "budget_total",
    "money_unit",
    "status",
    "sequence",
    "indicator_count",
)

_EDITABLE = frozenset(Status.editable())
_LABELS = {status.value: str(status.label) for status in Status}


class ListedProject(NamedTuple):
    """A project table as the start page lists it (no model instance per table)."""

    pk: int
    unit_id: int
    name: str
    code: str
    budget_total: Decimal | None
    money_unit: str
    status: str
    sequence: int
    indicator_count: int

    @property
    def title(self) -> str:
        """As ProjectTable.title (tests/test_home_html.py compares them)."""
        prefix = f"{self.sequence}." if self.sequence else ""
        return f"{prefix}{self.name}绩效目标表"

    @property
    def is_editable(self) -> bool:
        return self.status in _EDITABLE


class ListedDepartment(NamedTuple):
    """A unit's 部门整体 table as the start page lists it: what _home_unit.html reads of it."""

    pk: int
    status: str

    def get_status_display(self) -> str:
        return _LABELS.get(self.status, self.status)

    @property
    def is_editable(self) -> bool:
        return self.status in _EDITABLE


_HEAD = (
    '<thead class="table-light"><tr><th scope="col">表格</th><th scope="col">项目编码</th>'
    '<th scope="col" class="text-end">预算数</th><th scope="col">指标数</th>'
    '<th scope="col">状态</th><th scope="col">操作</th></tr></thead>'
)


def unit_section_html(
    unit: Unit,
    year: int,
    department: ListedDepartment | None,
    department_url: str,
    projects: list[ListedProject],
    project_rows: str,
    books: dict[str, str],
) -> SafeString:
    """One unit's section of a unit the user does not file for, as _home_unit.html renders it
    with `entry.can_file` false (the filing buttons and the 编辑/填报 links left out)."""
    pk = unit.pk
    if department is not None:
        status = escape(department.status)
        label = escape(department.get_status_display())
        department_cells = (
            "\n      \n"
            f'      <td><span class="badge status-{status}">{label}</span></td>\n'
            f'      <td><a href="{escape(department_url)}">查看</a>\n'
            "        </td>\n      \n"
        )
    else:
        department_cells = (
            "\n      \n"
            '      <td><span class="text-muted">未填报</span></td>\n'
            "      <td></td>\n      \n"
        )
    if department is not None or projects:
        downloads = (
            f'<p class="small" data-role="book-downloads">下载本单位{year}年全本：'
            f'<a href="{escape(books["pdf"])}">PDF</a> · <a href="{escape(books["xlsx"])}">Excel</a>'
            "；全年合订本（绩效目标表、执行监控表、绩效自评表）："
            f'<a href="{escape(books["year_pdf"])}" aria-label="全年合订本 PDF">PDF</a> · '
            f'<a href="{escape(books["year_xlsx"])}" aria-label="全年合订本 Excel">Excel</a></p>'
        )
    else:
        downloads = ""
    empty = (
        ""
        if projects
        else '\n    <tr><td colspan="6" class="text-muted">本年度尚无项目支出绩效目标表。</td></tr>\n    '
    )
    return mark_safe(
        f'\n<section class="mb-4" data-unit="{pk}">\n'
        f'  <h2 class="h5">{escape(str(unit))}</h2>\n'
        f'  <div class="table-scroll" role="region" aria-labelledby="unit-{pk}-caption"'
        ' tabindex="0">\n'
        '  <table class="table table-sm table-bordered align-middle">\n'
        f'    <caption id="unit-{pk}-caption" class="table-caption">{year}年：部门整体绩效目标'
        f"{'' if department is not None else '（未填报）'}和项目表 {len(projects)} 张</caption>\n"
        f"    {_HEAD}\n"
        "    <tbody>\n"
        "    <tr>\n"
        "      <td>部门整体绩效目标</td><td></td><td></td><td></td>"
        f"{department_cells}"
        "    </tr>\n"
        f"    {project_rows}\n"
        f"    {empty}\n"
        "    </tbody>\n"
        "  </table>\n"
        "  </div>\n"
        f"  {downloads}\n"
        "  \n"
        "</section>\n"
    )
