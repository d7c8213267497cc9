"""Vetting the 共性指标 derived from the seeds with the 智能审核 rules before they are offered.

The published tables hold mistakes (DOMAIN.md): an entry built from them must not hand one on.
Each entry is checked as the filer would use it — a one-row table whose 指标值 is the entry's
usual shape (`≥1人` for comparator `≥` and unit `人`), or, for an entry with no shape, each value
it was published with — by the rules as shipped (`checks.catalog`, not the administrators'
current rows: the build is offline and must give the same file every time).

A finding is repaired where the rule's remedy is unambiguous; otherwise the entry is left out:

- a description that only repeats the name is cleared (the filer writes the real one);
- a …率 or 满意度 whose values are not percentages gets `%` (and `≥`);
- a count whose unit is missing takes it from the end of its name (`…人数` → 人, `…人次` → 人次);
- a quantity with no comparator gets `≥` (a floor), a cost `≤` (a ceiling);
- anything else — a 成本指标 published as `是/否` or as a percentage, a qualitative value the
  rules do not accept and no acceptable one beside it — leaves the entry out.

`tools/build_library.py` calls `vet` for every entry; `tests/test_library.py` checks every
committed entry passes `entry_findings` with nothing found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from budgetapp.checks.catalog import RULES as SHIPPED_RULES
from budgetapp.checks.data import RowData, TableData
from budgetapp.checks.engine import CheckContext, Finding, run_checks
from budgetapp.checks.models import CheckRule
from budgetapp.checks.rules.common import is_cost, squash
from budgetapp.checks.rules.targets import is_rate
from budgetapp.indicators.frameworks import FRAMEWORKS, LEGACY
from budgetapp.indicators.values import Comparator, parse_target

SAMPLE_NUMBER = "1"
# The end of a count's name and the unit it implies.
NAME_SUFFIX_UNITS = [
    ("人次", "人次"),
    ("人数", "人"),
    ("户数", "户"),
    ("次数", "次"),
    ("个数", "个"),
    ("事件", "起"),
]
_TREE = {level1: children for level1, children in FRAMEWORKS[LEGACY]["tree"]}
_PARENT = {child: level1 for level1, children in _TREE.items() for child in children}
_RATE_PARAMS = next(s["params"] for s in SHIPPED_RULES if s["code"] == "rate_is_percent")


def _shipped_rules() -> list[CheckRule]:
    return [
        CheckRule(
            code=spec["code"],
            name=spec["name"],
            severity=spec["severity"],
            params=spec["params"],
            enabled=True,
        )
        for spec in SHIPPED_RULES
    ]


def _row(entry: dict, value: str) -> RowData:
    level1, level2 = entry["level1"], entry["level2"]
    return RowData(
        number=1,
        name=entry["name"],
        description=entry["description"],
        target=value,
        basis=entry["basis"] or "工作计划",  # the filer states the basis; not the entry's to give
        level1=level1,
        level2=level2,
        level2_parent=_PARENT.get(level2, level1),
    )


def offered_value(entry: dict) -> str:
    """The 指标值 the entry's hint suggests (`≥1人`), or "" for an entry with no shape."""
    if not (entry["comparator"] or entry["unit"]):
        return ""
    return f"{entry['comparator']}{SAMPLE_NUMBER}{entry['unit']}"


def entry_findings(entry: dict, value: str | None = None) -> list[Finding]:
    """What the shipped rules find on one row filled from `entry` with `value` (default: the
    entry's own shape)."""
    value = offered_value(entry) if value is None else value
    table = TableData(
        kind="project",
        pk=None,
        unit_id=None,
        year=None,
        money_unit="元",
        framework_id=None,
        rows=[_row(entry, value)],
        tree=_TREE,
    )
    context = CheckContext(unit_id=None, year=None)
    findings = run_checks(table, context=context, rules=_shipped_rules())
    # An entry with no shape offers no value: the filer types it, and it is checked then.
    return [f for f in findings if f.row and not (f.rule == "target_blank" and not value)]


@dataclass
class Vetted:
    entry: dict | None  # None: left out
    repairs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why it was left out


def _unit_from_name(name: str) -> str:
    bare = name.rstrip(")）").split("(")[0].split("（")[0]
    for suffix, unit in NAME_SUFFIX_UNITS:
        if bare.endswith(suffix):
            return unit
    return ""


def _repair_shape(entry: dict, findings: list[Finding], repairs: list[str]) -> bool:
    """Apply the remedy of each finding on the entry's shape; False if one has none."""
    row = _row(entry, offered_value(entry))
    for finding in findings:
        if finding.rule == "target_comparator_missing":
            entry["comparator"] = Comparator.LE if is_cost(row) else Comparator.GE
            repairs.append(f"补上常用比较符“{entry['comparator']}”")
        elif finding.rule in {"rate_is_percent", "target_unit_missing"} and is_rate(
            row, _RATE_PARAMS
        ):
            entry["unit"], entry["comparator"] = "%", entry["comparator"] or Comparator.GE
            repairs.append("率/满意度改用百分比")
        elif finding.rule == "target_unit_missing" and _unit_from_name(entry["name"]):
            entry["unit"] = _unit_from_name(entry["name"])
            repairs.append(f"计量单位取自名称：“{entry['unit']}”")
        else:
            return False
    return True


def vet(entry: dict, published: list[str]) -> Vetted:
    """The entry as it may be offered (repaired), or left out with the rules' messages.

    `published` are the 指标值 the entry was published with in the seeds."""
    entry = dict(entry)
    repairs: list[str] = []
    if entry["description"] and squash(entry["description"]) == squash(entry["name"]):
        entry["description"] = ""
        repairs.append("描述只重复了名称，已清空")
    values = [v.strip() for v in published if v.strip()]
    quantities = [parsed for parsed in map(parse_target, values) if parsed.is_quantitative]
    if not offered_value(entry) and quantities:
        # Published as a bare number (`14000`, `0`): give it a shape, repaired below.
        entry["unit"] = Counter(p.unit for p in quantities).most_common(1)[0][0]
        entry["unit"] = entry["unit"] or _unit_from_name(entry["name"])
        if all(p.number == 0 for p in quantities):
            entry["comparator"] = Comparator.EQ  # `0`: none at all is the target
            repairs.append("已公开的指标值为 0，常用比较符为“=”")
        if entry["unit"]:
            repairs.append(f"计量单位取自已公开的值或名称：“{entry['unit']}”")
        elif not entry["comparator"]:
            entry["comparator"] = Comparator.LE if is_cost(_row(entry, "")) else Comparator.GE
            repairs.append(f"补上常用比较符“{entry['comparator']}”")
    if not offered_value(entry) and is_rate(_row(entry, ""), _RATE_PARAMS):
        entry["unit"], entry["comparator"] = "%", Comparator.GE
        repairs.append("率/满意度改用百分比")
    if offered_value(entry):
        for _ in range(3):  # each pass fixes what the last one could not see yet
            findings = entry_findings(entry)
            if not findings:
                return Vetted(entry, repairs)
            if not _repair_shape(entry, findings, repairs):
                break
        return Vetted(None, repairs, [f.message for f in entry_findings(entry)])
    # Qualitative: offered if one of its published values passes every rule.
    checked = [(value, entry_findings(entry, value)) for value in dict.fromkeys(values)]
    if any(not findings for _, findings in checked):
        return Vetted(entry, repairs)
    problems = [f.message for _, findings in checked for f in findings] or ["没有已公开的指标值"]
    return Vetted(None, repairs, problems)
