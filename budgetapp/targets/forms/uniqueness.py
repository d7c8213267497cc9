"""Which row models Django's unique validation has nothing to check for (issue 17).

A ModelForm's `validate_unique` works out the row's validation exclusions and unique checks and
asks the database about each unique field; for a model whose only unique field is its id there
is nothing to ask (`Model._perform_unique_checks` skips the id of a saved row, and a new row has
none yet), so the row forms skip it (`RowForm.validate_unique`). The formset's check across its
rows (`BaseModelFormSet.validate_unique`) works out each row's exclusions and checks again, to
compare the rows' values of each unique field: the id is the only one, and it is excluded (the
row forms' `Meta.fields` do not name it), so there is nothing to compare (`RowsUniqueById`).
"""

from __future__ import annotations

from functools import cache

from django.db import models
from django.forms.models import BaseModelFormSet


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


class RowsUniqueById(BaseModelFormSet):
    """In a row formset's bases, before `BaseModelFormSet`."""

    def validate_unique(self) -> None:
        fields = self.form._meta.fields
        if unique_only_by_id(self.model) and fields and self.model._meta.pk.name not in fields:
            return
        super().validate_unique()
