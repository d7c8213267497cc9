"""A save's rows as a read of them right after it would give them, without that read.

The revision of a save (revisions.py) shows the rows as they are stored: its snapshot and its
frozen layout read every row list of the table again, some 140 model instances for a 20-row
project table, a quarter of a save's CPU (issue 17). The editor's formsets hold those very rows
already: the ones they read, changed in memory and written, and the new ones. `as_read` hands
them over only where they are provably what a read would return, else answers None and the
revision reads them as before:

- the same rows: the formset read every row of the table (its queryset is not narrowed), each
  row form of a saved row holds that very instance, and no other write can have changed the
  rows between that read and the save's row lock: every write of rows goes through
  `services._save_with_rows`, which bumps the version under the lock, so a save whose rows
  changed meanwhile is refused as stale (the caller hands rows only on paths that checked
  the version);
- the same values: every stored field holds a value of the very type the database gives back
  (`str`, `int`, None where the column is nullable), a Decimal is rewritten to the places of
  its column (PostgreSQL's numeric and Django's SQLite converter both answer `1.50` for a
  written `1.5`) and only when that is exact: no rounding, no negative zero, at most 15
  significant digits (SQLite may keep a REAL, whose round trip keeps 15);
- the same related rows: the ones a read would `select_related` are cached on each row (an
  indicator row's 一级/二级 from the categories its form validated);
- the same order: sorted by the model's `Meta.ordering`, plain ascending fields only.

tests/test_saved_rows.py compares revisions built so with revisions built from a fresh read.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import models

_INTEGERS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,  # the positive and small ones are subclasses
    models.ForeignKey,  # the rows' foreign keys point at automatic integer ids
)
_TEXTS = (models.CharField, models.TextField)
# Significant digits of a Decimal SQLite gives back exactly (it stores a REAL).
_EXACT_DIGITS = 15


def as_read(
    model: type[models.Model], rows: Sequence[models.Model], *, related: Sequence[str] = ()
) -> list[models.Model] | None:
    """`rows` (every row of one table, just written) as `model`'s manager would read them with
    `select_related(*related)`: in its order, Decimals with their column's places (a copy of
    the row where that changes a value; the caller's instances are left as they are). None
    where that cannot be proved for every row."""
    ordering = _ordering(model)
    if ordering is None:
        return None
    fields = model._meta.concrete_fields
    found: list[models.Model] = []
    for row in rows:
        if row.pk is None or not all(_cached(row, path) for path in related):
            return None
        stored: dict[str, Decimal] = {}
        for field in fields:
            value = row.__dict__.get(field.attname, _MISSING)
            kept = _as_stored(field, value)
            if kept is _MISSING:
                return None
            if kept is not value:
                stored[field.attname] = kept
        if stored:
            row = copy.copy(row)
            row.__dict__.update(stored)
        found.append(row)
    if len({row.pk for row in found}) != len(found):
        return None
    found.sort(key=lambda row: tuple(getattr(row, name) for name in ordering))
    return found


_MISSING: Any = object()


def _as_stored(field: models.Field[Any, Any], value: Any) -> Any:
    """The value a read gives back for `value` written to `field` (the same object when it is
    that already), or _MISSING when that is not certain."""
    if value is None:
        return None if field.null else _MISSING
    if isinstance(field, models.DecimalField):
        return _decimal_as_stored(field, value) if type(value) is Decimal else _MISSING
    if isinstance(field, _INTEGERS):
        return value if type(value) is int else _MISSING
    if isinstance(field, _TEXTS):
        return value if type(value) is str else _MISSING
    return _MISSING


def _decimal_as_stored(field: models.DecimalField[Any, Any], value: Decimal) -> Any:
    if not value.is_finite() or field.decimal_places is None or field.max_digits is None:
        return _MISSING
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    places = field.decimal_places
    if exponent < -places:
        return _MISSING  # the database would round it
    nonzero = [i for i, digit in enumerate(digits) if digit]
    if not nonzero and sign:
        return _MISSING  # -0: not every database keeps the sign
    if nonzero and nonzero[-1] - nonzero[0] + 1 > _EXACT_DIGITS:
        return _MISSING  # SQLite would not give these digits back
    stored = digits + (0,) * (exponent + places)
    if len(stored) > field.max_digits:
        return _MISSING  # the database refuses it (the save fails before any revision)
    if exponent == -places:
        return value
    return Decimal((sign, stored, -places))


def _cached(row: models.Model, path: str) -> bool:
    """Whether the related rows of `path` ("level2__parent") are loaded on `row`, as
    `select_related(path)` leaves them (a None on the way ends the path)."""
    current: models.Model | None = row
    for name in path.split("__"):
        if current is None:
            return True
        field = current._meta.get_field(name)
        if not field.is_cached(current):  # type: ignore[union-attr]
            return False
        current = field.get_cached_value(current)  # type: ignore[union-attr]
    return True


def _ordering(model: type[models.Model]) -> list[str] | None:
    """The attribute names the model's default ordering sorts by, or None when it is not a
    plain list of ascending fields (Python would have to copy the database's rules)."""
    names = []
    for entry in model._meta.ordering or ():
        if not isinstance(entry, str) or entry.startswith(("-", "?")) or "__" in entry:
            return None
        if entry != "pk":
            field = model._meta.get_field(entry)
            # Not a foreign key: the database would sort by the related model's ordering.
            if not isinstance(field, models.IntegerField) or field.null:
                return None
        names.append(entry)
    if not names or names[-1] != "pk":
        return None  # the last key must make the order total, as the pk does
    return names
