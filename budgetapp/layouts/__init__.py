"""Official layouts: descriptions of the printed tables, and their renderers."""

from __future__ import annotations


def document_for(table, *, projects=None):
    """The layout description of a project or department table (`projects`: see
    department.hubei_department_document)."""
    from .department import department_document
    from .project import project_document

    if table.kind == "project":
        return project_document(table)
    return department_document(table, projects=projects)
