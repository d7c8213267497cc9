"""Parsing of 指标值 (target values).

The filer's text is kept verbatim for display; the parsed parts (comparator, number, unit) let
checks and sums work. Anything that is not "optional comparator + number + optional unit" is a
qualitative target (`有所提高`, `是/否`, `12月31日前`) and is kept as text only.

Before parsing, full-width forms typed with a Chinese input method are folded to ASCII
(`＞＝９５％` → `>=95%`), and the bound words of ordinary Chinese are read as comparators: a word
before the number (`不低于95%`, `至少3次`) or after it (`95%以上`, `90%及以上`, `60天以内`).
Following the usual legal reading (民法典 第一千二百五十九条), 以上/以下/以内 include the number
itself (≥, ≤) and 超过/不满 do not (>, <).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache


class Comparator:
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="

    CHOICES = [(GE, "≥"), (LE, "≤"), (GT, ">"), (LT, "<"), (EQ, "=")]


# Spellings before the number (symbols from Word/Excel/WPS, and words), normalised to one
# symbol each. Matched longest first, so ">=" wins over ">" and "不低于" over "低于".
_COMPARATOR_SPELLINGS: dict[str, str] = {
    ">=": Comparator.GE,
    "=>": Comparator.GE,
    "≥": Comparator.GE,
    "≧": Comparator.GE,
    "⩾": Comparator.GE,
    "≮": Comparator.GE,
    "不低于": Comparator.GE,
    "不少于": Comparator.GE,
    "不小于": Comparator.GE,
    "不得低于": Comparator.GE,
    "不得少于": Comparator.GE,
    "大于等于": Comparator.GE,
    "大于或等于": Comparator.GE,
    "至少": Comparator.GE,
    "最少": Comparator.GE,
    "达到": Comparator.GE,
    "<=": Comparator.LE,
    "=<": Comparator.LE,
    "≤": Comparator.LE,
    "≦": Comparator.LE,
    "⩽": Comparator.LE,
    "≯": Comparator.LE,
    "不高于": Comparator.LE,
    "不超过": Comparator.LE,
    "不多于": Comparator.LE,
    "不大于": Comparator.LE,
    "不得高于": Comparator.LE,
    "不得超过": Comparator.LE,
    "小于等于": Comparator.LE,
    "小于或等于": Comparator.LE,
    "最多": Comparator.LE,
    "至多": Comparator.LE,
    "控制在": Comparator.LE,
    ">": Comparator.GT,
    "大于": Comparator.GT,
    "高于": Comparator.GT,
    "超过": Comparator.GT,
    "多于": Comparator.GT,
    "<": Comparator.LT,
    "小于": Comparator.LT,
    "低于": Comparator.LT,
    "少于": Comparator.LT,
    "不足": Comparator.LT,
    "不满": Comparator.LT,
    "=": Comparator.EQ,
    "等于": Comparator.EQ,
}
# Bound words after the number and its unit: `95%以上`, `60天以内`.
_SUFFIX_SPELLINGS: dict[str, str] = {
    "以上": Comparator.GE,
    "及以上": Comparator.GE,
    "或以上": Comparator.GE,
    "以下": Comparator.LE,
    "及以下": Comparator.LE,
    "或以下": Comparator.LE,
    "以内": Comparator.LE,
    "之内": Comparator.LE,
}


def _alternatives(spellings: dict[str, str]) -> str:
    return "|".join(re.escape(k) for k in sorted(spellings, key=len, reverse=True))


# comparator? number unit? bound?  — the unit may be anything that does not start with a digit
# (人, %, 万元/人/年, 元/人, 平方米, 人次, 天, /人(月)); a second number makes it qualitative
# (e.g. "0.3-1.2万元") because no single target can be read from it.
_QUANTITATIVE = re.compile(
    rf"^(?P<cmp>{_alternatives(_COMPARATOR_SPELLINGS)})?"
    r"(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"(?P<unit>[^\d].*?)??"
    rf"(?P<bound>{_alternatives(_SUFFIX_SPELLINGS)})?$"
)

# Full-width ASCII (U+FF01–U+FF5E: ９ ％ ＞ ＝ ． ， ／ （ ）…) to ASCII, the ideographic and
# no-break spaces to a plain space.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: " ", 0xA0: " "})


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
    """Trim the whitespace Word/WPS leave around cell text (full-width and no-break included);
    what is inside stays as typed."""
    return text.strip()


def fold_width(text: str) -> str:
    """Full-width digits, signs and spaces as their ASCII forms (`＞＝９５％` → `>=95%`)."""
    return text.translate(_FULLWIDTH)


# A table's 智能审核 parses each row's target once per rule that looks at it (some 160 times for
# a 20-row table), every table page after a save and every live check again: the same few
# texts, kept parsed (ParsedTarget is frozen, a Decimal immutable).
@lru_cache(maxsize=4096)
def parse_target(text: str) -> ParsedTarget:
    """Split a typed 指标值; the text is kept as typed (trimmed) for display."""
    raw = normalise(text)
    candidate = re.sub(r"\s+", "", fold_width(raw))
    match = _QUANTITATIVE.match(candidate)
    if not match:
        return ParsedTarget(text=raw)
    unit = match.group("unit") or ""
    if re.search(r"\d", unit) and not _unit_digits_are_descriptive(unit):
        return ParsedTarget(text=raw)
    try:
        number = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:
        return ParsedTarget(text=raw)
    before = _COMPARATOR_SPELLINGS.get(match.group("cmp") or "", "")
    after = _SUFFIX_SPELLINGS.get(match.group("bound") or "", "")
    if before and after and not _agree(before, after):
        return ParsedTarget(text=raw)  # `不高于95%以上`: no single bound can be read
    return ParsedTarget(text=raw, comparator=before or after, number=number, unit=unit)


def _agree(before: str, after: str) -> bool:
    """`至少95%以上` says ≥ twice; `超过95%以上` keeps the strict word's meaning."""
    lower = {Comparator.GE, Comparator.GT}
    upper = {Comparator.LE, Comparator.LT}
    return (before in lower and after in lower) or (before in upper and after in upper)


def _unit_digits_are_descriptive(unit: str) -> bool:
    """Units like `元/人(12个月)` carry digits that are part of the unit, not a second value."""
    return bool(re.fullmatch(r"[^\d]*[(（][^()（）]*\d[^()（）]*[)）][^\d]*", unit))
