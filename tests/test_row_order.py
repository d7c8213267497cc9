"""A row moved with ↑/↓ keeps its new place when saved (found by the keyboard walk, issue 15).

The page script renumbers the hidden `order` inputs; a saved row whose only change was its
order counted as unchanged and was not saved, so moving saved rows was lost on save.
"""

from __future__ import annotations

from django.urls import reverse

from budgetapp.targets.models import ProjectGoal

from .conftest import login
from .forms_data import editor_post


def test_saved_rows_swapped_on_the_page_stay_swapped(client, users, project):
    ProjectGoal.objects.create(table=project, order=2, text="提高残疾人就业服务水平")
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = editor_post(client, url)
    # The second goal moved up with ↑: formset.js renumbers the orders.
    data["goals-0-order"], data["goals-1-order"] = "2", "1"
    assert client.post(url, data).status_code == 302
    assert list(project.goals.order_by("order").values_list("order", "text")) == [
        (1, "提高残疾人就业服务水平"),
        (2, "保障业务正常开展，单位正常运转"),
    ]


def test_a_new_row_moved_above_a_saved_row_of_its_group_stays_there(
    client, users, project, category
):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    data = editor_post(client, url)
    # A 满意度 row added at the end, then moved above the saved 满意度 row.
    data["indicators-2-order"] = "2"
    data["indicators-2-level1"] = str(category("满意度指标").pk)
    data["indicators-2-level2"] = str(category("满意度指标", "服务对象满意度指标").pk)
    data["indicators-2-name"] = "家人满意度"
    data["indicators-2-target"] = "≥90%"
    data["indicators-1-order"] = "3"
    data["indicators-TOTAL_FORMS"] = "3"
    assert client.post(url, data).status_code == 302
    assert list(project.indicators.order_by("order").values_list("order", "name")) == [
        (1, "保障正常办公人数"),
        (2, "家人满意度"),
        (3, "单位工作人员满意度"),
    ]


def test_an_unchanged_page_changes_no_row(client, users, project):
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    before = list(project.indicators.values_list("pk", "order"))
    assert client.post(url, editor_post(client, url)).status_code == 302
    assert list(project.indicators.values_list("pk", "order")) == before
