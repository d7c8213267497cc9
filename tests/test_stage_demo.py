"""The demo of the later stages: 张家口 2021 monitored and self-evaluated, clearly marked."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from budgetapp.evaluation.models import EvaluationRow, SelfEvaluation
from budgetapp.monitoring.lights import Light
from budgetapp.monitoring.models import MonitoringRow, MonitoringSheet
from budgetapp.targets.models import Status

pytestmark = pytest.mark.usefixtures("checks_on")


def test_demo_stages_have_lights_shortfalls_and_marks(db):
    call_command("load_demo", verbosity=0)
    call_command("publish_demo", verbosity=0)
    sheets = MonitoringSheet.objects.filter(unit__name="张家口市残疾人联合会本级")
    assert sheets.count() == 13
    # Every demo sheet passes the stage's checks and waits for the reviewer.
    assert set(sheets.values_list("status", flat=True)) == {Status.SUBMITTED}
    lights = set(MonitoringRow.objects.values_list("light", flat=True))
    assert {Light.GREEN, Light.AMBER, Light.RED} <= lights
    assert sheets.filter(light=Light.RED).exists()
    assert all(s.lag_reason.startswith("【演示数据】") for s in sheets.exclude(lag_reason=""))
    assert sheets.exclude(lag_reason="").count() == 1

    evaluations = SelfEvaluation.objects.all()
    assert evaluations.count() == 13
    assert set(evaluations.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert all(e.goal_actual.startswith("【演示数据】") for e in evaluations)
    short = [r for r in EvaluationRow.objects.all() if r.score < r.weight]
    assert short and all(r.analysis.startswith("【演示数据】") for r in short)
    assert len(set(evaluations.values_list("grade", flat=True))) >= 1

    # A second run changes nothing.
    call_command("publish_demo", verbosity=0)
    assert MonitoringSheet.objects.count() == 13 and SelfEvaluation.objects.count() == 13
