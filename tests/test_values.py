"""Target values (指标值): kept as typed and split into comparator, number and unit."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from budgetapp.demo.loader import read_data_file
from budgetapp.indicators.values import parse_target

DATA_FILES = [
    "zhangjiakou_2021.json",
    "shanhaiguan_2021.json",
    "lianjiang_2024.json",
    "caidian_2025.json",
]


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


# --- full-width forms and Chinese bound words (issue 12, bug 2) ------------------------------


@pytest.mark.parametrize(
    ("text", "comparator", "number", "unit"),
    [
        # the forms that were misread: unit "%以上", full-width not folded
        ("95%以上", "≥", "95", "%"),
        ("90%及以上", "≥", "90", "%"),
        ("不低于95%", "≥", "95", "%"),
        ("＞＝９５％", "≥", "95", "%"),
        ("≥９５％", "≥", "95", "%"),
        # full-width comparators, digits, signs and spaces
        ("≧95%", "≥", "95", "%"),
        ("≦60天", "≤", "60", "天"),
        ("＜＝５万元", "≤", "5", "万元"),
        ("＞９０％", ">", "90", "%"),
        ("＜５人", "<", "5", "人"),
        ("＝１００％", "=", "100", "%"),
        ("≥\u3000９５．５\u3000％", "≥", "95.5", "%"),
        ("１２，０００元／人", "", "12000", "元/人"),
        ("100元/人（月）", "", "100", "元/人(月)"),
        # bound words after the number and its unit
        ("1000人以上", "≥", "1000", "人"),
        ("95%或以上", "≥", "95", "%"),
        ("5%以下", "≤", "5", "%"),
        ("10万元及以下", "≤", "10", "万元"),
        ("60天以内", "≤", "60", "天"),
        # bound words before the number
        ("不高于500元/人", "≤", "500", "元/人"),
        ("不少于150人", "≥", "150", "人"),
        ("不多于3次", "≤", "3", "次"),
        ("不超过52万元", "≤", "52", "万元"),
        ("不大于5%", "≤", "5", "%"),
        ("不小于90%", "≥", "90", "%"),
        ("至少2次", "≥", "2", "次"),
        ("最多16人", "≤", "16", "人"),
        ("高于60%", ">", "60", "%"),
        ("低于5%", "<", "5", "%"),
        ("超过500人", ">", "500", "人"),
        ("达到100%", "≥", "100", "%"),
        ("大于等于95%", "≥", "95", "%"),
        # a word and a symbol or two words that say the same bound
        ("≥95%以上", "≥", "95", "%"),
        ("不低于 90 %以上", "≥", "90", "%"),
        ("≤5%以下", "≤", "5", "%"),
        # the same bounds in the narrative parts of seeds 000 and 001
        ("不少于20%", "≥", "20", "%"),
        ("不低于1个月", "≥", "1", "个月"),
        ("不少于240人", "≥", "240", "人"),
        ("不少于1000人", "≥", "1000", "人"),
    ],
)
def test_full_width_forms_and_bound_words_are_read(text, comparator, number, unit):
    parsed = parse_target(text)
    assert (parsed.comparator, parsed.number, parsed.unit) == (comparator, Decimal(number), unit)
    assert parsed.text == text.strip("\u3000 ")  # displayed as typed


@pytest.mark.parametrize(
    "text",
    [
        "不高于95%以上",  # two bounds that contradict each other
        "≤95%以上",
        "以上",
        "达到提高残疾人年收入",
        "不超过财政支持经费",
        "是／否",
    ],
)
def test_bound_words_without_one_readable_bound_stay_text(text):
    parsed = parse_target(text)
    assert not parsed.is_quantitative
    assert parsed.text == text


# Every spelling of 指标值 (and of the 前年/上年 values) in the four seeds, as the demo data
# holds them (tools/extract_seeds.py), with the parse each must give.
SEED_QUANTITATIVE = [
    ("0", "", "0", ""),
    ("100%", "", "100", "%"),
    ("100人", "", "100", "人"),
    ("100元/人(月)", "", "100", "元/人(月)"),
    ("1100人次", "", "1100", "人次"),
    ("114人", "", "114", "人"),
    ("12000元/人", "", "12000", "元/人"),
    ("14000", "", "14000", ""),
    ("140人", "", "140", "人"),
    ("14人", "", "14", "人"),
    ("17人", "", "17", "人"),
    ("20万元", "", "20", "万元"),
    ("21个", "", "21", "个"),
    ("240户", "", "240", "户"),
    ("260元", "", "260", "元"),
    ("30/人(月)", "", "30", "/人(月)"),
    ("300名", "", "300", "名"),
    ("315万元", "", "315", "万元"),
    ("448", "", "448", ""),
    ("480万元", "", "480", "万元"),
    ("4次", "", "4", "次"),
    ("5000人", "", "5000", "人"),
    ("500元/人", "", "500", "元/人"),
    ("50人", "", "50", "人"),
    ("600元/户", "", "600", "元/户"),
    ("60元/人", "", "60", "元/人"),
    ("62人", "", "62", "人"),
    ("80", "", "80", ""),
    ("80户", "", "80", "户"),
    ("88人", "", "88", "人"),
    ("90%", "", "90", "%"),
    ("95.00%", "", "95.00", "%"),
    ("999万元", "", "999", "万元"),
    (">1家", ">", "1", "家"),
    (">20%", ">", "20", "%"),
    (">50%", ">", "50", "%"),
    (">500人", ">", "500", "人"),
    (">60人", ">", "60", "人"),
    (">90%", ">", "90", "%"),
    (">95%", ">", "95", "%"),
    ("≤1000元", "≤", "1000", "元"),
    ("≤10万元", "≤", "10", "万元"),
    ("≤15人", "≤", "15", "人"),
    ("≤16人", "≤", "16", "人"),
    ("≤200元", "≤", "200", "元"),
    ("≤225人", "≤", "225", "人"),
    ("≤230人", "≤", "230", "人"),
    ("≤3", "≤", "3", ""),
    ("≤40人", "≤", "40", "人"),
    ("≤45", "≤", "45", ""),
    ("≤500元", "≤", "500", "元"),
    ("≤52万元", "≤", "52", "万元"),
    ("≤6000", "≤", "6000", ""),
    ("≤68人", "≤", "68", "人"),
    ("≥10%", "≥", "10", "%"),
    ("≥1000元", "≥", "1000", "元"),
    ("≥100人", "≥", "100", "人"),
    ("≥100户", "≥", "100", "户"),
    ("≥10年", "≥", "10", "年"),
    ("≥1310人", "≥", "1310", "人"),
    ("≥139933人", "≥", "139933", "人"),
    ("≥140000人", "≥", "140000", "人"),
    ("≥166人", "≥", "166", "人"),
    ("≥1790元", "≥", "1790", "元"),
    ("≥1年", "≥", "1", "年"),
    ("≥1门", "≥", "1", "门"),
    ("≥253人", "≥", "253", "人"),
    ("≥2656人", "≥", "2656", "人"),
    ("≥30%", "≥", "30", "%"),
    ("≥3000人", "≥", "3000", "人"),
    ("≥310元", "≥", "310", "元"),
    ("≥3800人", "≥", "3800", "人"),
    ("≥3次", "≥", "3", "次"),
    ("≥450户", "≥", "450", "户"),
    ("≥4601人", "≥", "4601", "人"),
    ("≥500元", "≥", "500", "元"),
    ("≥5500张", "≥", "5500", "张"),
    ("≥570人", "≥", "570", "人"),
    ("≥60%", "≥", "60", "%"),
    ("≥60元/人/月", "≥", "60", "元/人/月"),
    ("≥7人", "≥", "7", "人"),
    ("≥80%", "≥", "80", "%"),
    ("≥90", "≥", "90", ""),
    ("≥90%", "≥", "90", "%"),
    ("≥9000万元", "≥", "9000", "万元"),
    ("≥95%", "≥", "95", "%"),
]
SEED_QUALITATIVE = [
    "",
    "12月31日前",
    "2024年12月31日前",
    "于2021年底完成各类培训",
    "按要求支出",
    "时效指标",
    "是",
    "是/否",
    "有所保障",
    "有所提高",
    "有所改善",
    "相关业务是否正常开展",
    "较大",
    "进一步保障",
    "进一步推动",
    "长期",
]


def _seed_spellings() -> set[str]:
    found: set[str] = set()

    def walk(node, key: str = "") -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                walk(value, name)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key in {"target", "prev1", "prev2"}:
            found.add(node)

    for data_file in DATA_FILES:
        walk(read_data_file(data_file))
    return found


def test_the_table_holds_every_spelling_of_the_seeds():
    listed = {text for text, *_ in SEED_QUANTITATIVE} | set(SEED_QUALITATIVE)
    assert _seed_spellings() == listed


@pytest.mark.parametrize(("text", "comparator", "number", "unit"), SEED_QUANTITATIVE)
def test_every_quantitative_seed_spelling_is_split(text, comparator, number, unit):
    parsed = parse_target(text)
    assert (parsed.comparator, parsed.number, parsed.unit) == (comparator, Decimal(number), unit)
    assert parsed.text == text


@pytest.mark.parametrize("text", SEED_QUALITATIVE)
def test_every_qualitative_seed_spelling_is_kept_as_text(text):
    parsed = parse_target(text)
    assert not parsed.is_quantitative and parsed.text == text


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


def test_a_target_text_is_parsed_once_and_as_afresh():
    """parse_target keeps what it parsed (the 智能审核 asks some 160 times for a 20-row table):
    the same frozen result for the same text, equal to parsing it afresh."""
    for text in ["≥95%", " ＞＝９５％ ", "有所提高", "0.3-1.2万元", "不高于95%以上", "≥1200人次"]:
        assert parse_target(text) is parse_target(text)
        assert parse_target(text) == parse_target.__wrapped__(text)
    assert parse_target("≥95%") != parse_target("≥96%")
