"""Official layouts: descriptions of the printed tables, and their renderers."""

from __future__ import annotations


def document_for(table):
    """The layout description of a project or department table."""
    from .department import department_document
    from .project import project_document

    return project_document(table) if table.kind == "project" else department_document(table)
