"""The official layout frozen into each revision (the history page shows an old version exactly
as it printed).

The layouts app builds on the target models, so targets must not import it: dependencies point
one way (docs/design.md, "Layers"). The layouts app hands its builder over at start-up instead
(`LayoutsConfig.ready`); a revision written without one (a project that does not install the
layouts app) simply has no frozen layout, which the history page already handles.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import TargetTable

LayoutBuilder = Callable[[TargetTable], dict]

_builder: LayoutBuilder | None = None


def use_layout_builder(builder: LayoutBuilder | None) -> None:
    """Set the function that turns a table into its layout as JSON (None: freeze nothing)."""
    global _builder
    _builder = builder


def frozen_layout(table: TargetTable) -> dict | None:
    """The table's official layout now, as JSON kept in its revision."""
    return _builder(table) if _builder is not None else None
