"""Excel import of both stages: export → fill offline → upload → preview → confirm (round
trip), wrong files refused in Chinese, the same safety as target imports, the role matrix."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgetapp.evaluation.services import start_evaluation
from budgetapp.exports.stages import export_stage
from budgetapp.monitoring.lights import Light
from budgetapp.targets.models import Revision, RevisionAction
from tests.conftest import login


def _fill(xlsx: bytes, rows: dict[str, dict[str, str]], below: dict[str, str]) -> bytes:
    """Type into the exported workbook as a clerk would: by the indicator's row and the
    column's heading; `below` fills the cell under a label (the money block)."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    ws = workbook.active
    cells = list(ws.iter_rows())
    headings: dict[str, int] = {}
    for row in cells:
        texts = {str(c.value): c.column for c in row if c.value}
        if "三级指标" in texts:
            headings = texts
        for label, value in below.items():
            if label in texts:
                ws.cell(row=row[0].row + 1, column=texts[label], value=value)
        for name, values in rows.items():
            if name in texts and headings:
                for heading, value in values.items():
                    column = next(c for h, c in headings.items() if h.endswith(heading))
                    ws.cell(row=row[0].row, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, kind, pk, data: bytes, name="filled.xlsx"):
    return client.post(
        reverse("imports:stage", args=[kind, pk]),
        {"file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )


def test_monitoring_round_trip(client, users, sheet):
    filled = _fill(
        export_stage(sheet, "xlsx").content,
        {
            "保障正常办公人数": {
                "实际完成值": "17人",
                "全年预计完成值": "17人",
                "完成目标可能性": "确定能",
            },
            "单位工作人员满意度": {
                "实际完成值": "88%",
                "完成目标可能性": "有可能",
                "偏差原因": "经费保障；调查样本偏少",
                "完善措施": "下半年扩大回访",
            },
        },
        {"1–6月执行数": "55000", "全年预计执行数": "110000"},
    )
    login(client, users["owner"])
    preview = _upload(client, "monitoring", sheet.pk, filled)
    html = preview.content.decode()
    assert preview.status_code == 200, html
    assert "导入后将修改的内容" in html and "88%" in html and "确认导入" in html
    sheet.refresh_from_db()
    assert sheet.spent is None  # the preview kept nothing
    token = preview.context["token"]
    response = client.post(
        reverse("imports:stage_confirm", args=["monitoring", sheet.pk]), {"token": token}
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    row = sheet.rows.get(name="单位工作人员满意度")
    assert str(sheet.spent) == "55000.00"
    assert (row.to_date, row.likelihood, row.measures) == ("88%", "possible", "下半年扩大回访")
    assert row.causes == ["funding", "other"] and row.cause_note == "调查样本偏少"
    assert row.light == Light.AMBER
    assert Revision.of(sheet).order_by("-version").first().action == RevisionAction.IMPORT


def test_evaluation_round_trip(client, users, approved):
    evaluation = start_evaluation(user=users["owner"], table=approved)
    filled = _fill(
        export_stage(evaluation, "xlsx").content,
        {
            "保障正常办公人数": {"实际完成值": "17人"},
            "单位工作人员满意度": {"实际完成值": "76%", "偏差原因分析及改进措施": "改善办公条件"},
        },
        {"实际完成情况": "全年正常运转"},
    )
    workbook = openpyxl.load_workbook(io.BytesIO(filled))
    ws = workbook.active
    for row in ws.iter_rows():
        if any(c.value == "其中：当年财政拨款" for c in row):
            executed = [c for c in row if isinstance(c.value, (int, float))][2]
            executed.value = 99000
    out = io.BytesIO()
    workbook.save(out)
    login(client, users["owner"])
    preview = _upload(client, "evaluation", evaluation.pk, out.getvalue())
    assert preview.status_code == 200 and not preview.context["plan"].problems
    client.post(
        reverse("imports:stage_confirm", args=["evaluation", evaluation.pk]),
        {"token": preview.context["token"]},
    )
    evaluation.refresh_from_db()
    assert evaluation.goal_actual == "全年正常运转"
    assert evaluation.fiscal_executed == 99000
    assert evaluation.total_score == 96 and evaluation.grade == "优"


def test_wrong_kind_and_unsafe_files_are_refused_in_chinese(client, users, sheet, approved):
    evaluation = start_evaluation(user=users["owner"], table=approved)
    login(client, users["owner"])
    wrong = _upload(client, "evaluation", evaluation.pk, export_stage(sheet, "xlsx").content)
    assert "上传的文件是执行监控表，不是绩效自评表。" in wrong.content.decode()
    assert "确认导入" not in wrong.content.decode()
    not_excel = _upload(client, "monitoring", sheet.pk, b"name,value\n1,2\n", name="a.xlsx")
    assert not_excel.status_code == 400 and "Excel" in not_excel.content.decode()
    forged = client.post(
        reverse("imports:stage_confirm", args=["monitoring", sheet.pk]), {"token": "x"}, follow=True
    )
    assert "导入确认已过期或无效" in forged.content.decode()
    sheet.refresh_from_db()
    assert sheet.version == 1


def test_who_may_import(client, users, sheet):
    data = export_stage(sheet, "xlsx").content
    url_args = ("monitoring", sheet.pk)
    client.logout()
    assert _upload(client, *url_args, data).status_code == 302  # to the login page
    login(client, users["colleague"])
    assert _upload(client, *url_args, data).status_code == 404
    client.logout()
    login(client, users["reviewer"])
    assert _upload(client, *url_args, data).status_code == 403
    assert client.get(reverse("imports:stage", args=url_args)).status_code == 405
