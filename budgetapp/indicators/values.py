"""Parsing of 指标值 (target values).

The filer's text is kept verbatim for display; the parsed parts (comparator, number, unit) let
checks and sums work. Anything that is not "optional comparator + number + optional unit" is a
qualitative target (`有所提高`, `是/否`, `12月31日前`) and is kept as text only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class Comparator:
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="

    CHOICES = [(GE, "≥"), (LE, "≤"), (GT, ">"), (LT, "<"), (EQ, "=")]


# Spellings seen in Word/Excel/WPS files, normalised to one symbol each. Longer keys first so
# ">=" wins over ">".
_COMPARATOR_SPELLINGS: dict[str, str] = {
    ">=": Comparator.GE,
    "＞=": Comparator.GE,
    "≥": Comparator.GE,
    "≧": Comparator.GE,
    "⩾": Comparator.GE,
    "不低于": Comparator.GE,
    "不少于": Comparator.GE,
    "大于等于": Comparator.GE,
    "<=": Comparator.LE,
    "＜=": Comparator.LE,
    "≤": Comparator.LE,
    "≦": Comparator.LE,
    "⩽": Comparator.LE,
    "不高于": Comparator.LE,
    "不超过": Comparator.LE,
    "小于等于": Comparator.LE,
    ">": Comparator.GT,
    "＞": Comparator.GT,
    "大于": Comparator.GT,
    "<": Comparator.LT,
    "＜": Comparator.LT,
    "小于": Comparator.LT,
    "=": Comparator.EQ,
    "＝": Comparator.EQ,
    "等于": Comparator.EQ,
}
_COMPARATOR_RE = "|".join(
    re.escape(k) for k in sorted(_COMPARATOR_SPELLINGS, key=len, reverse=True)
)

# comparator? number unit?   — the unit may be anything that does not start with a digit
# (人, %, 万元/人/年, 元/人, 平方米, 人次, 天, /人(月)); a second number makes it qualitative
# (e.g. "0.3-1.2万元") because no single target can be read from it.
_QUANTITATIVE = re.compile(
    rf"^(?P<cmp>{_COMPARATOR_RE})?\s*(?P<num>[-+]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)\s*(?P<unit>[^\d].*)?$"
)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


@dataclass(frozen=True)
class ParsedTarget:
    """A target value split into its parts; `is_quantitative` is False for qualitative text."""

    text: str
    comparator: str = ""
    number: Decimal | None = None
    unit: str = ""

    @property
    def is_quantitative(self) -> bool:
        return self.number is not None

    @property
    def is_percentage(self) -> bool:
        return self.unit in {"%", "％"}


def normalise(text: str) -> str:
    """Trim the whitespace Word/WPS leave around cell text, including full-width spaces."""
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def parse_target(text: str) -> ParsedTarget:
    raw = normalise(text)
    candidate = raw.translate(_FULLWIDTH).replace(" ", "")
    match = _QUANTITATIVE.match(candidate)
    if not match:
        return ParsedTarget(text=raw)
    unit = (match.group("unit") or "").strip()
    if re.search(r"\d", unit) and not _unit_digits_are_descriptive(unit):
        return ParsedTarget(text=raw)
    try:
        number = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:
        return ParsedTarget(text=raw)
    comparator = _COMPARATOR_SPELLINGS.get(match.group("cmp") or "", "")
    return ParsedTarget(text=raw, comparator=comparator, number=number, unit=unit)


def _unit_digits_are_descriptive(unit: str) -> bool:
    """Units like `元/人(12个月)` carry digits that are part of the unit, not a second value."""
    return bool(re.fullmatch(r"[^\d]*[(（][^()（）]*\d[^()（）]*[)）][^\d]*", unit))
