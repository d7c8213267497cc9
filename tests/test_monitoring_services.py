"""Mid-year monitoring services: opening a round, filling a sheet, lights, the record."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.monitoring.lights import Light, Likelihood
from budgetapp.monitoring.models import MonitoringRound
from budgetapp.monitoring.services import (
    RowInput,
    SheetInput,
    add_missing_sheets,
    save_sheet,
)
from budgetapp.review import services as review
from budgetapp.review.stage_editing import StageLocked, StaleStage
from budgetapp.targets.models import Revision, RevisionAction

from .stage_fixtures import open_city_round


def test_opening_a_round_prefills_a_sheet_per_approved_table(approved, users, tree, year):
    round_ = open_city_round(users, tree, year)
    sheet = round_.sheets.get()
    assert sheet.table == approved
    assert sheet.budget == Decimal("110000.00")
    rows = list(sheet.rows.all())
    assert [(r.level1, r.level2, r.name, r.target) for r in rows] == [
        ("产出指标", "数量指标", "保障正常办公人数", "17人"),
        ("满意度指标", "服务对象满意度指标", "单位工作人员满意度", "≥95%"),
    ]


def test_drafts_are_not_monitored_and_late_approvals_are_added(project, users, tree, year):
    round_ = open_city_round(users, tree, year)
    assert round_.sheets.count() == 0
    review.submit_table(table=project, user=users["owner"])
    review.approve_table(table=project, user=users["reviewer"])
    assert add_missing_sheets(user=users["reviewer"], round_=round_) == 1
    assert add_missing_sheets(user=users["reviewer"], round_=round_) == 0


@pytest.mark.parametrize("who", ["owner", "other_reviewer"])
def test_only_the_citys_reviewer_or_an_admin_opens_a_round(approved, users, tree, year, who):
    with pytest.raises(NotAllowed):
        open_city_round(users, tree, year, who=who)
    assert not MonitoringRound.objects.exists()


def test_admin_may_open_and_a_round_is_opened_once(approved, users, tree, year):
    open_city_round(users, tree, year, who="admin")
    with pytest.raises(TableError, match="已经发起"):
        open_city_round(users, tree, year)


def test_cutoff_month_is_checked(approved, users, tree, year):
    with pytest.raises(TableError, match="1–11"):
        open_city_round(users, tree, year, month=12)


def _input(sheet, spent="40000", **rows):
    by_name = {row.name: row.pk for row in sheet.rows.all()}
    return SheetInput(
        spent=Decimal(spent) if spent is not None else None,
        projected_spend=Decimal("110000"),
        lag_reason="",
        rows={by_name[name]: value for name, value in rows.items()},
    )


def test_saving_a_sheet_sets_lights_and_leaves_a_revision(approved, users, tree, year):
    sheet = open_city_round(users, tree, year).sheets.get()
    data = _input(
        sheet,
        spent="55000",  # 50 % by June, as planned
        保障正常办公人数=RowInput(to_date="17人", projected="17", likelihood=Likelihood.CERTAIN),
        单位工作人员满意度=RowInput(to_date="90%", likelihood=Likelihood.POSSIBLE),
    )
    saved = save_sheet(user=users["owner"], sheet=sheet, data=data, loaded_version=1, ip="10.1.2.3")
    lights = {row.name: row.light for row in saved.rows.all()}
    assert lights == {"保障正常办公人数": Light.GREEN, "单位工作人员满意度": Light.AMBER}
    assert saved.light == Light.AMBER
    assert saved.version == 2
    revisions = list(Revision.of(saved))
    assert [r.action for r in revisions] == [RevisionAction.BASELINE, RevisionAction.EDIT]
    edit = revisions[-1]
    assert edit.saved_by == users["owner"] and edit.client_ip == "10.1.2.3"
    assert {"label": "执行数", "old": "", "new": "55000"} in edit.changes["fields"]
    row_changes = {c["title"]: c["changes"] for c in edit.changes["rows"]}
    assert {"label": "实际完成值", "old": "", "new": "90%"} in row_changes["单位工作人员满意度"]


def test_spending_behind_plan_turns_the_sheet_red(approved, users, tree, year):
    sheet = open_city_round(users, tree, year).sheets.get()
    data = _input(
        sheet,
        spent="20000",  # 18 % against 50 % planned by June
        保障正常办公人数=RowInput(projected="17", likelihood=Likelihood.CERTAIN),
    )
    saved = save_sheet(user=users["owner"], sheet=sheet, data=data, loaded_version=1)
    assert saved.light == Light.RED


@pytest.mark.parametrize("who", ["colleague", "reviewer", "admin"])
def test_only_the_units_filer_fills_the_sheet(approved, users, tree, year, who):
    sheet = open_city_round(users, tree, year).sheets.get()
    with pytest.raises(NotAllowed):
        save_sheet(user=users[who], sheet=sheet, data=_input(sheet), loaded_version=1)
    sheet.refresh_from_db()
    assert sheet.spent is None and sheet.version == 1


def test_stale_and_locked_saves_are_refused(approved, users, tree, year):
    sheet = open_city_round(users, tree, year).sheets.get()
    save_sheet(user=users["owner"], sheet=sheet, data=_input(sheet), loaded_version=1)
    with pytest.raises(StaleStage):
        save_sheet(user=users["owner"], sheet=sheet, data=_input(sheet, "1"), loaded_version=1)
    sheet.status = "submitted"
    sheet.save()
    with pytest.raises(StageLocked):
        save_sheet(user=users["owner"], sheet=sheet, data=_input(sheet), loaded_version=2)


def test_rows_of_another_sheet_and_unknown_causes_are_refused(approved, users, tree, year):
    sheet = open_city_round(users, tree, year).sheets.get()
    with pytest.raises(TableError):
        save_sheet(
            user=users["owner"],
            sheet=sheet,
            data=SheetInput(None, None, "", {999999: RowInput()}),
            loaded_version=1,
        )
    row = sheet.rows.first()
    with pytest.raises(TableError, match="偏差原因"):
        save_sheet(
            user=users["owner"],
            sheet=sheet,
            data=SheetInput(None, None, "", {row.pk: RowInput(causes=["weather"])}),
            loaded_version=1,
        )
