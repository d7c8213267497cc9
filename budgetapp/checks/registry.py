"""Rule code → implementation. Every `CheckRule` row has one entry here and vice versa."""

from __future__ import annotations

from .engine import Rule
from .rules import carried, categories, imported, rows, tables, targets

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
