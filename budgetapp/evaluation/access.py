"""Access to self-evaluations: 404 outside the user's units, 403 for a weak role."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from budgetapp.units.access import can_file_for, units_visible_to

from .models import SelfEvaluation


def evaluations_visible_to(user: User | AnonymousUser) -> QuerySet[SelfEvaluation]:
    return SelfEvaluation.objects.filter(unit__in=units_visible_to(user))


def get_evaluation_for_user(
    user: User | AnonymousUser, pk: int, *, write: bool = False
) -> SelfEvaluation:
    evaluation = get_object_or_404(
        evaluations_visible_to(user).select_related("table", "unit__region", "year"), pk=pk
    )
    if write and not can_file_for(user, evaluation.unit):
        raise PermissionDenied("只有本单位的填报人可以填写此自评表。")
    return evaluation
