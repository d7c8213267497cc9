"""What the editor of a table binds: its form and its lists of rows, in page order.

The editor pages (targets/views) and the live 智能审核 (checks/views.py, which checks what is
typed before it is saved) bind exactly the same forms from the same POST, so both come from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.forms import BaseFormSet, ModelForm
from django.http import QueryDict

from ..models import TargetTable
from .rows import (
    DEPARTMENT_INDICATOR_COLUMNS,
    INDICATOR_COLUMNS,
    DepartmentMeasureFormSet,
    DepartmentSubGoalFormSet,
    DepartmentTaskFormSet,
    ProjectGoalFormSet,
    ProjectIndicatorFormSet,
    department_indicator_formset,
)
from .tables import DEPARTMENT_FORMSETS, ProjectTableForm, department_form_class


@dataclass
class RowSection:
    """One list of repeating rows on the page."""

    key: str  # formset prefix and the related name on the table
    title: str
    formset_class: type[BaseFormSet]
    columns: list[tuple[str, str]]  # (field name, column heading) in display order
    add_label: str = "添加一行"


PROJECT_SECTIONS = [
    RowSection(
        "goals", "绩效目标", ProjectGoalFormSet, [("text", "绩效目标")], add_label="添加一条目标"
    ),
    RowSection(
        "indicators",
        "绩效指标",
        ProjectIndicatorFormSet,
        INDICATOR_COLUMNS,
        add_label="添加指标",
    ),
]

DEPARTMENT_ROW_SECTIONS = {
    "sub_goals": RowSection(
        "sub_goals",
        "分项绩效目标",
        DepartmentSubGoalFormSet,
        [("title", "标题"), ("text", "内容")],
        "添加分项目标",
    ),
    "measures": RowSection(
        "measures",
        "工作保障措施",
        DepartmentMeasureFormSet,
        [("title", "标题"), ("text", "内容")],
        "添加保障措施",
    ),
    "tasks": RowSection(
        "tasks",
        "年度重点工作任务",
        DepartmentTaskFormSet,
        [
            ("kind", "类别"),
            ("name", "名称"),
            ("content", "主要实施内容"),
            ("amount", "拟投入的资金"),
            ("outcome", "期望达到的目标"),
        ],
        "添加任务",
    ),
}


def _indicator_section(layout: str) -> RowSection:
    return RowSection(
        "indicators",
        "绩效指标",
        department_indicator_formset(layout),
        DEPARTMENT_INDICATOR_COLUMNS[layout],
        "添加指标",
    )


def department_sections(layout: str) -> list[RowSection]:
    """The row lists the editor of a department table in `layout` shows, in page order."""
    return [
        _indicator_section(layout) if key == "indicators" else DEPARTMENT_ROW_SECTIONS[key]
        for key in DEPARTMENT_FORMSETS[layout]
    ]


def editor_forms(table: TargetTable) -> tuple[type[ModelForm], list[RowSection]]:
    """The form class and the row lists of the table's editor (the unit's layout decides a
    department table's)."""
    if table.kind == "project":
        return ProjectTableForm, PROJECT_SECTIONS
    layout = table.unit.layout
    return department_form_class(layout), department_sections(layout)


def bind(
    data: QueryDict | None,
    table: TargetTable,
    form_class: type[ModelForm],
    sections: list[RowSection],
) -> tuple[ModelForm, list[tuple[RowSection, BaseFormSet]]]:
    """The form and the formsets of the editor, bound to `data` (None: unbound, as loaded)."""
    form = form_class(data, instance=table)
    formsets = [
        (
            section,
            section.formset_class(
                data,
                instance=table,
                prefix=section.key,
                framework=table.framework,
                regroup=True,
            ),
        )
        for section in sections
    ]
    for section, formset in formsets:
        _check_rows_show_every_field(section, formset)
    return form, formsets


def bind_editor(
    data: QueryDict | None, table: TargetTable
) -> tuple[ModelForm, list[tuple[RowSection, BaseFormSet]]]:
    """`bind` with the table's own editor forms."""
    form_class, sections = editor_forms(table)
    return bind(data, table, form_class, sections)


# The (formset class, columns) pairs found to show every field: the check builds a blank row,
# which a save needs for nothing else.
_CHECKED: set[tuple[type[BaseFormSet], tuple[tuple[str, str], ...]]] = set()


def _check_rows_show_every_field(section: RowSection, formset: BaseFormSet) -> None:
    """A row field the page does not show would be posted empty and could block every save
    (issue 12): refuse such a pairing of columns and formset at once, in every test."""
    pairing = (type(formset), tuple(section.columns))
    if pairing in _CHECKED:
        return
    shown = {name for name, _ in section.columns}
    form = formset.empty_form
    unshown = [
        name
        for name, field in form.fields.items()
        if name not in shown and name != "DELETE" and not field.widget.is_hidden
    ]
    if unshown:
        raise ImproperlyConfigured(
            f"row section {section.key!r} does not show the form fields {unshown}"
        )
    _CHECKED.add(pairing)
