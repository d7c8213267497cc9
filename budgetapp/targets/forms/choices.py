"""Choices read once and shared by every row of a formset.

A `ModelChoiceField` reads its queryset to render its options and again (one query per row
and per field) to validate what was posted; the formset's hidden row id does the same, and the
model then checks each foreign key once more. A table of 20 indicator rows made some 120
queries to save (issue 17). Here the table's 一级/二级 categories are read in one query for the
whole formset, the rows' ids are looked up among the rows the formset read already, and the
model's foreign-key check is not repeated for a category the form found among its framework's
(a stricter test than the model's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.choices import normalize_choices

from budgetapp.indicators.models import Category, Framework


class ListedObjectField(forms.ChoiceField):
    """A choice among objects read beforehand: validation looks them up, no query."""

    def __init__(self, *, objects: Sequence[models.Model] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.by_key: dict[str, models.Model] = {str(o.pk): o for o in objects}

    def offer(
        self,
        objects: dict[str, models.Model],
        choices: list[tuple[object, str]] | None = None,
    ) -> None:
        """Use these objects (keyed by str(pk)) and, for a visible select, these choices
        (normalised already, as `CategoryChoices` gives them: Django's setter would normalise
        them again for the field and for its select, for every row)."""
        self.by_key = objects
        if choices is not None:
            self._choices = list(choices)
            self.widget._choices = list(choices)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = str(value.pk if isinstance(value, models.Model) else value)
        found = self.by_key.get(key)
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found

    def validate(self, value) -> None:
        forms.Field.validate(self, value)  # required or not; the choice was checked above

    def valid_value(self, value) -> bool:
        return str(value) in self.by_key

    def prepare_value(self, value):
        return value.pk if isinstance(value, models.Model) else value

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        before = self.prepare_value(initial)
        return str("" if before is None else before) != str("" if data is None else data)


@dataclass
class CategoryChoices:
    """A framework's 一级 and 二级 categories, read in one query, with their select options."""

    level1: list[Category]
    level2: list[Category]
    level1_by_key: dict[str, Category] = field(init=False)
    level2_by_key: dict[str, Category] = field(init=False)
    level1_choices: list[tuple[object, str]] = field(init=False)
    level2_choices: list[tuple[object, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.level1_by_key = {str(c.pk): c for c in self.level1}
        self.level2_by_key = {str(c.pk): c for c in self.level2}
        self.level1_choices = normalize_choices(
            [("", "请选择"), *((c.pk, c.name) for c in self.level1)]
        )
        self.level2_choices = normalize_choices(
            [("", "（无）"), *((c.pk, c.name) for c in self.level2)]
        )

    @classmethod
    def read(cls, framework: Framework | None) -> CategoryChoices:
        """The framework's categories (every framework's when None), in framework order."""
        categories = Category.objects.select_related("parent").order_by(*Category._meta.ordering)
        if framework is not None:
            categories = categories.filter(framework=framework)
        listed = list(categories)
        return cls(
            level1=[c for c in listed if c.parent_id is None],
            level2=[c for c in listed if c.parent_id is not None],
        )

    def level2_parents(self) -> dict[int, int]:
        return {c.pk: c.parent_id for c in self.level2}


def existing_rows_field(
    rows: dict[str, models.Model], *, initial, widget, error_messages: dict
) -> ListedObjectField:
    """The hidden id of a formset row, checked against the rows the formset read (a row of
    another table, or one deleted meanwhile, is not a valid choice)."""
    field = ListedObjectField(
        required=False, initial=initial, widget=widget, error_messages=error_messages
    )
    field.offer(rows)
    return field
