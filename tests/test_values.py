"""Target values (指标值): kept as typed and split into comparator, number and unit."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from budgetapp.demo.loader import read_data_file
from budgetapp.indicators.values import parse_target


@pytest.mark.parametrize(
    ("text", "comparator", "number", "unit"),
    [
        ("≥3800人", "≥", "3800", "人"),
        ("≤0.4万元/人/年", "≤", "0.4", "万元/人/年"),
        ("100%", "", "100", "%"),
        ("12000元/人", "", "12000", "元/人"),
        ("≤60天", "≤", "60", "天"),
        ("≥5200平方米", "≥", "5200", "平方米"),
        (">=95%", "≥", "95", "%"),
        ("＞1家", ">", "1", "家"),
        ("不低于 90 %", "≥", "90", "%"),
        ("１,２００元", "", "1200", "元"),
        ("30/人(月)", "", "30", "/人(月)"),
        ("100元/人(月)", "", "100", "元/人(月)"),
        ("0", "", "0", ""),
        ("480万元\u3000", "", "480", "万元"),
    ],
)
def test_quantitative_targets_are_split(text, comparator, number, unit):
    parsed = parse_target(text)
    assert parsed.is_quantitative
    assert (parsed.comparator, parsed.number, parsed.unit) == (comparator, Decimal(number), unit)


@pytest.mark.parametrize(
    "text",
    [
        "有所提高",
        "是/否",
        "是",
        "长期",
        "进一步保障",
        "12月31日前",
        "2024年12月31日前",
        "0.3-1.2万元",
        "",
    ],
)
def test_qualitative_targets_are_kept_as_text(text):
    parsed = parse_target(text)
    assert not parsed.is_quantitative
    assert parsed.text == text
    assert parsed.comparator == "" and parsed.unit == ""


def test_whitespace_around_the_typed_text_is_trimmed():
    assert parse_target("\u3000≥95%  ").text == "≥95%"


@pytest.mark.parametrize("data_file", ["zhangjiakou_2021.json", "shanhaiguan_2021.json"])
def test_every_published_target_of_seeds_000_and_001_parses_or_is_qualitative(data_file):
    """Anything that starts like a number must come out as a number; the rest is kept as text."""
    targets = [
        row["target"]
        for table in read_data_file(data_file)["projects"]
        for row in table["indicators"]
    ]
    assert targets, "the demo data has indicator rows"
    numeric_looking = re.compile(r"^[≥≤<>=]?\d+(\.\d+)?[^\d]*$")
    for target in targets:
        parsed = parse_target(target)
        assert parsed.text == target.strip()
        if numeric_looking.match(target):
            assert parsed.is_quantitative, target
            assert str(parsed.number) in target.replace(",", ""), target
        else:
            assert not parsed.is_quantitative, target
