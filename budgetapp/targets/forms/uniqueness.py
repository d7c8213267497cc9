"""Which row models Django's per-row unique validation has nothing to check for (issue 17).

A ModelForm's `validate_unique` works out the row's validation exclusions and unique checks and
asks the database about each unique field; for a model whose only unique field is its id there
is nothing to ask (`Model._perform_unique_checks` skips the id of a saved row, and a new row has
none yet), so the row forms skip it (`RowForm.validate_unique`).
"""

from __future__ import annotations

from functools import cache

from django.db import models


@cache
def unique_only_by_id(model: type[models.Model]) -> bool:
    """Whether Django's unique validation of a `model` instance checks its id alone (no
    unique field, unique_together, unique constraint or unique_for_date besides it)."""
    base = models.Model
    if any(
        getattr(model, name) is not getattr(base, name)
        for name in ("validate_unique", "_get_unique_checks", "_perform_unique_checks")
    ):
        return False
    checks, date_checks = model()._get_unique_checks(include_meta_constraints=True)
    return not date_checks and all(names == (model._meta.pk.name,) for _, names in checks)
