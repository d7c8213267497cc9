"""Traffic lights of mid-year monitoring (绩效运行监控): 绿 on track, 黄 at risk, 红 will miss.

Pure functions over values, so the rules can be read, tested and shown to a reviewer without a
database. The thresholds are data (`LightRules`), not constants in the code: an administrator
keeps a default set (`rule_settings`), copied onto a round when it is opened and stored with it,
so a province that calls 85 % of a target "at risk" instead of 90 % changes a number.

An indicator's light comes from its 指标值 as parsed when the target was saved (comparator,
number, unit: `indicators.values.parse_target`), the filer's 全年预计完成值 (or, when none is
typed, a projection of the 1–N月 value over the elapsed share of the year), and the filer's own
完成目标可能性, which can only make a light worse, never better: a filer who says 完全不可能
gets 红 whatever the numbers say.

Projection without a typed 全年预计完成值: a count (`≥1200人次`) grows over the year, so the
value to date is scaled by 12/N; a rate or share (`%` units: `≥95%`) does not accumulate, so
the value to date is the projection. A qualitative target (`有所提高`) has no number: its light
is the filer's 完成目标可能性 alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budgetapp.indicators.values import Comparator, ParsedTarget, parse_target


class Light:
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = ""  # nothing typed yet

    LABELS = {GREEN: "绿", AMBER: "黄", RED: "红", NONE: "未填"}
    ORDER = {NONE: 0, GREEN: 1, AMBER: 2, RED: 3}


class Likelihood:
    """完成目标可能性, as the national monitoring table words it."""

    CERTAIN = "certain"
    POSSIBLE = "possible"
    IMPOSSIBLE = "impossible"

    CHOICES = [(CERTAIN, "确定能"), (POSSIBLE, "有可能"), (IMPOSSIBLE, "完全不可能")]
    FLOOR = {CERTAIN: Light.GREEN, POSSIBLE: Light.AMBER, IMPOSSIBLE: Light.RED}


def _plain(value: Decimal) -> Decimal:
    """10.00 as 10, 2.50 as 2.5 (never 1E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


# The thresholds as a form shows them: field, label, unit, (lowest, highest) allowed.
RULE_FIELDS: list[tuple[str, str, str, tuple[Decimal, Decimal]]] = [
    ("green_share", "绿灯容差", "%", (Decimal(0), Decimal(100))),
    ("amber_share", "黄灯容差", "%", (Decimal(0), Decimal(100))),
    ("budget_green_points", "执行进度绿灯容差", "个百分点", (Decimal(0), Decimal(100))),
    ("budget_amber_points", "执行进度黄灯容差", "个百分点", (Decimal(0), Decimal(100))),
]
# Shares are stored as fractions (0.10) and typed as percentages (10).
PERCENT_FIELDS = ("green_share", "amber_share")


@dataclass(frozen=True)
class LightRules:
    """Thresholds of the lights.

    An indicator's projection that misses its target by at most `green_share` of the target is
    still 绿 (on track), by at most `amber_share` 黄 (at risk), by more 红. Spending behind the
    plan by at most `budget_green_points` percentage points is 绿, by at most
    `budget_amber_points` 黄, by more 红. So a 黄 tolerance below the 绿 one would make 黄
    unreachable: `problems` refuses it."""

    green_share: Decimal = Decimal("0")
    amber_share: Decimal = Decimal("0.10")
    budget_green_points: Decimal = Decimal("0")
    budget_amber_points: Decimal = Decimal("10")

    @classmethod
    def from_data(cls, data: dict | None) -> LightRules:
        """From stored data; a key missing (a round stored before it existed) takes the default."""
        data = data or {}
        defaults = cls()
        return cls(
            **{
                name: Decimal(str(data.get(name, getattr(defaults, name))))
                for name, *_ in RULE_FIELDS
            }
        )

    def to_data(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name, *_ in RULE_FIELDS}

    def as_typed(self) -> dict[str, Decimal]:
        """The thresholds as a form shows them: shares as percentages."""
        return {
            name: _plain(value * 100 if name in PERCENT_FIELDS else value)
            for name, value in ((n, getattr(self, n)) for n, *_ in RULE_FIELDS)
        }

    @classmethod
    def from_typed(cls, typed: dict[str, Decimal]) -> LightRules:
        return cls(
            **{
                name: typed[name] / 100 if name in PERCENT_FIELDS else typed[name]
                for name, *_ in RULE_FIELDS
            }
        )

    def describe(self) -> str:
        """The thresholds in a sentence, as a printed summary states them."""
        t = self.as_typed()
        return (
            f"亮灯规则：预计完成值与目标的差距不超过目标值的 {t['green_share']}% 为绿灯、"
            f"不超过 {t['amber_share']}% 为黄灯，更大为红灯；执行率落后计划进度不超过 "
            f"{t['budget_green_points']} 个百分点为绿灯、不超过 {t['budget_amber_points']} "
            "个百分点为黄灯，更大为红灯。"
        )

    def problems(self) -> dict[str, str]:
        """What is wrong with these thresholds, field by field, in the words a form shows."""
        typed = self.as_typed()
        found: dict[str, str] = {}
        for name, label, unit, (low, high) in RULE_FIELDS:
            if not low <= typed[name] <= high:
                found[name] = f"{label}应在 {low}–{high}{unit} 之间。"
        if "amber_share" not in found and self.amber_share < self.green_share:
            found["amber_share"] = "黄灯容差不能小于绿灯容差，否则不会亮黄灯。"
        if (
            "budget_amber_points" not in found
            and self.budget_amber_points < self.budget_green_points
        ):
            found["budget_amber_points"] = (
                "执行进度黄灯容差不能小于执行进度绿灯容差，否则不会亮黄灯。"
            )
        return found


def worst(*lights: str) -> str:
    """The worst of several lights (红 over 黄 over 绿); 未填 only when nothing is known."""
    return max(lights, key=Light.ORDER.__getitem__, default=Light.NONE)


def projection(
    target: ParsedTarget, *, to_date: Decimal | None, projected: Decimal | None, month: int
) -> Decimal | None:
    """全年预计完成值: the filer's figure, else the value to date carried over the year."""
    if projected is not None:
        return projected
    if to_date is None:
        return None
    if target.is_percentage or not 1 <= month < 12:
        return to_date
    return to_date * Decimal(12) / Decimal(month)


def number_light(target: ParsedTarget, value: Decimal, rules: LightRules) -> str:
    """The light of a projected value against a quantitative target."""
    number = target.number
    if number is None:
        raise ValueError("number_light needs a quantitative target")
    comparator = target.comparator or Comparator.GE  # a bare `1200人次` is a floor
    if comparator in (Comparator.GE, Comparator.GT):
        met = value >= number if comparator == Comparator.GE else value > number
        miss = number - value
    elif comparator in (Comparator.LE, Comparator.LT):
        met = value <= number if comparator == Comparator.LE else value < number
        miss = value - number
    else:  # `=`: hitting the figure is on track, near it at risk.
        met = value == number
        miss = abs(value - number)
    if met:
        return Light.GREEN
    return _by_tolerance(miss, abs(number) * rules.green_share, abs(number) * rules.amber_share)


def _by_tolerance(miss: Decimal, green: Decimal, amber: Decimal) -> str:
    """绿 within the green tolerance, 黄 within the amber one, else 红 (a zero tolerance admits
    nothing: a target of 0 missed is 红)."""
    if green and miss <= green:
        return Light.GREEN
    return Light.AMBER if amber and miss <= amber else Light.RED


def indicator_light(
    target_text: str,
    *,
    to_date: Decimal | None,
    projected: Decimal | None,
    likelihood: str,
    month: int,
    rules: LightRules | None = None,
) -> str:
    """The light of one indicator row of a monitoring sheet."""
    rules = rules or LightRules()
    target = parse_target(target_text)
    floor = Likelihood.FLOOR.get(likelihood, Light.NONE)
    if not target.is_quantitative:
        return floor
    value = projection(target, to_date=to_date, projected=projected, month=month)
    if value is None:
        return floor
    return worst(number_light(target, value, rules), floor)


def planned_share(plan: list[Decimal | None], month: int) -> Decimal | None:
    """The spending plan's cumulative share (%) at the end of `month`, read from the table's
    3月底/6月底/10月底/12月底 figures and interpolated in a straight line between them (from 0
    at the start of the year). None when the plan was left blank up to that month."""
    points = [(0, Decimal(0))]
    for end, share in zip((3, 6, 10, 12), plan, strict=True):
        if share is not None:
            points.append((end, Decimal(share)))
    if len(points) == 1:
        return None
    for (m0, s0), (m1, s1) in zip(points, points[1:], strict=False):
        if m0 <= month <= m1:
            share = s0 + (s1 - s0) * Decimal(month - m0) / Decimal(m1 - m0)
            return share.quantize(Decimal("0.01"))  # as precise as the 执行率 it is set against
    return points[-1][1] if month > points[-1][0] else None


def execution_rate(spent: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """执行率 (%) of the money spent against the year's budget; None without both figures."""
    if spent is None or not budget:
        return None
    return (Decimal(spent) * 100 / Decimal(budget)).quantize(Decimal("0.01"))


def budget_light(
    rate: Decimal | None, planned: Decimal | None, rules: LightRules | None = None
) -> str:
    """The light of spending: 执行率 against the plan's share at the cut-off."""
    rules = rules or LightRules()
    if rate is None:
        return Light.NONE
    if planned is None or rate >= planned:
        return Light.GREEN
    behind = planned - rate
    if behind <= rules.budget_green_points:
        return Light.GREEN
    return Light.AMBER if behind <= rules.budget_amber_points else Light.RED


def project_light(budget: str, indicators: list[str]) -> str:
    """A project's light: the worst of its spending and its indicators."""
    return worst(budget, *indicators)
