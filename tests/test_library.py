"""The indicator library (指标库): seeding, search and ranking, 个性指标, proposals and the admin."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from budgetapp.checks.rules.common import squash
from budgetapp.indicators.frameworks import CENTRAL_2021, LEGACY
from budgetapp.indicators.models import Category, Framework
from budgetapp.library import services, vetting
from budgetapp.library.categories import CategoryMap
from budgetapp.library.models import (
    CONTENT_FIELDS,
    EntryKind,
    EntryStatus,
    LibraryDecision,
    LibraryEntry,
)
from budgetapp.library.ranking import bigrams
from budgetapp.library.seeding import read_common_indicators

from .conftest import login

REPO = Path(__file__).resolve().parent.parent
DEMO_DATA = REPO / "budgetapp" / "demo" / "data"
SEARCH = reverse("library:search")
PROPOSALS = reverse("library:proposals")


def _build_tool():
    spec = importlib.util.spec_from_file_location("build_library", REPO / "tools/build_library.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def seed_rows() -> list[dict]:
    rows = []
    for path in sorted(DEMO_DATA.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows += data["department"].get("indicators") or []
        rows += [row for project in data["projects"] for row in project["indicators"]]
    return rows


def search(client, **params) -> list[dict]:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.json()["results"]


def unit_entry(unit, name: str, status: str = EntryStatus.APPROVED, **extra) -> LibraryEntry:
    values = {
        "level1_name": "产出指标",
        "level2_name": "数量指标",
        "description": f"{name}的描述",
        "measure_unit": "人",
    } | extra
    return LibraryEntry.objects.create(
        kind=EntryKind.UNIT, status=status, unit=unit, name=name, **values
    )


# --- seeding -------------------------------------------------------------------------------


def test_every_distinct_seed_indicator_is_a_common_entry(db):
    rows = seed_rows()
    assert len(rows) == 244  # 128 + 78 project rows, 27 + 11 department rows
    report = _build_tool().build_report(DEMO_DATA)
    merged = {duplicate[2] for duplicate, _ in report.merged} - {
        kept[2] for _, kept in report.merged
    }  # 覆盖率 stays, under 质量指标
    left_out = {entry["name"] for entry, _ in report.left_out}
    names = {" ".join(row["name"].split()) for row in rows}
    common = LibraryEntry.objects.filter(kind=EntryKind.COMMON, status=EntryStatus.APPROVED)
    assert set(common.values_list("name", flat=True)) == names - merged - left_out
    # Deduplicated by category + name: 173 distinct, 4 merged duplicates, 6 left out.
    assert (len(report.merged), len(left_out)) == (4, 6)
    assert common.count() == len(read_common_indicators()) == 173 - 4 - 6
    left_out_rows = sum(entry["usage_count"] for entry, _ in report.left_out)
    assert sum(common.values_list("usage_count", flat=True)) == len(rows) - left_out_rows


def test_committed_library_file_is_what_the_build_tool_derives():
    assert _build_tool().build(DEMO_DATA) == read_common_indicators()


def test_build_takes_usual_values_and_keywords_from_the_seeds(db):
    satisfaction = LibraryEntry.objects.get(name="服务对象满意度", level2_name="服务对象满意度指标")
    assert satisfaction.usage_count > 1
    assert (satisfaction.comparator, satisfaction.measure_unit) == ("≥", "%")
    assert satisfaction.basis
    rehab = LibraryEntry.objects.get(name="儿童康复救助数量")
    assert rehab.keywords == "残疾人康复"  # the project's name without "2021年"
    assert rehab.description == "2021年残疾儿童康复救助补助数量"


def test_build_does_not_hand_on_published_mistakes(db):
    # seed 001: 数量指标 "≤225人" — a floor is meant.
    counted = LibraryEntry.objects.get(name="得到基本康复服务的残疾人数量")
    assert counted.comparator == "≥" and counted.measure_unit == "人"
    # seed 001: a rate given as a head count is offered as a percentage;
    # seed 000: a cost given in % (成本指标 “预算” ≥95%) is not offered at all.
    rate = LibraryEntry.objects.get(name="工资及保险发放准确率")
    assert (rate.comparator, rate.measure_unit, rate.description) == ("≥", "%", "")
    assert not LibraryEntry.objects.filter(level2_name="成本指标", name="预算").exists()
    # seed 004: 补贴到位率 published as 满意度指标 / 质量指标 is offered as 产出指标 / 质量指标.
    assert LibraryEntry.objects.filter(name="补贴到位率", level1_name="产出指标").exists()
    assert not LibraryEntry.objects.filter(level1_name="满意度指标", level2_name="质量指标")
    # 可持续影响 is the framework's 可持续影响指标.
    assert not LibraryEntry.objects.filter(level2_name="可持续影响").exists()


def test_every_common_entry_passes_the_checks_as_offered():
    """Picked from the library and filled with its usual shape, no 智能审核 rule objects."""
    entries = read_common_indicators()
    flagged = {e["name"]: [f.message for f in vetting.entry_findings(e)] for e in entries}
    assert {name: messages for name, messages in flagged.items() if messages} == {}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("项目控制预算数", "是成本指标，指标值应为金额"),  # published as 是/否
        ("控制在预算资金内", "是成本指标，指标值应为金额"),
        ("预算", "只有数字，没有计量单位"),  # a cost published as ≥95%
        ("提高工作效率", "不是规范表述"),  # only ever published as 是/否
    ],
)
def test_seed_rows_the_checks_flag_and_that_cannot_be_fixed_are_left_out(db, name, reason):
    report = _build_tool().build_report(DEMO_DATA)
    problems = {entry["name"]: problems for entry, problems in report.left_out}
    assert reason in problems[name][0]
    assert not LibraryEntry.objects.filter(name=name, status=EntryStatus.APPROVED).exists()


def test_seed_rows_the_checks_flag_are_repaired_where_the_remedy_is_clear(db):
    def shape(name: str) -> tuple[str, str, str]:
        entry = LibraryEntry.objects.get(kind=EntryKind.COMMON, name=name)
        return entry.comparator, entry.measure_unit, entry.description

    assert shape("保障正常办公人数") == ("≥", "人", "")  # `17人`; description = name
    assert shape("精神残疾人接受门诊发药人次") == ("≥", "人次", "")  # `14000`
    assert shape("非法赴市、赴省、赴京上访事件") == ("=", "起", "")  # `0`
    assert shape("补助标准")[:2] == ("≤", "元/人")  # a cost: a ceiling
    assert shape("残疾人及其家属对残疾人居家康复的满意度")[:2] == ("≥", "%")  # `≥90`


def test_duplicates_are_merged_into_one_entry(db):
    common = LibraryEntry.objects.filter(kind=EntryKind.COMMON)
    for gone in ("得到基本康复服务的残疾人人数", "其家属对残疾人康复服务的满意度"):
        assert not common.filter(name=gone).exists()
    kept = common.get(name="得到基本康复服务的残疾人数量")
    assert kept.usage_count == 2 and kept.comparator == "≥"
    assert list(common.filter(name="覆盖率").values_list("level2_name", flat=True)) == ["质量指标"]
    # No two entries of one 二级 whose names differ only in punctuation or a unit in brackets.
    seen: dict[tuple[str, str, str], str] = {}
    for entry in read_common_indicators():
        key = (entry["level1"], entry["level2"], squash(entry["name"]))
        assert key not in seen, (entry["name"], seen.get(key))
        seen[key] = entry["name"]


def test_an_existing_library_is_brought_to_the_vetted_state_by_its_migration(db, users):
    """Databases seeded before the vetting: flagged entries retired (and logged), repairs
    applied only where the value is still the one first installed."""
    migration = importlib.import_module("budgetapp.library.migrations.0004_vet_common_indicators")
    common = {"kind": EntryKind.COMMON, "status": EntryStatus.APPROVED}
    budget = LibraryEntry.objects.create(
        **common, level1_name="产出指标", level2_name="成本指标", name="项目控制预算数"
    )
    LibraryEntry.objects.filter(name="工资及保险发放准确率").update(
        comparator="", measure_unit="", description="工资及保险发放准确率"
    )
    LibraryEntry.objects.filter(name="保障正常办公人数").update(
        comparator="", description="管理员写的描述"
    )
    migration.forwards(django_apps, None)
    budget.refresh_from_db()
    assert budget.status == EntryStatus.RETIRED
    decision = LibraryDecision.objects.get(entry=budget)
    assert (decision.from_status, decision.to_status) == ("approved", "retired")
    rate = LibraryEntry.objects.get(name="工资及保险发放准确率")
    assert (rate.comparator, rate.measure_unit, rate.description) == ("≥", "%", "")
    edited = LibraryEntry.objects.get(name="保障正常办公人数")
    assert (edited.comparator, edited.description) == ("≥", "管理员写的描述")
    frozen = importlib.util.find_spec(migration.__name__).loader.get_source(migration.__name__)
    assert "budgetapp" not in frozen  # no live application code


def test_seeding_is_idempotent_and_keeps_edits(db):
    install_common_indicators = importlib.import_module(
        "budgetapp.library.migrations.0002_install_common_indicators"
    ).install

    entry = LibraryEntry.objects.get(name="服务对象满意度", level2_name="服务对象满意度指标")
    entry.description = "管理员改过的描述"
    entry.save()
    assert install_common_indicators(LibraryEntry) == 0
    entry.refresh_from_db()
    assert entry.description == "管理员改过的描述"


# --- categories ----------------------------------------------------------------------------


def test_categories_map_onto_either_framework(db):
    legacy = CategoryMap.for_framework(Framework.objects.get(code=LEGACY).pk)
    central = CategoryMap.for_framework(Framework.objects.get(code=CENTRAL_2021).pk)

    level1, level2 = legacy.resolve("产出指标", "成本指标")
    assert (level1.name, level2.name, level2.parent_id) == ("产出指标", "成本指标", level1.pk)
    level1, level2 = central.resolve("产出指标", "成本指标")
    assert (level1.name, level2.name) == ("成本指标", "经济成本指标")
    assert level1.framework.code == CENTRAL_2021
    level1, level2 = legacy.resolve("成本指标", "经济成本指标")
    assert (level1.name, level2.name) == ("产出指标", "成本指标")

    level1, level2 = legacy.resolve("产出", "时效")
    assert (level1.name, level2.name) == ("产出指标", "时效指标")
    level1, level2 = legacy.resolve("效益指标", "可持续影响")
    assert level2.name == "可持续影响指标"
    level1, level2 = legacy.resolve("效益指标", "")
    assert (level1.name, level2) == ("效益指标", None)
    # A pair the framework does not have is never selected.
    level1, level2 = legacy.resolve("满意度指标", "质量指标")
    assert (level1.name, level2) == ("满意度指标", None)
    assert CategoryMap.for_framework(None).resolve("产出指标", "数量指标") == (None, None)


def test_bigrams_ignore_years_numbers_and_words_without_subject():
    assert bigrams("2021年残疾人康复项目") == {"人康", "康复", "复项"}
    assert "康复" in bigrams("康复")
    assert bigrams("") == set()


# --- search --------------------------------------------------------------------------------


def test_search_matches_name_description_and_level2(client, users):
    login(client, users["owner"])
    by_name = search(client, q="满意度")
    assert by_name and all("满意度" in r["name"] + r["description"] + r["level2"] for r in by_name)
    assert len(by_name) == 15  # limited
    by_description = search(client, q="公交出行")
    assert [r["name"] for r in by_description] == ["办理“爱心卡”数量"]
    by_level2 = search(client, q="时效指标")
    assert by_level2 and all(r["level2"] == "时效指标" for r in by_level2)
    assert search(client, q="没有这样的指标名称") == []
    # Several terms must all match.
    both = search(client, q="康复 人数")
    assert both and all("康复" in r["name"] + r["description"] + r["level2"] for r in both)


def test_search_ranks_names_starting_with_the_query_first(client, users):
    login(client, users["owner"])
    names = [r["name"] for r in search(client, q="残疾")]
    starting = [n for n in names if n.startswith("残疾")]
    assert names[: len(starting)] == starting


def test_project_name_puts_its_subject_first(client, users):
    login(client, users["owner"])
    rehab = search(client, q="", project="2026年残疾人康复服务项目")
    assert rehab and all("康复" in (r["name"] + r["description"]) for r in rehab[:3])
    employment = search(client, q="", project="残疾人就业培训补助")
    assert not any("康复" in r["name"] for r in employment[:3])
    assert any("就业" in r["name"] or "培训" in r["name"] for r in employment[:3])
    # The same typed text ranks differently for different projects.
    # An exact name comes first; among names containing the text, the project's subject.
    for_rehab = search(client, q="人数", project="残疾人康复经费")
    assert for_rehab[0]["name"] == "人数"
    assert "康复" in for_rehab[1]["name"]
    for_employment = search(client, q="人数", project="残疾人就业与扶贫")
    assert "康复" not in for_employment[1]["name"]


def test_search_answers_the_category_ids_of_the_tables_framework(client, users):
    login(client, users["owner"])
    central = Framework.objects.get(code=CENTRAL_2021)
    result = next(r for r in search(client, q="人均培训成本", framework=central.pk))
    level1 = Category.objects.get(pk=result["level1_id"])
    level2 = Category.objects.get(pk=result["level2_id"])
    assert (level1.name, level2.name, level1.framework_id) == (
        "成本指标",
        "经济成本指标",
        central.pk,
    )
    # The list shows the labels of the table's framework; the entry keeps its own names.
    assert (result["level1"], result["level2"]) == ("成本指标", "经济成本指标")
    assert (result["entry_level1"], result["entry_level2"]) == ("产出指标", "成本指标")
    assert result["hint"] == "≤ 数值 元"
    legacy = Framework.objects.get(code=LEGACY)
    in_legacy = next(r for r in search(client, q="人均培训成本", framework=legacy.pk))
    assert (in_legacy["level1"], in_legacy["level2"]) == ("产出指标", "成本指标")
    without = next(r for r in search(client, q="人均培训成本", framework="x"))
    assert without["level1_id"] is None and without["level2_id"] is None
    assert (without["level1"], without["level2"]) == ("产出指标", "成本指标")


def test_search_is_one_query_for_entries(client, users, django_assert_max_num_queries):
    login(client, users["owner"])
    client.get(SEARCH, {"q": ""})  # warm the session and the account
    # session + user + account + entries (+ unit scoping subquery inline) + categories
    with django_assert_max_num_queries(6):
        assert client.get(SEARCH, {"q": "", "project": "康复", "framework": 1}).status_code == 200


def test_search_access(client, users, django_user_model):
    anonymous = client.get(SEARCH, {"q": "满意度"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    no_role = django_user_model.objects.create_user(username="norole", password="x")
    login(client, no_role)
    assert client.get(SEARCH, {"q": "满意度"}).status_code == 403
    for who in ("owner", "reviewer", "admin"):
        login(client, users[who])
        assert search(client, q="满意度")
    login(client, users["owner"])
    assert client.post(SEARCH, {"q": "满意度"}).status_code == 405


# --- 个性指标 and retired entries ------------------------------------------------------------


def test_unit_entries_are_offered_to_their_unit_only(client, users, tree):
    unit_entry(tree["own"], "山海关区助残志愿服务次数")
    unit_entry(tree["other"], "北戴河区助残志愿服务次数")
    unit_entry(tree["own"], "山海关区待审核指标", status=EntryStatus.PROPOSED)
    unit_entry(tree["own"], "山海关区被驳回指标", status=EntryStatus.REJECTED)

    login(client, users["owner"])
    names = [r["name"] for r in search(client, q="山海关区")]
    assert names == ["山海关区助残志愿服务次数"]
    assert search(client, q="北戴河区") == []
    login(client, users["colleague"])
    assert [r["name"] for r in search(client, q="助残志愿")] == ["北戴河区助残志愿服务次数"]
    # A reviewer sees the 个性指标 of the units under the city.
    login(client, users["reviewer"])
    assert len(search(client, q="助残志愿")) == 2
    login(client, users["other_reviewer"])
    assert search(client, q="助残志愿") == []


def test_retired_entries_are_never_offered(client, users, tree):
    entry = LibraryEntry.objects.get(name="办理“爱心卡”数量")
    services.retire_entries(user=users["admin"], entries=[entry])
    retired_unit = unit_entry(tree["own"], "山海关区停用指标", status=EntryStatus.RETIRED)
    login(client, users["owner"])
    assert entry.name not in [r["name"] for r in search(client, q="爱心卡")]
    assert search(client, q="公交出行") == []
    assert search(client, q=retired_unit.name) == []
    assert entry.name not in [r["name"] for r in search(client, q="", project="爱心卡")]
    services.reinstate_entries(user=users["admin"], entries=[entry])
    assert [r["name"] for r in search(client, q="公交出行")] == ["办理“爱心卡”数量"]


# --- proposals -----------------------------------------------------------------------------

PROPOSAL = {
    "level1_name": "产出指标",
    "level2_name": "数量指标",
    "name": "盲人按摩培训人数",
    "description": "全年组织盲人按摩技能培训的人数",
    "comparator": "≥",
    "measure_unit": "人",
    "basis": "年度工作计划",
    "keywords": "盲人 按摩 培训",
}


def test_filer_proposes_and_an_administrator_approves(client, users, tree):
    login(client, users["owner"])
    response = client.post(PROPOSALS, PROPOSAL)
    assert response.status_code == 302
    entry = LibraryEntry.objects.get(name="盲人按摩培训人数")
    assert (entry.kind, entry.status, entry.unit, entry.proposed_by) == (
        EntryKind.UNIT,
        EntryStatus.PROPOSED,
        tree["own"],
        users["owner"],
    )
    page = client.get(PROPOSALS).content.decode()
    assert "盲人按摩培训人数" in page and "待审核" in page
    assert search(client, q="盲人按摩") == []  # not before approval

    login(client, users["admin"])
    changelist = reverse("admin:library_libraryentry_changelist")
    response = client.post(
        changelist, {"action": "approve", "_selected_action": [entry.pk]}, follow=True
    )
    assert "已通过 1 条指标。" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.reviewed_by == users["admin"]

    login(client, users["owner"])
    found = search(client, q="盲人按摩")
    assert [(r["name"], r["kind"], r["hint"]) for r in found] == [
        ("盲人按摩培训人数", "unit", "≥ 数值 人")
    ]
    assert "已启用" in client.get(PROPOSALS).content.decode()
    login(client, users["colleague"])
    assert search(client, q="盲人按摩") == []


def test_invalid_proposal_keeps_what_was_typed(client, users):
    login(client, users["owner"])
    data = PROPOSAL | {"level1_name": "满意度指标", "description": ""}
    response = client.post(PROPOSALS, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "二级指标“数量指标”不属于一级指标“满意度指标”。" in page
    assert "请填写绩效指标描述。" in page
    assert "盲人按摩培训人数" in page and "年度工作计划" in page
    assert not LibraryEntry.objects.filter(name="盲人按摩培训人数").exists()


def test_proposal_duplicating_a_common_entry_or_a_pending_one_is_refused(client, users, tree):
    login(client, users["owner"])
    duplicate = PROPOSAL | {
        "level1_name": "满意度指标",
        "level2_name": "服务对象满意度指标",
        "name": "服务对象满意度",
    }
    page = client.post(PROPOSALS, duplicate).content.decode()
    assert "指标库中已有共性指标“服务对象满意度”" in page
    client.post(PROPOSALS, PROPOSAL)
    page = client.post(PROPOSALS, PROPOSAL).content.decode()
    assert "本单位已提出“盲人按摩培训人数”，正在等待审核。" in page
    assert LibraryEntry.objects.filter(kind=EntryKind.UNIT).count() == 1


def test_proposal_page_access(client, users, tree):
    unit_entry(tree["other"], "北戴河区的申请", status=EntryStatus.PROPOSED)
    response = client.get(PROPOSALS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(client, users["owner"])
    page = client.get(PROPOSALS)
    assert page.status_code == 200 and "北戴河区的申请" not in page.content.decode()
    for who in ("reviewer", "admin"):
        login(client, users[who])
        assert client.get(PROPOSALS).status_code == 403
        assert client.post(PROPOSALS, PROPOSAL).status_code == 403
    assert not LibraryEntry.objects.filter(name=PROPOSAL["name"]).exists()


def test_withdraw_access(client, users, tree):
    own = unit_entry(tree["own"], "山海关区的申请", status=EntryStatus.PROPOSED)
    url = reverse("library:withdraw", args=[own.pk])

    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login(client, users["colleague"])
    assert client.post(url).status_code == 404
    login(client, users["other_reviewer"])
    assert client.post(url).status_code == 404
    login(client, users["reviewer"])
    assert client.post(url).status_code == 403
    login(client, users["owner"])
    assert client.get(url).status_code == 405
    assert LibraryEntry.objects.filter(pk=own.pk).exists()  # nothing changed so far

    assert client.post(url).status_code == 302
    assert not LibraryEntry.objects.filter(pk=own.pk).exists()


def test_decided_proposals_cannot_be_withdrawn(client, users, tree):
    entry = unit_entry(tree["own"], "山海关区已通过指标")
    login(client, users["owner"])
    response = client.post(reverse("library:withdraw", args=[entry.pk]), follow=True)
    assert "不能撤回" in response.content.decode()
    assert LibraryEntry.objects.filter(pk=entry.pk).exists()


# --- administrators ------------------------------------------------------------------------


def test_admin_actions_only_move_entries_from_the_right_state(users, tree):
    proposed = unit_entry(tree["own"], "待审核", status=EntryStatus.PROPOSED)
    approved = unit_entry(tree["own"], "已启用")
    assert services.reject_entries(
        user=users["admin"], entries=[proposed, approved], note="与共性指标重复"
    ) == (1, 1)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.review_note) == (EntryStatus.REJECTED, "与共性指标重复")
    assert services.retire_entries(user=users["admin"], entries=[proposed, approved]) == (1, 1)
    approved.refresh_from_db()
    assert approved.status == EntryStatus.RETIRED
    log = [
        (d.entry_name, d.from_status, d.to_status, d.actor, d.note)
        for d in LibraryDecision.objects.order_by("pk")
    ]
    assert log == [
        ("待审核", "proposed", "rejected", users["admin"], "与共性指标重复"),
        ("已启用", "approved", "retired", users["admin"], ""),
    ]
    with pytest.raises(services.LibraryError, match="驳回理由"):
        services.reject_entries(user=users["admin"], entries=[proposed], note="  ")


def test_admin_rejects_with_a_reason_the_unit_sees_and_the_log_keeps(client, users, tree):
    entry = unit_entry(tree["own"], "盲人按摩培训人数", status=EntryStatus.PROPOSED)
    login(client, users["admin"])
    changelist = reverse("admin:library_libraryentry_changelist")
    chosen = {"action": "reject", "_selected_action": [entry.pk]}

    page = client.post(changelist, chosen)  # the action asks for the reason first
    assert page.status_code == 200 and "驳回理由" in page.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PROPOSED

    page = client.post(changelist, {**chosen, "apply": "1", "note": ""})
    assert "请填写驳回理由" in page.content.decode()
    assert entry.status == EntryStatus.PROPOSED and not LibraryDecision.objects.exists()

    response = client.post(
        changelist, {**chosen, "apply": "1", "note": "与共性指标“培训人数”重复"}, follow=True
    )
    assert "已驳回 1 条指标。" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.review_note) == (EntryStatus.REJECTED, "与共性指标“培训人数”重复")
    change = client.get(reverse("admin:library_libraryentry_change", args=[entry.pk]))
    assert "与共性指标“培训人数”重复" in change.content.decode()  # the decisions inline

    login(client, users["owner"])
    assert "与共性指标“培训人数”重复" in client.get(PROPOSALS).content.decode()


def test_a_decision_in_the_edit_form_is_logged_and_the_log_cannot_be_edited(client, users, tree):
    entry = unit_entry(tree["own"], "家庭医生签约人数", status=EntryStatus.PROPOSED)
    login(client, users["admin"])
    url = reverse("admin:library_libraryentry_change", args=[entry.pk])
    form = {
        "kind": "unit",
        "unit": tree["own"].pk,
        "status": "approved",
        **{name: getattr(entry, name) for name in CONTENT_FIELDS},
        "usage_count": "0",
        "review_note": "",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
    }
    assert client.post(url, form).status_code == 302
    decision = LibraryDecision.objects.get()
    assert (decision.entry, decision.from_status, decision.to_status, decision.actor) == (
        entry,
        "proposed",
        "approved",
        users["admin"],
    )
    log = reverse("admin:library_librarydecision_change", args=[decision.pk])
    assert client.post(log, {"note": "改掉"}).status_code == 403
    assert client.get(reverse("admin:library_librarydecision_add")).status_code == 403
    assert client.get(reverse("admin:library_librarydecision_changelist")).status_code == 200

    entry.delete()  # a withdrawn or deleted entry keeps its history
    decision.refresh_from_db()
    assert decision.entry is None and decision.entry_name == "家庭医生签约人数"


def test_admin_adds_edits_and_retires_entries(client, users):
    login(client, users["admin"])
    add = reverse("admin:library_libraryentry_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "kind": "common",
            "unit": "",
            "status": "approved",
            "level1_name": "产出指标",
            "level2_name": "数量指标",
            "name": "残疾人专用车辆补贴人数",
            "description": "领取残疾人专用车辆燃油补贴的人数",
            "comparator": "≥",
            "measure_unit": "人",
            "basis": "工作计划",
            "keywords": "燃油 补贴",
            "usage_count": "0",
            "review_note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LibraryEntry.objects.get(name="残疾人专用车辆补贴人数")
    assert entry.proposed_by == users["admin"]
    # A 个性指标 needs its unit: the admin form says so in Chinese.
    response = client.post(
        reverse("admin:library_libraryentry_change", args=[entry.pk]),
        {
            "kind": "unit",
            "unit": "",
            "status": "approved",
            "level1_name": "产出指标",
            "level2_name": "数量指标",
            "name": entry.name,
            "description": entry.description,
            "comparator": "≥",
            "measure_unit": "人",
            "basis": "工作计划",
            "keywords": "",
            "usage_count": "0",
            "review_note": "",
        },
    )
    assert "个性指标须填写提出单位" in response.content.decode()
    changelist = reverse("admin:library_libraryentry_changelist")
    client.post(changelist, {"action": "retire", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETIRED


def test_filers_have_no_library_admin(client, users):
    login(client, users["owner"])
    response = client.get(reverse("admin:library_libraryentry_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the editors carry the library ---------------------------------------------------------


def test_project_editor_includes_the_library_and_paste_scripts(client, users, project):
    login(client, users["owner"])
    page = client.get(reverse("targets:project_edit", args=[project.pk])).content.decode()
    assert f'data-search-url="{SEARCH}"' in page
    assert f'data-framework="{project.framework_id}"' in page
    assert 'role="listbox"' in page
    assert "js/library.js" in page and "js/paste.js" in page
    assert reverse("library:proposals") in page


def test_department_editor_includes_the_library(client, users, tree, year):
    from budgetapp.targets.models import DepartmentTable

    tree["own"].layout_override = "hubei"
    tree["own"].save()
    table = DepartmentTable.objects.create(unit=tree["own"], year=year, framework=year.framework)
    login(client, users["owner"])
    page = client.get(reverse("targets:department_edit", args=[table.pk])).content.decode()
    assert f'data-framework="{table.framework_id}"' in page
    assert "js/library.js" in page and "js/paste.js" in page
    assert 'class="col-goal_no"' in page  # paste.js reads the grid's columns from these
