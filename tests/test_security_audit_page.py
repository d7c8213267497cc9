"""The 审计管理员's page: filter by who, what, when, unit and result; paginate; download."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from budgetapp.audit.log import record
from budgetapp.audit.models import AuditEvent, EventKind, EventResult

from .conftest import login
from .security_cast import make_staff


@pytest.fixture
def staff(users) -> dict:
    return make_staff(users)


@pytest.fixture
def auditor(client, staff):
    """The 审计管理员 logged in (its own login is the first event)."""
    return login(client, staff["auditor"])


@pytest.fixture
def events(auditor, staff):
    record(kind=EventKind.LOGIN, user=staff["owner"], ip="192.0.2.1")
    record(kind=EventKind.LOGIN, user=staff["colleague"], ip="192.0.2.2")
    record(
        kind=EventKind.LOGIN_FAILED,
        result=EventResult.REFUSED,
        details={"username": "owner"},
        ip="192.0.2.3",
    )
    record(kind=EventKind.DRAFT_DOWNLOAD, user=staff["reviewer"], details={"format": "=cmd"})
    return AuditEvent.objects.order_by("id")


def _shown(response) -> list[int]:
    return [event.pk for event in response.context["page"]]


@pytest.mark.django_db
def test_the_auditor_sees_every_event_newest_first(client, staff, events):
    login(client, staff["auditor"])
    response = client.get(reverse("security:audit_log"))
    assert response.status_code == 200
    assert _shown(response) == sorted(events.values_list("pk", flat=True), reverse=True)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected_kinds"),
    [
        ({"who": "owner"}, ["login_failed", "login"]),  # the failed attempt names owner too
        ({"kind": "login"}, ["login", "login", "login"]),  # the auditor's own login too
        ({"result": "refused"}, ["login_failed"]),
        ({"unit": "北戴河"}, ["login"]),
    ],
)
def test_filters(client, staff, events, query, expected_kinds):
    response = client.get(reverse("security:audit_log"), query)
    shown = AuditEvent.objects.filter(pk__in=_shown(response)).order_by("-id")
    assert list(shown.values_list("kind", flat=True)) == expected_kinds


@pytest.mark.django_db
def test_the_date_filter_and_a_bad_date(client, staff, events):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert len(_shown(client.get(reverse("security:audit_log"), {"since": today}))) == 5
    assert _shown(client.get(reverse("security:audit_log"), {"since": tomorrow})) == []
    response = client.get(reverse("security:audit_log"), {"since": "2026-13-45"})
    assert response.status_code == 200
    assert "日期格式应为" in response.content.decode()


@pytest.mark.django_db
def test_pages_of_fifty(client, staff):
    for _ in range(55):
        record(kind=EventKind.LOGIN, user=staff["owner"])
    login(client, staff["auditor"])
    first = client.get(reverse("security:audit_log"))
    second = client.get(reverse("security:audit_log"), {"page": 2})
    assert len(_shown(first)) == 50 and len(_shown(second)) == 6  # 55 + the auditor's login
    assert not set(_shown(first)) & set(_shown(second))


@pytest.mark.django_db
def test_csv_download_is_filtered_safe_and_recorded(client, staff, events):
    response = client.get(
        reverse("security:audit_download", args=["csv"]), {"kind": "draft_download"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "时间", "账户"]
    assert len(rows) == 2 and rows[1][2] == "reviewer" and rows[1][6] == "下载草稿"
    taken = AuditEvent.objects.get(kind=EventKind.AUDIT_EXPORT)
    assert taken.username == "auditor"
    assert taken.details["filters"] == {"kind": "draft_download"}


@pytest.mark.django_db
def test_xlsx_download(client, staff, events):
    response = client.get(reverse("security:audit_download", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "编号"
    assert len(values) == 1 + 5
    assert {row[2] for row in values[1:]} == {"auditor", "owner", "colleague", "reviewer", None}


@pytest.mark.django_db
def test_a_value_a_spreadsheet_would_run_is_written_as_text(client, staff):
    from django.contrib.auth import get_user_model

    sly = get_user_model().objects.create_user(username="=HYPERLINK(1)")
    record(kind=EventKind.LOGIN, user=sly)
    login(client, staff["auditor"])
    response = client.get(reverse("security:audit_download", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["auditor", "'=HYPERLINK(1)"]
