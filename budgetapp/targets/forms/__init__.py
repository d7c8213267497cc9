from .rows import (
    DEPARTMENT_INDICATOR_COLUMNS,
    INDICATOR_COLUMNS,
    DepartmentIndicatorFormSet,
    DepartmentMeasureFormSet,
    DepartmentSubGoalFormSet,
    DepartmentTaskFormSet,
    ProjectGoalFormSet,
    ProjectIndicatorFormSet,
    department_indicator_formset,
)
from .tables import (
    DEPARTMENT_FORMSETS,
    DEPARTMENT_SECTIONS,
    ProjectTableForm,
    department_form_class,
)

__all__ = [
    "DEPARTMENT_FORMSETS",
    "DEPARTMENT_INDICATOR_COLUMNS",
    "INDICATOR_COLUMNS",
    "DEPARTMENT_SECTIONS",
    "DepartmentIndicatorFormSet",
    "DepartmentMeasureFormSet",
    "DepartmentSubGoalFormSet",
    "DepartmentTaskFormSet",
    "ProjectGoalFormSet",
    "ProjectIndicatorFormSet",
    "ProjectTableForm",
    "department_form_class",
    "department_indicator_formset",
]
