"""The default thresholds of the lights in the Django admin: one row, changed through the
service (`rule_settings.change_default_rules`), which validates and records the change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from budgetapp.core.errors import NotAllowed
from budgetapp.core.http import client_ip

from .lights import RULE_FIELDS
from .models import LightRuleDefaults
from .rule_forms import LightRuleDefaultsAdminForm
from .rule_settings import change_default_rules


@admin.register(LightRuleDefaults)
class LightRuleDefaultsAdmin(admin.ModelAdmin):
    form = LightRuleDefaultsAdminForm
    list_display = ["__str__", *(name for name, *_ in RULE_FIELDS)]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the one row is installed by the migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        typed = {name: form.cleaned_data[name] for name, *_ in RULE_FIELDS}
        try:
            change_default_rules(user=request.user, typed=typed, ip=client_ip(request))
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        obj.refresh_from_db()
