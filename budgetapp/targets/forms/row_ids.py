"""Each formset row's hidden id, built once as the field the editor checks it with.

Django's `BaseModelFormSet.add_fields` gives every row form a `ModelChoiceField` of the row's id
(a queryset cloned twice, a widget made): about 26 µs a row, which the editor's formsets then
replaced with a field looking the id up among the rows the formset read (choices.py). A 20-row
editor and its save each built 23 of them for nothing (issue 17). `RowIdFields.add_fields` takes
the place of Django's for the rows' models, whose primary key is an automatic id: the same
deletion box, the same id field name, initial value, widget and messages, built directly. The
deletion box and the hidden key to the table (`BaseInlineFormSet.add_fields`), which Django
builds for every row too, are copies of one built per formset.
"""

from __future__ import annotations

from django import forms
from django.db.models import AutoField
from django.forms.formsets import DELETION_FIELD_NAME, BaseFormSet
from django.forms.models import BaseInlineFormSet, BaseModelFormSet, InlineForeignKeyField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .choices import existing_rows_field
from .copying import fast_copy
from .widgets import HiddenInput

# The messages Django's generated id field has (ModelChoiceField's, over Field's), read once.
_ID_MESSAGES = forms.ModelChoiceField(queryset=None).error_messages


class RowIdFields(BaseModelFormSet):
    """In an inline formset's bases after `BaseInlineFormSet` (whose `add_fields` then calls
    this one instead of `BaseModelFormSet`'s)."""

    def add_row_fields(self, form, index) -> None:
        """`BaseInlineFormSet.add_fields` (for an inline formset): the id and deletion box
        (`add_fields` below), then the hidden key to the table, in the case of every row list
        here (the table's foreign key to its id, not on the form, the table's id no default) a
        copy of one built per formset; Django's own in any other case."""
        fk = self.fk  # type: ignore[attr-defined]
        parent = self.instance  # type: ignore[attr-defined]
        if (
            self.model._meta.pk == fk
            or fk.remote_field.field_name != fk.remote_field.model._meta.pk.name
            or fk.name in form.fields
            or (parent._state.adding and parent._meta.pk.has_default())
        ):
            BaseInlineFormSet.add_fields(self, form, index)  # type: ignore[arg-type]
            return
        RowIdFields.add_fields(self, form, index)
        form.fields[fk.name] = fast_copy(self._table_key())

    def _table_key(self) -> InlineForeignKeyField:
        """The hidden key to the table every row form carries, as BaseInlineFormSet.add_fields
        builds it for each (its initial value the table's id)."""
        parent = self.instance  # type: ignore[attr-defined]
        key: InlineForeignKeyField | None = getattr(self, "_table_key_field", None)
        if key is None or key.parent_instance is not parent or key.initial != parent.pk:
            key = InlineForeignKeyField(parent, label=capfirst(self.fk.verbose_name))  # type: ignore[attr-defined]
            self._table_key_field = key
        return key

    def add_fields(self, form, index) -> None:
        pk = self.model._meta.pk
        if not isinstance(pk, AutoField) or pk.remote_field is not None:
            super().add_fields(form, index)
            return
        self._pk_field = pk
        # The row's id as BaseModelFormSet.add_fields finds it.
        if form.is_bound:
            pk_value = None if form.instance._state.adding else form.instance.pk
        elif index is not None and index < len(self.get_queryset()):
            pk_value = self.get_queryset()[index].pk
        else:
            pk_value = None
        if not hasattr(self, "_row_id_field"):
            self._rows_by_key = {str(row.pk): row for row in self.get_queryset()}
            # Built once; each row takes a copy with its own initial value, the only difference.
            self._row_id_field = existing_rows_field(
                self._rows_by_key, initial=None, widget=HiddenInput(), error_messages=_ID_MESSAGES
            )
        field = fast_copy(self._row_id_field)
        field.initial = pk_value
        form.fields[pk.name] = field
        self._add_deletion_box(form, index)  # after the id, as Django's

    def _add_deletion_box(self, form, index) -> None:
        """`BaseFormSet.add_fields`: the deletion box of the rows that have one, each a copy of
        one built per formset as Django builds it for every row."""
        if self.can_order:
            BaseFormSet.add_fields(self, form, index)
            return
        if self.can_delete and (
            self.can_delete_extra or (index is not None and index < self.initial_form_count())
        ):
            if not hasattr(self, "_deletion_box"):
                self._deletion_box = forms.BooleanField(
                    label=_("Delete"), required=False, widget=self.get_deletion_widget()
                )
            form.fields[DELETION_FIELD_NAME] = fast_copy(self._deletion_box)
