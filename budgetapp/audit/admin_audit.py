"""Admin changes on the record with old and new values: a mixin for ModelAdmin classes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest

from .log import record
from .models import EventKind


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


# Never copied into the log.
_SECRET_FIELDS = {"password"}


def field_values(obj: models.Model) -> dict[str, Any]:
    """The object's field values as JSON-friendly data (foreign keys as ids, secrets masked)."""
    values = {name: _plain(value) for name, value in model_to_dict(obj).items()}
    for name in _SECRET_FIELDS & values.keys():
        values[name] = "******"
    return values


class AuditedAdminMixin:
    """Put first in a ModelAdmin's bases: every add, change and delete through the admin site
    leaves an `admin_change` (or `audit_kind`) event with the fields' old and new values."""

    audit_kind: EventKind = EventKind.ADMIN_CHANGE

    def audit_kind_for(self, obj: models.Model, changes: dict[str, Any]) -> EventKind:
        """The event kind of one saved object (an account admin says role_change, say)."""
        return self.audit_kind

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        old: dict[str, Any] = {}
        if change and obj.pk is not None:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            old = field_values(previous) if previous is not None else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        new = field_values(obj)
        changed = {k: {"old": old.get(k), "new": v} for k, v in new.items() if old.get(k) != v}
        record(
            kind=self.audit_kind_for(obj, changed),
            request=request,
            obj=obj,
            details={"action": "change" if change else "add", "changes": changed},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (an account's role and unit on the user page) with their old values."""
        before: dict[Any, dict[str, Any]] = {}
        for inline_form in formset.initial_forms:
            instance = inline_form.instance
            if instance.pk is not None:
                previous = type(instance)._default_manager.filter(pk=instance.pk).first()
                if previous is not None:
                    before[instance.pk] = field_values(previous)
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        saved = [(obj, "add") for obj in formset.new_objects]
        saved += [(obj, "change") for obj, _fields in formset.changed_objects]
        for obj, action in saved:
            old = before.get(obj.pk, {})
            new = field_values(obj)
            changed = {k: {"old": old.get(k), "new": v} for k, v in new.items() if old.get(k) != v}
            if not changed:
                continue
            record(
                kind=self.audit_kind_for(obj, changed),
                request=request,
                obj=obj,
                details={"action": action, "changes": changed},
            )
        for obj in formset.deleted_objects:
            record(
                kind=self.audit_kind,
                request=request,
                details={
                    "action": "delete",
                    "model": obj._meta.label,
                    "id": obj.pk,
                    "label": str(obj),
                    "old": before.get(obj.pk, {}),
                },
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        old = field_values(obj)
        label, pk = str(obj), obj.pk
        super().delete_model(request, obj)  # type: ignore[misc]
        record(
            kind=self.audit_kind,
            request=request,
            details={
                "action": "delete",
                "model": obj._meta.label,
                "id": pk,
                "label": label,
                "old": old,
            },
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        rows = [(obj._meta.label, obj.pk, str(obj), field_values(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        for model, pk, label, old in rows:
            record(
                kind=self.audit_kind,
                request=request,
                details={"action": "delete", "model": model, "id": pk, "label": label, "old": old},
            )
