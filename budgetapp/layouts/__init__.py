"""Official layouts: descriptions of the printed tables, and their renderers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from budgetapp.targets.models import TargetTable

    from .department import ProjectLine
    from .document import Document


def document_for(table: TargetTable, *, projects: Iterable[ProjectLine] | None = None) -> Document:
    """The layout description of a project or department table (`projects`: see
    department.hubei_department_document)."""
    from budgetapp.targets.models import DepartmentTable, ProjectTable

    from .department import department_document
    from .project import project_document

    # The models are imported here: this package is imported before the app registry is ready.
    if isinstance(table, ProjectTable):
        return project_document(table)
    if isinstance(table, DepartmentTable):
        return department_document(table, projects=projects)
    raise TypeError(f"no official layout for {type(table).__name__}")
