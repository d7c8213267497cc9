"""`--unit` of the management commands: a unit's name, a usual spelling of it, or its code."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from budgetapp.units.lookup import UnitLookupError, find_unit, unit_for_command


def test_a_name_as_stored_finds_the_unit(tree):
    assert find_unit("山海关区残联本级") == tree["own"]


def test_a_code_used_once_finds_the_unit(tree):
    tree["city"].code = "761000"
    tree["city"].save()
    assert find_unit(" 761000 ") == tree["city"]


def test_a_code_shared_by_several_regions_is_refused_with_the_candidates(tree):
    with pytest.raises(UnitLookupError) as refused:
        find_unit("762001")
    message = str(refused.value)
    assert "对应多个单位" in message
    for key in ("own", "other", "other_city"):
        assert tree[key].name in message


def test_the_name_without_its_own_level_suffix_finds_the_unit(tree):
    assert find_unit("张家口市残联") == tree["other_city"]
    assert find_unit("北戴河区残联") == tree["other"]


def test_the_full_form_of_the_short_name_finds_the_unit(tree):
    assert find_unit("山海关区残疾人联合会本级") == tree["own"]
    assert find_unit("山海关区残疾人联合会") == tree["own"]


def test_an_unknown_or_empty_name_is_refused_in_chinese(tree):
    with pytest.raises(UnitLookupError, match="找不到单位“南戴河区残联”"):
        find_unit("南戴河区残联")
    with pytest.raises(UnitLookupError, match="请填写单位名称或单位编码"):
        find_unit("  ")


def test_commands_turn_a_failed_lookup_into_a_command_error(tree):
    with pytest.raises(CommandError, match="对应多个单位"):
        unit_for_command("762001")


def test_export_tables_accepts_the_name_the_issue_uses(demo_zhangjiakou, tmp_path):
    out = tmp_path / "book.xlsx"
    call_command(
        "export_tables",
        unit="张家口市残疾人联合会",
        year=2021,
        fmt="xlsx",
        out=out,
    )
    assert out.stat().st_size > 10_000


@pytest.fixture
def demo_zhangjiakou(db):
    from budgetapp.demo.loader import load_demo

    load_demo()
