from .rows import (
    DepartmentIndicatorFormSet,
    DepartmentMeasureFormSet,
    DepartmentSubGoalFormSet,
    DepartmentTaskFormSet,
    ProjectGoalFormSet,
    ProjectIndicatorFormSet,
)
from .tables import (
    DEPARTMENT_FORMSETS,
    DEPARTMENT_SECTIONS,
    ProjectTableForm,
    department_form_class,
)

__all__ = [
    "DEPARTMENT_FORMSETS",
    "DEPARTMENT_SECTIONS",
    "DepartmentIndicatorFormSet",
    "DepartmentMeasureFormSet",
    "DepartmentSubGoalFormSet",
    "DepartmentTaskFormSet",
    "ProjectGoalFormSet",
    "ProjectIndicatorFormSet",
    "ProjectTableForm",
    "department_form_class",
]
