"""The pages of monitoring and self-evaluation: the role × URL matrix, saving through the page,
typed text kept on a refusal, and the workflow buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budgetapp.evaluation.models import SelfEvaluation
from budgetapp.evaluation.services import start_evaluation
from budgetapp.monitoring.models import MonitoringRound, MonitoringSheet
from budgetapp.targets.models import Status
from budgetapp.units.models import Role
from tests.conftest import _user, login


@pytest.fixture
def evaluation(approved, users):
    return start_evaluation(user=users["owner"], table=approved)


@pytest.fixture
def security_admin(tree):
    return _user("secadmin", Role.SECURITY_ADMIN, None)


def _status(client, user, url, method="get", data=None):
    client.logout()
    if user is not None:
        login(client, user)
    response = getattr(client, method)(url, data or {})
    return response.status_code


def test_monitoring_role_matrix(client, users, round_, security_admin):
    sheet = round_.sheets.get()
    index = reverse("monitoring:index")
    new = reverse("monitoring:round_new")
    detail = reverse("monitoring:round", args=[round_.pk])
    page = reverse("monitoring:sheet", args=[sheet.pk])
    rules = reverse("monitoring:round_rules", args=[round_.pk])
    expected = {
        # url: owner, colleague (other county), reviewer, other city's reviewer, admin, 安全管理员
        index: (200, 200, 200, 200, 200, 403),
        new: (403, 403, 200, 200, 200, 403),
        detail: (403, 403, 200, 404, 200, 403),
        rules: (403, 403, 200, 404, 200, 403),  # the round's opener (reviewer) or an admin
        page: (200, 404, 200, 404, 200, 404),
    }
    people = [
        users["owner"],
        users["colleague"],
        users["reviewer"],
        users["other_reviewer"],
        users["admin"],
        security_admin,
    ]
    for url, codes in expected.items():
        got = tuple(_status(client, person, url) for person in people)
        assert got == codes, url
        client.logout()
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_evaluation_role_matrix(client, users, evaluation, security_admin):
    index = reverse("evaluation:index")
    page = reverse("evaluation:sheet", args=[evaluation.pk])
    expected = {
        index: (200, 200, 200, 200, 200, 403),
        page: (200, 404, 200, 404, 200, 404),
    }
    people = [
        users["owner"],
        users["colleague"],
        users["reviewer"],
        users["other_reviewer"],
        users["admin"],
        security_admin,
    ]
    for url, codes in expected.items():
        got = tuple(_status(client, person, url) for person in people)
        assert got == codes, url


def _sheet_post(sheet: MonitoringSheet, **row_values) -> dict:
    data = {
        "spent": "55000",
        "projected_spend": "110000",
        "lag_reason": "",
        "loaded_version": sheet.version,
    }
    for row in sheet.rows.all():
        prefix = f"row-{row.pk}-"
        data.update({prefix + "to_date": "", prefix + "projected": "", prefix + "likelihood": ""})
        data.update({prefix + key: value for key, value in row_values.get(row.name, {}).items()})
    return data


def test_filer_saves_a_sheet_through_the_page(client, users, round_):
    sheet = round_.sheets.get()
    login(client, users["owner"])
    data = _sheet_post(sheet, 保障正常办公人数={"to_date": "17人", "likelihood": "certain"})
    response = client.post(reverse("monitoring:sheet", args=[sheet.pk]), data)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert str(sheet.spent) == "55000.00"
    assert sheet.rows.get(name="保障正常办公人数").to_date == "17人"


def test_bad_money_keeps_what_was_typed(client, users, round_):
    sheet = round_.sheets.get()
    login(client, users["owner"])
    data = _sheet_post(sheet, 保障正常办公人数={"to_date": "十七人", "measures": "加强人员保障"})
    data["spent"] = "五万五"
    response = client.post(reverse("monitoring:sheet", args=[sheet.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入金额数字" in html and "五万五" in html and "加强人员保障" in html
    assert 'href="#id_spent"' in html  # the error summary links to the field
    sheet.refresh_from_db()
    assert sheet.spent is None and sheet.version == 1


def test_a_row_error_alone_is_summarised_and_linked(client, users, round_):
    """The sheet's own fields are fine, one row's value is too long: the summary names the row
    and links to its input (it used to show only when the sheet's fields had errors)."""
    sheet = round_.sheets.get()
    row = sheet.rows.get(name="保障正常办公人数")
    login(client, users["owner"])
    data = _sheet_post(sheet, 保障正常办公人数={"to_date": "人" * 201, "measures": "加强人员保障"})
    response = client.post(reverse("monitoring:sheet", args=[sheet.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "保存失败：" in html and f'href="#id_row-{row.pk}-to_date"' in html
    assert "第1行" in html and "加强人员保障" in html
    sheet.refresh_from_db()
    assert sheet.version == 1


def test_reviewer_cannot_post_the_sheet_form_and_nothing_changes(client, users, round_):
    sheet = round_.sheets.get()
    login(client, users["reviewer"])
    response = client.post(reverse("monitoring:sheet", args=[sheet.pk]), _sheet_post(sheet))
    assert response.status_code == 403
    sheet.refresh_from_db()
    assert sheet.spent is None


def test_workflow_buttons(client, users, round_):
    sheet = round_.sheets.get()
    login(client, users["owner"])
    client.post(
        reverse("monitoring:sheet", args=[sheet.pk]),
        _sheet_post(
            sheet,
            保障正常办公人数={"to_date": "17人", "likelihood": "certain"},
            单位工作人员满意度={"to_date": "96%", "likelihood": "certain"},
        ),
    )
    url = reverse("monitoring:sheet_action", args=[sheet.pk, "submit"])
    assert client.post(url).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == Status.SUBMITTED
    approve = reverse("monitoring:sheet_action", args=[sheet.pk, "approve"])
    assert client.post(approve).status_code == 403  # the filer cannot approve
    client.logout()
    login(client, users["colleague"])
    assert client.post(approve).status_code == 404
    client.logout()
    login(client, users["reviewer"])
    page = client.get(reverse("monitoring:sheet", args=[sheet.pk])).content.decode()
    assert "审核通过" in page and 'data-confirm="确定审核通过此监控表吗？"' in page
    assert client.post(approve).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == Status.APPROVED


def test_reviewer_opens_a_round_from_the_page(client, users, approved, tree, year):
    login(client, users["reviewer"])
    response = client.post(
        reverse("monitoring:round_new"),
        {
            "region": tree["city"].region.pk,
            "year": year.pk,
            "cutoff_month": "7",
            "due_date": "2021-08-10",
        },
    )
    round_ = MonitoringRound.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/rounds/{round_.pk}/")
    assert round_.cutoff_month == 7 and round_.sheets.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "残疾人就业服务中心运转经费" in detail and "逾期" in detail


def test_filer_starts_and_saves_an_evaluation(client, users, approved):
    login(client, users["owner"])
    index = client.get(reverse("evaluation:index")).content.decode()
    assert "开始自评" in index
    response = client.post(reverse("evaluation:start", args=[approved.pk]))
    evaluation = approved.self_evaluation
    assert response.status_code == 302
    form = {
        "goal_actual": "全年正常运转",
        "weights_reason": "",
        "loaded_version": evaluation.version,
        "fiscal_initial": "110000",
        "fiscal_full_year": "110000",
        "fiscal_executed": "110000",
        "carried_initial": "0",
        "carried_full_year": "0",
        "carried_executed": "0",
        "other_initial": "0",
        "other_full_year": "0",
        "other_executed": "0",
    }
    for row in evaluation.rows.all():
        form.update(
            {
                f"row-{row.pk}-actual": {"保障正常办公人数": "17人"}.get(row.name, "95%"),
                f"row-{row.pk}-qualitative": "",
                f"row-{row.pk}-weight": str(row.weight),
                f"row-{row.pk}-analysis": "",
            }
        )
    response = client.post(reverse("evaluation:sheet", args=[evaluation.pk]), form)
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.total_score == 100 and evaluation.grade == "优"


def test_another_countys_filer_cannot_start(client, users, approved):
    login(client, users["colleague"])
    assert client.post(reverse("evaluation:start", args=[approved.pk])).status_code == 404
    assert not SelfEvaluation.objects.exists()


def test_downloads_of_both_stages(client, users, round_, evaluation):
    from tests.conftest import pdf_text

    sheet = round_.sheets.get()
    login(client, users["owner"])
    pdf = client.get(reverse("exports:monitoring_sheet", args=[sheet.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "项目支出绩效目标执行监控表" in text and "草稿（未公开）" in text
    assert "1–6月实际完成值" in text
    xlsx = client.get(reverse("exports:evaluation", args=[evaluation.pk, "xlsx"]))
    assert (
        xlsx.status_code == 200
        and "%EF%BC%88%E8%8D%89%E7%A8%BF%EF%BC%89" in xlsx["Content-Disposition"]
    )  # （草稿） in the file name
    assert client.get(reverse("exports:evaluation", args=[evaluation.pk, "doc"])).status_code == 404
    client.logout()
    login(client, users["colleague"])
    assert client.get(reverse("exports:evaluation", args=[evaluation.pk, "pdf"])).status_code == 404


def test_the_stages_reach_exports_through_its_registry(users, round_, evaluation):
    """Exports knows no stage by name (tests/test_layering.py): each app registers its sheets'
    downloads, and publishing only where the stage publishes (绩效自评, not 运行监控)."""
    from budgetapp.exports.registry import STAGES, stage_of
    from budgetapp.exports.stages import stage_book

    sheet = round_.sheets.get()
    assert stage_of(sheet) is STAGES["monitoring"] and STAGES["monitoring"].publish is None
    assert stage_of(evaluation) is STAGES["evaluation"] and STAGES["evaluation"].publish
    assert stage_book(sheet).filename.startswith(f"{sheet.unit.name}_2021_")
    assert reverse("exports:monitoring_sheet", args=[sheet.pk, "pdf"]).startswith("/monitoring/")
    with pytest.raises(LookupError):
        stage_of(sheet.table)


def test_a_resubmitted_sheet_shows_the_reviewer_what_changed(client, users, round_):
    from budgetapp.monitoring import services as monitoring

    sheet = round_.sheets.get()
    login(client, users["owner"])
    page = reverse("monitoring:sheet", args=[sheet.pk])
    values = {
        "保障正常办公人数": {"to_date": "17人", "likelihood": "certain"},
        "单位工作人员满意度": {"to_date": "96%", "likelihood": "certain"},
    }
    client.post(page, _sheet_post(sheet, **values))
    client.post(reverse("monitoring:sheet_action", args=[sheet.pk, "submit"]))
    monitoring.return_sheet(sheet=sheet, user=users["reviewer"], reason="满意度请核实")
    sheet.refresh_from_db()
    values["单位工作人员满意度"]["to_date"] = "95%"
    client.post(page, _sheet_post(sheet, **values))
    client.post(reverse("monitoring:sheet_action", args=[sheet.pk, "submit"]))
    client.logout()
    login(client, users["reviewer"])
    html = client.get(page).content.decode()
    assert "第2次提交与第1次提交相比" in html
    assert "单位工作人员满意度 · 1–6月实际完成值" not in html  # labels are the stage's own
    assert "单位工作人员满意度 · 实际完成值：96% → 95%" in html
