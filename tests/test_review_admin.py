"""The admin's 审核记录 list (issue 12, bug 11): Chinese column headers, and each record names
its table and links to the table's page instead of showing a content type and a raw id."""

from __future__ import annotations

import tinyhtml5
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgetapp.review import services
from budgetapp.review.models import Transition
from budgetapp.targets.models import DepartmentTable

from .conftest import login

CHANGELIST = reverse("admin:review_transition_changelist")


def _page(response):
    return tinyhtml5.parse(response.content.decode(), namespace_html_elements=False)


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def _headers(root) -> list[str]:
    return [_text(th) for th in root.findall(".//table[@id='result_list']/thead/tr/th")]


def test_the_list_has_chinese_headers_and_links_each_record_to_its_table(
    client, users, project, tree, year
):
    department = DepartmentTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework, overall_goal="保障残疾人基本权益"
    )
    services.submit_table(table=project, user=users["owner"])
    services.return_table(table=project, user=users["reviewer"], reason="请补充依据")
    services.submit_table(table=department, user=users["owner"])

    response = login(client, users["admin"]).get(CHANGELIST)
    assert response.status_code == 200
    root = _page(response)
    headers = _headers(root)
    assert headers == [
        "时间", "单位", "表格类型", "表格", "操作", "原状态", "新状态", "操作人", "IP 地址",
    ]  # fmt: skip
    html = response.content.decode()
    assert "Content type" not in html and "Object id" not in html
    links = {
        (_text(a), a.get("href"))
        for a in root.findall(".//table[@id='result_list']//td[@class='field-table_link']/a")
    }
    assert links == {
        (project.title, project.get_absolute_url()),
        (department.title, department.get_absolute_url()),
    }
    kinds = [_text(td) for td in root.findall(".//td[@class='field-table_kind']")]
    assert sorted(kinds) == ["部门整体绩效目标", "项目支出绩效目标表", "项目支出绩效目标表"]
    # the link opens the table's page for the administrator
    assert client.get(project.get_absolute_url()).status_code == 200


def test_a_record_opens_with_chinese_labels_and_the_link(client, users, project):
    services.submit_table(table=project, user=users["owner"])
    record = Transition.objects.get()
    page = login(client, users["admin"]).get(
        reverse("admin:review_transition_change", args=[record.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "表格类型" in html and f'href="{project.get_absolute_url()}"' in html
    assert "Content type" not in html and "Object id" not in html


def test_a_deleted_table_is_named_as_such(client, users, project):
    services.submit_table(table=project, user=users["owner"])
    Transition.objects.update(object_id=999999)  # a table no longer there
    html = login(client, users["admin"]).get(CHANGELIST).content.decode()
    assert "（已删除，编号 999999）" in html


def test_the_list_costs_the_same_queries_for_more_records(client, users, project, tree, year):
    login(client, users["admin"])
    services.submit_table(table=project, user=users["owner"])
    client.get(CHANGELIST)  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(CHANGELIST)
    services.withdraw_table(table=project, user=users["owner"])
    services.submit_table(table=project, user=users["owner"])
    department = DepartmentTable.objects.create(
        unit=tree["own"], year=year, framework=year.framework
    )
    services.submit_table(table=department, user=users["owner"])
    with CaptureQueriesContext(connection) as four:
        response = client.get(CHANGELIST)
    assert response.content.decode().count("field-table_link") == 4
    assert len(four) <= len(one) + 1  # the department kind: one more prefetch query


def test_other_roles_cannot_open_the_list(client, users):
    for who in ("owner", "reviewer"):
        response = login(client, users[who]).get(CHANGELIST)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    assert client.get(CHANGELIST).status_code == 302
