"""Ranking of library entries: how well they match what is typed and the project's name.

Chinese has no spaces, so texts are compared by character bigrams (`残疾人康复` → 残疾, 疾人, 人康,
康复). A bigram shared by the project name and an entry's name or keywords counts by its rarity
over the entries (inverse document frequency): 康复 is rare and decisive, 残疾 is everywhere and
nearly worthless. Words that say nothing about the subject (项目, 资金, 年度 …) never count.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .models import LibraryEntry

_WORD = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]{2,}")
_NOISE = re.compile(r"\d{4}年|\d+")
STOP_BIGRAMS = frozenset(
    [
        "项目",
        "目经",
        "经费",
        "资金",
        "补助",
        "助资",
        "专项",
        "中央",
        "省级",
        "市级",
        "县级",
        "本级",
        "年度",
        "年中",
        "事业",
        "业发",
        "发展",
        "展补",
        "残疾",
        "疾人",
        "人事",
        "人联",
        "联合",
        "合会",
        "指标",
        "工作",
        "相关",
    ]
)


def bigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in _WORD.findall(_NOISE.sub(" ", text or "")):
        if word.isascii():
            grams.add(word.lower())
        elif len(word) == 1:
            grams.add(word)
        else:
            grams.update(word[i : i + 2] for i in range(len(word) - 1))
    return grams - STOP_BIGRAMS


@dataclass
class _Scored:
    entry: LibraryEntry
    match: int
    relevance: float


def _match_rank(entry: LibraryEntry, terms: list[str]) -> int:
    """0 = name is the query, 1 = name starts with it, 2 = name contains it, 3 = 二级, 4 = other."""
    if not terms:
        return 0
    query = "".join(terms)
    if entry.name == query:
        return 0
    if entry.name.startswith(terms[0]):
        return 1
    if all(term in entry.name for term in terms):
        return 2
    if any(term in entry.level2_name for term in terms):
        return 3
    return 4


def rank(
    entries: Iterable[LibraryEntry], *, terms: list[str], project: str, limit: int
) -> list[LibraryEntry]:
    """The best `limit` entries: query match first, then project relevance, then usage."""
    entries = list(entries)
    name_grams = {e.pk: bigrams(e.name) for e in entries}
    keyword_grams = {e.pk: bigrams(e.keywords) for e in entries}
    project_grams = bigrams(project)
    relevance: dict[int, float] = dict.fromkeys(name_grams, 0.0)
    if project_grams:
        frequency: Counter[str] = Counter()
        for entry in entries:
            frequency.update(name_grams[entry.pk] | keyword_grams[entry.pk])
        total = len(entries) + 1
        for entry in entries:
            score = 0.0
            for gram in project_grams:
                if not frequency[gram]:
                    continue
                weight = math.log(total / frequency[gram]) + 0.1
                if gram in name_grams[entry.pk]:
                    score += 2 * weight
                elif gram in keyword_grams[entry.pk]:
                    score += weight
            relevance[entry.pk] = score
    scored = [_Scored(e, _match_rank(e, terms), relevance[e.pk]) for e in entries]
    scored.sort(key=lambda s: (s.match, -round(s.relevance, 6), -s.entry.usage_count, s.entry.name))
    return [s.entry for s in scored[:limit]]
