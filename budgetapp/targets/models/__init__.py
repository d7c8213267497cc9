from .base import Grade, MoneyUnit, Status, TargetTable
from .department import (
    DepartmentIndicator,
    DepartmentMeasure,
    DepartmentSubGoal,
    DepartmentTable,
    DepartmentTask,
    MixLine,
    TaskKind,
)
from .project import ProjectGoal, ProjectIndicator, ProjectTable
from .revision import Revision

__all__ = [
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
    "Status",
    "TargetTable",
    "TaskKind",
]
