"""Scoring of the year-end self-evaluation (绩效自评), as 财预〔2020〕10号 sets it out.

- 预算执行率 is worth 10 points: 执行率 × 10, capped at 10.
- The other 90 are spread by default as 产出 50, 效益 30, 满意度 10, evenly over the indicators
  of each 一级指标. Under the central 2021 framework 成本指标 is a 一级 of its own; it was part of
  产出 before, so it shares the 产出 50 (产出 and 成本 rows together, evenly). A 一级 with no
  row gives its points to the others in proportion, so a table always totals 100.
- A filer may change the weights of a table, with a reason; the indicator weights must still add
  up to 90 (`check_weights`).
- A quantitative indicator scores in proportion: for ≥, 实际/目标 × 分值; for ≤, 目标/实际 × 分值;
  for =, the smaller over the larger; always capped at its weight (over-achievement earns no
  more than the weight) and never below 0. A qualitative indicator scores full, half or none by
  the filer's choice, which needs a reason unless it is full.
- Grade (等级) from the total: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.

Pure functions over values; the stage's services store what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgetapp.indicators.values import Comparator, parse_target

BUDGET_POINTS = Decimal(10)
INDICATOR_POINTS = Decimal(90)
TOTAL_POINTS = BUDGET_POINTS + INDICATOR_POINTS
CENT = Decimal("0.01")

# 一级指标 → the group whose points it shares, and each group's default points.
_GROUP_OF = {"产出指标": "产出", "成本指标": "产出", "效益指标": "效益", "满意度指标": "满意度"}
GROUP_POINTS = {"产出": Decimal(50), "效益": Decimal(30), "满意度": Decimal(10)}


class QualitativeResult:
    """How far a qualitative indicator (`有所提高`, `是`) was achieved, by the filer's choice."""

    FULL = "full"
    HALF = "half"
    NONE = "none"

    CHOICES = [(FULL, "完全达成"), (HALF, "部分达成"), (NONE, "未达成")]
    SHARE = {FULL: Decimal(1), HALF: Decimal("0.5"), NONE: Decimal(0)}


class GradeLevel:
    EXCELLENT = "优"
    GOOD = "良"
    FAIR = "中"
    POOR = "差"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def group_of(level1_name: str) -> str:
    """The weight group of a 一级指标; an unknown 一级 (a region's own) counts as 产出."""
    return _GROUP_OF.get(level1_name, "产出")


def default_weights(level1_names: Sequence[str]) -> list[Decimal]:
    """分值 of each indicator row, in row order, adding up to exactly 90.

    Each group's points are split evenly over its rows in cents; the last row of a group takes
    the rounding remainder, so 50 over three rows is 16.67 + 16.67 + 16.66."""
    if not level1_names:
        return []
    groups = [group_of(name) for name in level1_names]
    present = {g: points for g, points in GROUP_POINTS.items() if g in groups}
    scale = INDICATOR_POINTS / sum(present.values())
    weights: list[Decimal] = [Decimal(0)] * len(groups)
    for group, points in present.items():
        rows = [i for i, g in enumerate(groups) if g == group]
        group_total = _cents(points * scale) if len(present) < len(GROUP_POINTS) else points
        share = _cents(group_total / len(rows))
        for i in rows:
            weights[i] = share
        weights[rows[-1]] = group_total - share * (len(rows) - 1)
    # The groups' rounded totals may miss 90 by a cent when points were redistributed.
    weights[-1] += INDICATOR_POINTS - sum(weights)
    return weights


def check_weights(weights: Sequence[Decimal]) -> str:
    """An error message when the indicator weights do not add up to 90, else ''."""
    if any(w < 0 for w in weights):
        return "分值不能为负数。"
    total = sum(weights, Decimal(0))
    if total != INDICATOR_POINTS:
        return f"各项指标分值合计应为 {INDICATOR_POINTS} 分，现为 {_cents(total)} 分。"
    return ""


def budget_score(executed: Decimal | None, budget: Decimal | None) -> Decimal:
    """预算执行率 points: 执行率 × 10, capped; no budget and nothing spent is full marks."""
    if executed is None or budget is None:
        return Decimal(0)
    if budget <= 0:
        return BUDGET_POINTS if executed <= 0 else Decimal(0)
    rate = max(Decimal(0), Decimal(executed) / Decimal(budget))
    return _cents(min(rate, Decimal(1)) * BUDGET_POINTS)


def indicator_score(
    target_text: str,
    *,
    weight: Decimal,
    actual: Decimal | None,
    qualitative: str = "",
) -> Decimal:
    """The score of one indicator against its 年度指标值, capped at its weight."""
    target = parse_target(target_text)
    if not target.is_quantitative:
        return _cents(weight * QualitativeResult.SHARE.get(qualitative, Decimal(0)))
    if actual is None:
        return Decimal(0)
    goal = target.number
    assert goal is not None  # is_quantitative
    comparator = target.comparator or Comparator.GE
    if comparator in (Comparator.GE, Comparator.GT):
        if goal <= 0:
            share = Decimal(1) if actual >= goal else Decimal(0)
        else:
            share = actual / goal
    elif comparator in (Comparator.LE, Comparator.LT):
        if actual <= goal:
            share = Decimal(1)
        else:
            share = goal / actual if goal > 0 else Decimal(0)
    else:  # `=`: the nearer the figure, the more of the weight
        if actual == goal:
            share = Decimal(1)
        elif actual > 0 and goal > 0:
            share = min(actual, goal) / max(actual, goal)
        else:
            share = Decimal(0)
    share = min(max(share, Decimal(0)), Decimal(1))
    return _cents(weight * share)


def grade(total: Decimal) -> str:
    """等级 from the total score."""
    if total >= 90:
        return GradeLevel.EXCELLENT
    if total >= 80:
        return GradeLevel.GOOD
    if total >= 60:
        return GradeLevel.FAIR
    return GradeLevel.POOR


@dataclass(frozen=True)
class IndicatorResult:
    weight: Decimal
    score: Decimal

    @property
    def is_shortfall(self) -> bool:
        """A row that scored less than its weight needs 偏差原因分析及改进措施."""
        return self.score < self.weight
