"""如何写好绩效指标: the public help page, its live library examples, and the links to it from
the indicator grid and from each 智能审核 finding."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budgetapp.checks.models import CheckRule, Stage
from budgetapp.checks.registry import RULES
from budgetapp.library.models import EntryKind, EntryStatus, LibraryEntry

from .conftest import login

URL = "guide:indicators"


def _page(client) -> str:
    response = client.get(reverse(URL))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "who", ["anonymous", "owner", "colleague", "reviewer", "other_reviewer", "admin"]
)
def test_everyone_reads_the_help_page_without_logging_in(client, users, who):
    if who != "anonymous":
        login(client, users[who])

    html = _page(client)

    assert html.count("<h1") == 1 and "如何写好绩效指标" in html
    for section in ("smart", "comparators", "units", "qualitative", "mistakes"):
        assert f'id="{section}"' in html and f'href="#{section}"' in html


def test_the_help_page_is_read_only(client, users):
    login(client, users["owner"])
    assert client.post(reverse(URL)).status_code == 405


@pytest.mark.usefixtures("checks_on")
def test_every_rule_in_use_has_its_anchor_name_and_advice(client, db):
    html = _page(client)

    rules = CheckRule.objects.filter(stage=Stage.TARGET, enabled=True)
    assert rules.count() == len(RULES)
    for rule in rules:
        assert f'id="rule-{rule.code}"' in html
        assert rule.name in html
    assert "≥3800人" in html  # the advice of target_unit_missing


@pytest.mark.usefixtures("checks_on")
def test_a_rule_switched_off_is_not_described(client, db):
    CheckRule.objects.filter(code="copied_block").update(enabled=False)
    assert 'id="rule-copied_block"' not in _page(client)


def test_examples_come_live_from_the_approved_common_library_entries(client, tree):
    LibraryEntry.objects.all().delete()
    LibraryEntry.objects.create(
        level1_name="产出指标",
        level2_name="数量指标",
        name="辅具适配人数",
        description="当年为残疾人适配辅助器具的人数",
        comparator="≥",
        measure_unit="人",
        basis="工作计划",
        usage_count=9,
    )
    LibraryEntry.objects.create(
        level1_name="成本指标",
        level2_name="经济成本指标",
        name="人均培训成本",
        comparator="≤",
        measure_unit="元/人",
        usage_count=3,
    )
    LibraryEntry.objects.create(
        level1_name="效益指标",
        level2_name="社会效益指标",
        name="残疾人生活质量",
        usage_count=5,
    )
    LibraryEntry.objects.create(
        kind=EntryKind.UNIT,
        unit=tree["own"],
        level1_name="产出指标",
        name="本单位的个性指标",
        comparator="≥",
        measure_unit="人",
    )
    LibraryEntry.objects.create(
        status=EntryStatus.PROPOSED, level1_name="产出指标", name="待审核的指标",
        comparator="≥", measure_unit="人",
    )  # fmt: skip

    html = _page(client)

    floor = html[html.index('data-group="floor"') :]
    assert "辅具适配人数" in floor[: floor.index("</table>")]
    assert "≥ 数值 人" in floor[: floor.index("</table>")]
    ceiling = html[html.index('data-group="ceiling"') :]
    assert "人均培训成本" in ceiling[: ceiling.index("</table>")]
    qualitative = html[html.index('data-group="qualitative"') :]
    assert "残疾人生活质量" in qualitative[: qualitative.index("</table>")]
    assert "本单位的个性指标" not in html and "待审核的指标" not in html
    assert 'data-group="exact"' not in html  # no entry with "=": the group is left out


def test_the_indicator_grid_of_the_editor_links_to_the_help(client, users, project):
    login(client, users["owner"])
    html = client.get(reverse("targets:project_edit", args=[project.pk])).content.decode()

    assert f'href="{reverse(URL)}"' in html and 'data-role="indicator-help"' in html


@pytest.mark.usefixtures("checks_on")
def test_each_finding_links_to_its_rule_on_the_help_page(client, users, project):
    project.plan_december = 90  # plan_ends_full
    project.save()
    login(client, users["owner"])

    for url in (
        reverse("targets:project_edit", args=[project.pk]),
        reverse("review:table", args=["project", project.pk]),
    ):
        html = client.get(url).content.decode()
        assert f'href="{reverse(URL)}#rule-plan_ends_full"' in html, url
    editor = client.get(reverse("targets:project_edit", args=[project.pk])).content.decode()
    assert f'data-help-url="{reverse(URL)}"' in editor  # for the findings checks.js renders


@pytest.mark.usefixtures("checks_on")
def test_the_submit_box_links_each_error_and_warning_to_its_rule(client, users, project):
    from budgetapp.checks.engine import check_table

    login(client, users["owner"])
    project.plan_december = 90  # an error: plan_ends_full
    project.save()

    html = client.get(reverse("review:table", args=["project", project.pk])).content.decode()
    box = html[html.index('data-role="submit-checks"') :]
    box = box[: box.index("</section>")]
    assert f'href="{reverse(URL)}#rule-plan_ends_full"' in box

    project.plan_december = 100
    project.plan_march = None  # a warning: plan_blank
    project.save()
    errors = [f.rule for f in check_table(project).errors]
    for code in errors:  # the fixture table's other errors are switched off here
        CheckRule.objects.filter(code=code).update(enabled=False)

    html = client.get(reverse("review:table", args=["project", project.pk])).content.decode()
    box = html[html.index('data-role="submit-checks"') :]
    box = box[: box.index("</section>")]
    assert 'name="explain-' in box
    assert f'href="{reverse(URL)}#rule-plan_blank"' in box
