from .base import Grade, MoneyUnit, Status, TargetTable
from .department import (
    DEPARTMENT_ROW_LISTS,
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    MixLine,
    TaskKind,
)
from .project import ProjectGoal, ProjectIndicator, ProjectTable
from .revision import Revision, RevisionAction

__all__ = [
    "DEPARTMENT_ROW_LISTS",
    "DepartmentIndicator",
    "DepartmentMeasure",
    "DepartmentSubGoal",
    "DepartmentTable",
    "DepartmentTask",
    "Grade",
    "MixLine",
    "MoneyUnit",
    "ProjectGoal",
    "ProjectIndicator",
    "ProjectTable",
    "Revision",
    "RevisionAction",
    "Status",
    "TargetTable",
    "TaskKind",
]
