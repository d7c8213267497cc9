"""Self-evaluation scoring rules: weights, each comparator, qualitative, caps, grades."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from budgetapp.evaluation.scoring import (
    IndicatorResult,
    QualitativeResult,
    budget_score,
    check_weights,
    default_weights,
    grade,
    indicator_score,
)


def test_default_weights_spread_50_30_10_evenly():
    names = ["产出指标"] * 3 + ["效益指标"] * 2 + ["满意度指标"]
    weights = default_weights(names)
    assert weights == [D("16.67"), D("16.67"), D("16.66"), D(15), D(15), D(10)]
    assert sum(weights) == 90


def test_cost_indicators_share_the_output_points():
    weights = default_weights(["产出指标", "成本指标", "效益指标", "满意度指标"])
    assert weights == [D(25), D(25), D(30), D(10)]


def test_a_missing_group_gives_its_points_to_the_others():
    weights = default_weights(["产出指标", "效益指标"])
    assert weights == [D("56.25"), D("33.75")]
    assert sum(default_weights(["产出指标"] * 7 + ["满意度指标"] * 3)) == 90
    assert default_weights([]) == []


def test_weights_must_sum_to_90():
    assert check_weights([D(50), D(30), D(10)]) == ""
    assert "合计应为 90 分" in check_weights([D(50), D(30), D(20)])
    assert "负数" in check_weights([D(100), D(-10)])


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("≥1200人次", "1200", "10.00"),
        ("≥1200人次", "900", "7.50"),
        ("≥1200人次", "2400", "10.00"),  # over-achievement capped at the weight
        ("95%以上", "76", "8.00"),
        ("≤3000元/人", "2500", "10.00"),
        ("≤3000元/人", "4000", "7.50"),
        ("≤0起", "0", "10.00"),
        ("≤0起", "2", "0.00"),
        ("=12个", "12", "10.00"),
        ("=12个", "9", "7.50"),
        ("=12个", "16", "7.50"),
        ("≥0", "0", "10.00"),
        ("≥1200人次", "-5", "0.00"),
    ],
)
def test_quantitative_scores_in_proportion(target, actual, expected):
    assert indicator_score(target, weight=D(10), actual=D(actual)) == D(expected)


def test_missing_actual_scores_nothing():
    assert indicator_score("≥1200人次", weight=D(10), actual=None) == 0


def test_qualitative_full_half_none():
    full = indicator_score(
        "有所提高", weight=D(15), actual=None, qualitative=QualitativeResult.FULL
    )
    half = indicator_score(
        "有所提高", weight=D(15), actual=None, qualitative=QualitativeResult.HALF
    )
    none = indicator_score(
        "有所提高", weight=D(15), actual=None, qualitative=QualitativeResult.NONE
    )
    assert (full, half, none) == (D(15), D("7.50"), D(0))
    assert indicator_score("有所提高", weight=D(15), actual=None) == 0


def test_budget_execution_points():
    assert budget_score(D(95), D(100)) == D("9.50")
    assert budget_score(D(120), D(100)) == D(10)
    assert budget_score(D(0), D(0)) == D(10)
    assert budget_score(None, D(100)) == 0


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (D(100), "优"),
        (D(90), "优"),
        (D("89.99"), "良"),
        (D(80), "良"),
        (D(60), "中"),
        (D(59), "差"),
    ],
)
def test_grade(total, expected):
    assert grade(total) == expected


def test_shortfall():
    assert IndicatorResult(weight=D(10), score=D("9.99")).is_shortfall
    assert not IndicatorResult(weight=D(10), score=D(10)).is_shortfall
