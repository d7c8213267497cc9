"""Finding a unit from what a person types on the command line: its name or its code.

Codes are unique only inside one region (`762001` is a unit of 张家口 and of 山海关), so a code
shared by several units is refused with the candidates listed. Names are matched as typed, then
in the forms people use for the same unit: the common short form 残联 for 残疾人联合会, and
without the 本级 suffix that marks a unit's own level (张家口市残疾人联合会 → …本级).
"""

from __future__ import annotations

from django.db.models import Q

from .models import Unit

SHORT_FORM = ("残联", "残疾人联合会")
OWN_LEVEL = "本级"


class UnitLookupError(ValueError):
    """No unit, or more than one, answers to the text given; the message says which."""


def _spellings(text: str) -> list[str]:
    short, full = SHORT_FORM
    names = {text, text.replace(short, full), text.replace(full, short)}
    return sorted(names | {f"{name}{OWN_LEVEL}" for name in names if not name.endswith(OWN_LEVEL)})


def find_unit(name_or_code: str) -> Unit:
    """The one unit with this name (or a usual spelling of it) or this code."""
    text = name_or_code.strip()
    if not text:
        raise UnitLookupError("请填写单位名称或单位编码。")
    units = Unit.objects.select_related("region").order_by("region__name", "name")
    matches = list(units.filter(Q(name=text) | Q(code=text)))
    if not matches:
        matches = list(units.filter(name__in=_spellings(text)))
    if not matches:
        raise UnitLookupError(f"找不到单位“{text}”（请填写单位名称或单位编码）。")
    if len(matches) > 1:
        candidates = "\n".join(
            f"  {unit.code or '（无编码）'} {unit.name}（{unit.region.name}）" for unit in matches
        )
        raise UnitLookupError(
            f"“{text}”对应多个单位（单位编码只在本区划内唯一），请用单位名称指定：\n{candidates}"
        )
    return matches[0]


def unit_for_command(name_or_code: str) -> Unit:
    """`find_unit` for a management command's `--unit`: a failed lookup is a CommandError."""
    from django.core.management.base import CommandError

    try:
        return find_unit(name_or_code)
    except UnitLookupError as error:
        raise CommandError(str(error)) from None
