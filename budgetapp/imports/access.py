"""Who may see an import batch: 404 outside the user's units, 403 unless a filer of the unit."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from budgetapp.units.access import can_file_for, units_visible_to

from .models import ImportBatch


def get_batch_for_user(user: User | AnonymousUser, pk: int) -> ImportBatch:
    batch = get_object_or_404(
        ImportBatch.objects.filter(unit__in=units_visible_to(user)).select_related("unit"), pk=pk
    )
    if not can_file_for(user, batch.unit):
        raise PermissionDenied("只有本单位的填报人可以导入本单位的表。")
    return batch
