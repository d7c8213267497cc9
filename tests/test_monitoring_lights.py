"""Traffic lights of mid-year monitoring: each comparator, the edge cases, the spending plan."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from budgetapp.indicators.values import parse_target
from budgetapp.monitoring.lights import (
    Light,
    LightRules,
    Likelihood,
    budget_light,
    execution_rate,
    indicator_light,
    planned_share,
    project_light,
    projection,
    worst,
)

CERTAIN = Likelihood.CERTAIN


def light(target: str, *, to_date=None, projected=None, likelihood=CERTAIN, month=6, rules=None):
    return indicator_light(
        target,
        to_date=None if to_date is None else D(to_date),
        projected=None if projected is None else D(projected),
        likelihood=likelihood,
        month=month,
        rules=rules,
    )


@pytest.mark.parametrize(
    ("target", "projected", "expected"),
    [
        # ≥ floor: met, within 10 % short, further short
        ("≥1200人次", "1200", Light.GREEN),
        ("≥1200人次", "1500", Light.GREEN),
        ("≥1200人次", "1080", Light.AMBER),
        ("≥1200人次", "1079", Light.RED),
        ("95%以上", "96", Light.GREEN),
        ("95%以上", "90", Light.AMBER),
        (">95%", "95", Light.AMBER),  # strict: 95 does not exceed 95
        # ≤ ceiling
        ("≤3000元/人", "3000", Light.GREEN),
        ("≤3000元/人", "3300", Light.AMBER),
        ("≤3000元/人", "3301", Light.RED),
        ("<10天", "10", Light.AMBER),
        # = exact
        ("=12个", "12", Light.GREEN),
        ("=12个", "11", Light.AMBER),
        ("=12个", "13", Light.AMBER),
        ("=12个", "9", Light.RED),
        # a bare number is a floor
        ("500户", "480", Light.AMBER),
        ("500户", "600", Light.GREEN),
    ],
)
def test_lights_by_comparator(target, projected, expected):
    assert light(target, projected=projected) == expected


def test_zero_targets_have_no_slack():
    # 安全事故 ≤0: any accident is a miss, not a risk
    assert light("≤0起", projected="0") == Light.GREEN
    assert light("≤0起", projected="1") == Light.RED
    assert light("≥0", projected="0") == Light.GREEN
    assert light("=0", projected="0.5") == Light.RED


def test_qualitative_target_follows_the_filers_likelihood():
    assert light("有所提高", likelihood=Likelihood.CERTAIN) == Light.GREEN
    assert light("有所提高", likelihood=Likelihood.POSSIBLE) == Light.AMBER
    assert light("有所提高", likelihood=Likelihood.IMPOSSIBLE) == Light.RED
    assert light("有所提高", likelihood="") == Light.NONE


def test_no_number_typed_yet_is_unknown_unless_the_filer_judged():
    assert light("≥1200人次", likelihood="") == Light.NONE
    assert light("≥1200人次", likelihood=Likelihood.POSSIBLE) == Light.AMBER


def test_likelihood_only_makes_a_light_worse():
    assert light("≥1200人次", projected="1500", likelihood=Likelihood.IMPOSSIBLE) == Light.RED
    assert light("≥1200人次", projected="1000", likelihood=Likelihood.CERTAIN) == Light.RED


def test_projection_scales_counts_but_not_rates():
    count = parse_target("≥1200人次")
    rate = parse_target("≥95%")
    assert projection(count, to_date=D(600), projected=None, month=6) == D(1200)
    assert projection(count, to_date=D(700), projected=None, month=7) == D(1200)
    assert projection(rate, to_date=D(93), projected=None, month=6) == D(93)
    # the filer's own projection wins
    assert projection(count, to_date=D(100), projected=D(1300), month=6) == D(1300)
    assert projection(count, to_date=None, projected=None, month=6) is None
    # from the value to date alone: 550 by June projects to 1100, at risk
    assert light("≥1200人次", to_date="550", month=6) == Light.AMBER
    assert light("≥1200人次", to_date="400", month=6) == Light.RED


def test_rules_are_data():
    strict = LightRules.from_data({"amber_share": "0.02"})
    assert light("≥1200人次", projected="1150", rules=strict) == Light.RED
    assert light("≥1200人次", projected="1150") == Light.AMBER
    assert LightRules.from_data(strict.to_data()) == strict


def test_planned_share_interpolates_the_spending_plan():
    plan = [D(20), D(50), D(80), D(100)]
    assert planned_share(plan, 3) == D(20)
    assert planned_share(plan, 6) == D(50)
    assert planned_share(plan, 7) == D("57.5")
    assert planned_share(plan, 12) == D(100)
    assert planned_share([None, D(40), None, D(100)], 3) == D(20)
    assert planned_share([None, None, None, None], 6) is None


def test_budget_light_against_the_plan():
    assert execution_rate(D(45), D(100)) == D("45.00")
    assert execution_rate(D(45), D(0)) is None
    assert budget_light(D(50), D(50)) == Light.GREEN
    assert budget_light(D(41), D(50)) == Light.AMBER
    assert budget_light(D(39), D(50)) == Light.RED
    assert budget_light(None, D(50)) == Light.NONE
    assert budget_light(D(10), None) == Light.GREEN  # no plan: nothing to lag behind


def test_project_light_is_the_worst():
    assert project_light(Light.GREEN, [Light.GREEN, Light.AMBER]) == Light.AMBER
    assert project_light(Light.RED, [Light.GREEN]) == Light.RED
    assert worst() == Light.NONE
