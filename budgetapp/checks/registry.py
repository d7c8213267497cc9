"""Rule code → implementation. Every `CheckRule` row has one entry here and vice versa.

`RULES` are the target tables' rules. The later stages (运行监控, 绩效自评) live in apps above
this one, so each hands its rules over from its `AppConfig.ready()` through `register_stage`;
`stage_rules(stage)` answers for them.
"""

from __future__ import annotations

from collections.abc import Mapping

from .engine import Rule
from .models import Stage
from .rules import carried, categories, imported, rows, tables, targets
from .stages import StageRule

RULES: dict[str, Rule] = {
    "budget_sum": tables.budget_sum,
    "projects_sum": tables.projects_sum,
    "plan_range": tables.plan_range,
    "plan_not_falling": tables.plan_not_falling,
    "plan_ends_full": tables.plan_ends_full,
    "plan_blank": tables.plan_blank,
    "level1_present": categories.level1_present,
    "level2_allowed": categories.level2_allowed,
    "target_blank": targets.target_blank,
    "target_unit_missing": targets.target_unit_missing,
    "target_comparator_missing": targets.target_comparator_missing,
    "qualitative_wording": targets.qualitative_wording,
    "rate_is_percent": targets.rate_is_percent,
    "cost_is_money": targets.cost_is_money,
    "time_is_time": targets.time_is_time,
    "quantity_upper_bound": targets.quantity_upper_bound,
    "percent_over_100": targets.percent_over_100,
    "cost_over_budget": targets.cost_over_budget,
    "duplicate_names": rows.duplicate_names,
    "description_repeats_name": rows.description_repeats_name,
    "basis_blank": rows.basis_blank,
    "copied_block": rows.copied_block,
    "below_last_year": rows.below_last_year,
    "carried_unchanged": carried.carried_unchanged,
    "import_value": imported.import_value,
}

_STAGE_RULES: dict[str, dict[str, StageRule]] = {}


def register_stage(stage: str, rules: Mapping[str, StageRule]) -> None:
    """Install a later stage's rules (called once, from the stage app's `ready()`)."""
    if stage == Stage.TARGET or stage not in Stage.values:
        raise ValueError(f"not a later stage: {stage!r}")
    clash = set(rules) & (
        set(RULES) | {c for s, r in _STAGE_RULES.items() if s != stage for c in r}
    )
    if clash:
        raise ValueError(f"rule codes used twice: {sorted(clash)}")
    _STAGE_RULES[stage] = dict(rules)


def stage_rules(stage: str) -> Mapping[str, StageRule]:
    """The implementations of a later stage's rules, by code (none for an unknown stage)."""
    return _STAGE_RULES.get(stage, {})
