"""The project's domain errors: a write or a read the domain refuses.

Services of every app raise these (or subclasses of `TableError`); views catch them and show the
message, which is written for the user, in Chinese. They live in core so that any app can raise
or catch them without importing another app's services.
"""

from __future__ import annotations


class TableError(Exception):
    """A write the domain refuses; the message is shown to the user."""


class NotAllowed(TableError):
    """The user's role or units do not allow this action on this object."""
