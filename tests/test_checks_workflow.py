"""智能审核 in the workflow: live in the editor, on submission, to the reviewer, on the command line."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from budgetapp.checks.gate import ChecksFailed, ExplanationsMissing
from budgetapp.review import services
from budgetapp.review.models import Submission
from budgetapp.targets.models import DepartmentTable, ProjectIndicator, ProjectTable, Status

from .conftest import login
from .forms_data import existing_rows, indicator, project_post

pytestmark = pytest.mark.usefixtures("checks_on")

UPPER_BOUND_WARNING = (
    "第 1 行“保障正常办公人数”是数量指标，指标值“≤17人”是上限（最多完成多少），通常应为下限（≥）。"
)


def make_clean(table: ProjectTable, category) -> ProjectTable:
    """The `project` fixture completed so that no rule objects (a 效益 row, a real description)."""
    first = table.indicators.get(order=1)
    first.description, first.target = "在编在岗、需保障正常办公的人员数", "≥17人"
    first.save()
    ProjectIndicator.objects.create(
        table=table,
        order=3,
        level1=category("效益指标"),
        level2=category("效益指标", "社会效益指标"),
        name="业务工作正常开展",
        description="保障就业服务业务正常开展",
        target="有所提高",
        basis="工作计划",
    )
    return table


def with_warning(table: ProjectTable) -> ProjectTable:
    first = table.indicators.get(order=1)
    first.target = "≤17人"
    first.save()
    return table


def submission_of(table) -> Submission | None:
    return (
        Submission.objects.filter(
            content_type=ContentType.objects.get_for_model(table), object_id=table.pk
        )
        .order_by("-number")
        .first()
    )


# --- live in the editor -----------------------------------------------------------------------


def _live_post(project, category, target: str) -> dict:
    rows = existing_rows(project, category)
    rows[0]["name"], rows[0]["target"] = "工资及保险发放准确率", target
    return project_post(table=project, indicators=rows, name=project.name, code=project.code)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("owner", 200), ("colleague", 404), ("reviewer", 403), ("other_reviewer", 404)],
)
def test_live_checks_of_a_saved_table_by_role(client, users, project, category, who, expected):
    before = (project.version, project.indicators.count())
    response = login(client, users[who]).post(
        reverse("checks:live", args=["project", project.pk]), _live_post(project, category, "14人")
    )
    assert response.status_code == expected
    project.refresh_from_db()
    assert (project.version, project.indicators.count()) == before  # nothing saved
    if expected != 200:
        return
    result = json.loads(response.content)
    finding = next(f for f in result["findings"] if f["rule"] == "rate_is_percent")
    assert (
        finding["message"] == "第 1 行“工资及保险发放准确率”是“率”，指标值应为百分比，现为“14人”。"
    )
    assert finding["input"] == "indicators-0-target"
    assert finding["anchor"] == f"indicator:{project.indicators.get(order=1).pk}"
    assert result["errors"] >= 2  # also: no 效益指标


def test_live_checks_follow_what_was_typed(client, users, project, category):
    url = reverse("checks:live", args=["project", project.pk])
    login(client, users["owner"])
    fixed = json.loads(client.post(url, _live_post(project, category, "≥99%")).content)
    assert "rate_is_percent" not in {f["rule"] for f in fixed["findings"]}


def test_live_checks_refuse_anonymous_and_get(client, users, project, category):
    url = reverse("checks:live", args=["project", project.pk])
    response = client.post(url, _live_post(project, category, "14人"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert login(client, users["owner"]).get(url).status_code == 405


@pytest.mark.parametrize(
    ("who", "expected"), [("owner", 200), ("reviewer", 403), ("admin", 403), ("anonymous", 302)]
)
def test_live_checks_of_a_new_table(client, users, year, category, who, expected):
    if who != "anonymous":
        login(client, users[who])
    data = project_post(
        indicators=[
            indicator(category, "满意度指标", "服务对象满意度指标", "受助对象满意度", "是/否")
        ],
        budget_fiscal="40000",
    )
    response = client.post(reverse("checks:live_new", args=["project", 2021]), data)
    assert response.status_code == expected
    assert not ProjectTable.objects.exists()
    if expected == 200:
        rules = {f["rule"] for f in json.loads(response.content)["findings"]}
        assert {"rate_is_percent", "budget_sum", "level1_present"} <= rules


def test_the_editor_shows_the_findings_without_javascript(client, users, project):
    page = login(client, users["owner"]).get(reverse("targets:project_edit", args=[project.pk]))
    html = page.content.decode()
    assert 'data-role="checks-panel"' in html
    assert reverse("checks:live", args=["project", project.pk]) in html
    assert "缺少一级指标“效益指标”" in html


# --- on submission ----------------------------------------------------------------------------


def test_errors_block_submission(client, users, project):
    with pytest.raises(ChecksFailed, match="缺少一级指标“效益指标”"):
        services.submit_table(table=project, user=users["owner"])
    response = login(client, users["owner"]).post(
        reverse("review:action", args=["project", project.pk, "submit"])
    )
    assert response.status_code == 200
    assert "修改后才能提交" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.DRAFT and submission_of(project) is None


def test_a_rate_written_in_words_or_full_width_does_not_block_submission(users, project, category):
    make_clean(project, category)
    ProjectIndicator.objects.filter(table=project, order=2).update(target="９０％及以上")
    ProjectIndicator.objects.create(
        table=project,
        order=4,
        level1=category("产出指标"),
        level2=category("产出指标", "质量指标"),
        name="工资及保险发放准确率",
        description="按时足额发放的工资及保险占应发总额的比例",
        target="不低于95%",
        basis="工作计划",
    )
    services.submit_table(table=project, user=users["owner"])
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    assert submission_of(project).explanations == []
    # what the filer typed is what the table shows
    assert project.indicators.get(order=2).target == "９０％及以上"


def test_a_warning_needs_an_explanation_and_what_was_typed_is_kept(
    client, users, project, category
):
    with_warning(make_clean(project, category))
    with pytest.raises(ExplanationsMissing):
        services.submit_table(table=project, user=users["owner"])
    login(client, users["owner"])
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-role="submit-checks"' in page and UPPER_BOUND_WARNING in page
    url = reverse("review:action", args=["project", project.pk, "submit"])
    key = f"quantity_upper_bound@indicator:{project.indicators.get(order=1).pk}"
    refused = client.post(url, {f"explain-{key}": "   ", "explain-unknown": "保留我"})
    assert refused.status_code == 200
    assert "尚未填写说明" in refused.content.decode()
    project.refresh_from_db()
    assert project.status == Status.DRAFT

    typed = "本项目编制 17 人，办公保障人数不会超过编制数。"
    done = client.post(url, {f"explain-{key}": typed})
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    stored = submission_of(project).explanations
    assert stored == [
        {
            "key": key,
            "rule": "quantity_upper_bound",
            "rule_name": "数量指标使用了上限",
            "severity": "warning",
            "message": UPPER_BOUND_WARNING,
            "anchor": key.split("@")[1],
            "explanation": typed,
        }
    ]


def test_a_refused_submission_keeps_the_explanations_typed(client, users, project, category):
    with_warning(make_clean(project, category))
    ProjectIndicator.objects.filter(table=project, order=3).update(description="业务工作正常开展")
    login(client, users["owner"])
    key = f"quantity_upper_bound@indicator:{project.indicators.get(order=1).pk}"
    response = client.post(
        reverse("review:action", args=["project", project.pk, "submit"]),
        {f"explain-{key}": "编制只有 17 人"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "1 条警告尚未填写说明" in html
    assert ">编制只有 17 人</textarea>" in html


def test_the_reviewer_sees_the_findings_and_the_explanations(client, users, project, category):
    with_warning(make_clean(project, category))
    key = f"quantity_upper_bound@indicator:{project.indicators.get(order=1).pk}"
    services.submit_table(
        table=project, user=users["owner"], explanations={key: "编制数即为上限。"}
    )
    page = login(client, users["reviewer"]).get(project.get_absolute_url()).content.decode()
    assert 'data-role="review-checks"' in page
    assert UPPER_BOUND_WARNING in page and "说明：编制数即为上限。" in page
    # An outsider sees nothing of it.
    other = login(client, users["other_reviewer"]).get(project.get_absolute_url())
    assert other.status_code == 404


# --- submit all -------------------------------------------------------------------------------


def test_submit_all_submits_the_clean_tables_and_names_the_others(
    client, users, project, category, tree
):
    make_clean(project, category)
    held = ProjectTable.objects.create(
        unit=project.unit,
        year=project.year,
        framework=project.framework,
        name="残疾人康复经费",
        budget_total=Decimal("1000"),
        plan_december=Decimal("100"),
    )
    response = login(client, users["owner"]).post(
        reverse("review:submit_unit", args=[tree["own"].pk, 2021]), follow=True
    )
    text = response.content.decode()
    assert "已提交 1 张表" in text
    assert "残疾人康复经费绩效目标表" in text and "未随“全部提交”提交" in text
    project.refresh_from_db()
    held.refresh_from_db()
    assert (project.status, held.status) == (Status.SUBMITTED, Status.DRAFT)


def test_submit_all_refuses_when_no_table_is_clean(client, users, project, tree):
    response = login(client, users["owner"]).post(
        reverse("review:submit_unit", args=[tree["own"].pk, 2021]), follow=True
    )
    assert "没有可以直接提交的表" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Status.DRAFT and submission_of(project) is None


# --- command line and the demo ----------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _check(capsys, *args) -> tuple[int, str]:
    try:
        call_command("check_tables", *args)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().out


def test_check_tables_finds_the_seed_mistakes_of_shanhaiguan(demo, capsys):
    code, out = _check(capsys, "--unit", "秦皇岛市山海关区残疾人联合会本级", "--year", "2021")
    assert code == 1
    assert "第 3 行“工资及保险发放准确率”是“率”，指标值应为百分比，现为“14人”。" in out
    assert "第 7 行“服务对象满意度”是满意度，指标值应为百分比（如“≥90%”），不能是“是/否”。" in out
    assert "“得到基本康复服务的残疾人人数”是数量指标，指标值“≤225人”是上限" in out
    assert "资金支出计划“12月底”未填写" in out
    assert "共检查 10 张表" in out


def test_check_tables_finds_the_seed_mistakes_of_zhangjiakou(demo, capsys):
    code, out = _check(capsys, "--unit", "张家口市残疾人联合会本级", "--year", "2021")
    assert code == 1
    assert "第 4 行“预算”是成本指标，指标值应为金额" in out and "现为“≥95%”" in out
    assert "与本单位项目“残疾人公益募捐及救助”的第 3–6 行完全一样" in out
    assert "与本单位项目“康复服务楼运转经费”的第 3–6 行完全一样" in out


def test_check_tables_exits_zero_on_a_correct_table(demo, capsys):
    code, out = _check(
        capsys, "--unit", "张家口市残疾人联合会本级", "--year", "2021",
        "--project", "130700211K6T11USKAU5Y",
    )  # fmt: skip
    assert code == 0
    assert "未发现问题" in out and "0 个错误" in out


def test_check_tables_refuses_an_ambiguous_unit_code(demo):
    with pytest.raises(CommandError, match="对应多个单位"):
        call_command("check_tables", "--unit", "762001", "--year", "2021")


def test_live_checks_of_a_department_table(client, users, project):
    department = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, overall_goal="目标"
    )
    data = {"money_unit": "万元", "overall_goal": "总体目标", "loaded_version": "1"}
    for prefix in ("sub_goals", "measures"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    url = reverse("checks:live", args=["department", department.pk])
    response = login(client, users["owner"]).post(url, data)
    # Hebei's narrative layout has no indicator grid: nothing to find, and nothing saved.
    assert response.status_code == 200
    assert json.loads(response.content)["findings"] == []
    department.refresh_from_db()
    assert (department.overall_goal, department.version) == ("目标", 1)
    assert login(client, users["colleague"]).post(url, data).status_code == 404


def test_administrators_edit_rules_in_the_admin(client, users):
    from budgetapp.checks.models import CheckRule

    rule = CheckRule.objects.get(code="description_repeats_name")
    url = reverse("admin:checks_checkrule_change", args=[rule.pk])
    page = login(client, users["admin"]).get(url)
    assert page.status_code == 200 and "指标描述只重复了名称" in page.content.decode()
    response = client.post(
        url,
        {
            "name": rule.name,
            "description": rule.description,
            "severity": "error",
            "params": "{}",
            "order": rule.order,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.severity, rule.enabled) == ("error", False)  # unticked box: switched off
    assert client.get(reverse("admin:checks_checkrule_add")).status_code == 403
    filer = login(client, users["owner"]).get(url)
    assert filer.status_code == 302 and "/admin/login/" in filer["Location"]


def test_a_failed_save_shows_the_findings_of_what_was_typed(client, users, project, category):
    data = _live_post(project, category, "14人")
    data["budget_total"] = "十一万"  # invalid: the save fails and the page comes back
    url = reverse("targets:project_edit", args=[project.pk])
    response = login(client, users["owner"]).post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "请输入金额数字" in html
    assert "第 1 行“工资及保险发放准确率”是“率”，指标值应为百分比，现为“14人”。" in html
    project.refresh_from_db()
    assert project.indicators.get(order=1).name == "保障正常办公人数"


# --- the whole workflow with every rule on ------------------------------------------------------


def test_the_whole_workflow_passes_the_gate_each_time_it_is_met(client, users, project, category):
    """Submit (a warning explained) → return → fix in the editor → resubmit (nothing left to
    explain) → approve → publish → the public page, all through the pages, every rule on."""
    with_warning(make_clean(project, category))
    submit = reverse("review:action", args=["project", project.pk, "submit"])
    key = f"quantity_upper_bound@indicator:{project.indicators.get(order=1).pk}"

    login(client, users["owner"])
    assert client.post(submit, {f"explain-{key}": "编制数即上限"}).status_code == 302
    assert submission_of(project).explanations[0]["explanation"] == "编制数即上限"

    login(client, users["reviewer"])
    returned = client.post(
        reverse("review:action", args=["project", project.pk, "return"]),
        {"reason": "请按下限填写数量指标", "grade": "fair"},
    )
    assert returned.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.RETURNED

    login(client, users["owner"])
    rows = existing_rows(project, category)
    rows[0]["target"] = "≥17人"
    saved = client.post(
        reverse("targets:project_edit", args=[project.pk]),
        project_post(
            table=project,
            indicators=rows,
            goals=[{"id": g.pk, "table": project.pk, "text": g.text} for g in project.goals.all()],
            name=project.name,
            code=project.code,
            budget_total="110000",
            budget_fiscal="110000",
            fund_use=project.fund_use,
        ),
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert client.post(submit).status_code == 302  # clean now: no explanation asked
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED
    assert submission_of(project).explanations == []

    login(client, users["reviewer"])
    for action in ("approve", "publish"):
        response = client.post(
            reverse("review:action", args=["project", project.pk, action]), {"grade": "good"}
        )
        assert response.status_code == 302, action
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED
    client.logout()
    public = client.get(reverse("portal:table", args=["project", project.pk]))
    assert public.status_code == 200 and "≥17人" in public.content.decode()
