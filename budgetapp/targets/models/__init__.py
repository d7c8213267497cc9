from .base import MoneyUnit, Status, TargetTable
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

__all__ = [
    "DepartmentIndicator",
    "DepartmentMeasure",
    "DepartmentSubGoal",
    "DepartmentTable",
    "DepartmentTask",
    "MixLine",
    "MoneyUnit",
    "ProjectGoal",
    "ProjectIndicator",
    "ProjectTable",
    "Status",
    "TargetTable",
    "TaskKind",
]
