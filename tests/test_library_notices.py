"""A unit hears what became of its 个性指标 proposal (issue 12, bug 10): the unit's filers get an
in-app notice and an e-mail on approval and on rejection (with the reason); nobody else does."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from budgetapp.library import services
from budgetapp.library.models import EntryKind, EntryStatus, LibraryEntry
from budgetapp.review.models import Notice
from budgetapp.units.models import Role

from .conftest import login
from .test_library import unit_entry
from .test_workflow import new_user

PROPOSALS = reverse("library:proposals")
CHANGELIST = reverse("admin:library_libraryentry_changelist")


@pytest.fixture
def addressed(users, tree):
    """Two filers of the proposing unit, a filer elsewhere and the reviewer, all with mail."""
    second = new_user("owner2", Role.FILER, tree["own"])
    for user in (users["owner"], second, users["colleague"], users["reviewer"]):
        user.email = f"{user.username}@example.org"
        user.save()
    return {"owner": users["owner"], "second": second}


def _notices() -> set[tuple[str, str, str]]:
    return {(n.recipient.username, n.text, n.url) for n in Notice.objects.all()}


def test_approval_by_the_admin_action_notifies_the_units_filers(
    client, users, tree, addressed, django_capture_on_commit_callbacks
):
    entry = unit_entry(tree["own"], "盲人按摩培训人数", status=EntryStatus.PROPOSED)
    login(client, users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "approve", "_selected_action": [entry.pk]})
    text = "个性指标“盲人按摩培训人数”已审核通过，可在指标库中选用。"
    assert _notices() == {("owner", text, PROPOSALS), ("owner2", text, PROPOSALS)}
    (message,) = mail.outbox
    assert sorted(message.to) == ["owner2@example.org", "owner@example.org"]
    assert text in message.body and f"查看：http://testserver{PROPOSALS}" in message.body


def test_rejection_tells_the_reason(
    client, users, tree, addressed, django_capture_on_commit_callbacks
):
    entry = unit_entry(tree["own"], "家庭医生签约人数", status=EntryStatus.PROPOSED)
    login(client, users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {
                "action": "reject",
                "_selected_action": [entry.pk],
                "apply": "1",
                "note": "与共性指标“家庭医生签约补助标准”重复",
            },
        )
    text = "个性指标“家庭医生签约人数”未通过审核：与共性指标“家庭医生签约补助标准”重复"
    assert _notices() == {("owner", text, PROPOSALS), ("owner2", text, PROPOSALS)}
    assert [m.to for m in mail.outbox] and text in mail.outbox[0].body
    # the notice leads to the page where the unit reads it
    login(client, users["owner"])
    assert "与共性指标“家庭医生签约补助标准”重复" in client.get(PROPOSALS).content.decode()


def test_a_decision_in_the_edit_form_notifies_too(
    client, users, tree, addressed, django_capture_on_commit_callbacks
):
    entry = unit_entry(tree["own"], "手语培训人数", status=EntryStatus.PROPOSED)
    form = {
        "kind": "unit", "unit": tree["own"].pk, "status": "rejected",
        "level1_name": entry.level1_name, "level2_name": entry.level2_name, "name": entry.name,
        "description": entry.description, "comparator": "", "measure_unit": "人", "basis": "",
        "keywords": "", "usage_count": "0", "review_note": "请写明培训对象",
        "decisions-TOTAL_FORMS": "0", "decisions-INITIAL_FORMS": "0",
    }  # fmt: skip
    login(client, users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:library_libraryentry_change", args=[entry.pk]), form)
    assert response.status_code == 302
    assert {text for _, text, _ in _notices()} == {
        "个性指标“手语培训人数”未通过审核：请写明培训对象"
    }
    assert len(mail.outbox) == 1


def test_no_notice_for_refused_decisions_common_entries_or_retirement(
    users, tree, addressed, django_capture_on_commit_callbacks
):
    approved = unit_entry(tree["own"], "已启用的指标")
    common = LibraryEntry.objects.create(
        kind=EntryKind.COMMON, status=EntryStatus.PROPOSED, level1_name="产出指标",
        level2_name="数量指标", name="新的共性指标",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        # approving what is already approved changes nothing
        assert services.approve_entries(user=users["admin"], entries=[approved]) == (0, 1)
        services.approve_entries(user=users["admin"], entries=[common])  # no unit to tell
        services.retire_entries(user=users["admin"], entries=[approved])
    assert not Notice.objects.exists() and mail.outbox == []


def test_a_rolled_back_decision_sends_no_mail(
    users, tree, addressed, django_capture_on_commit_callbacks
):
    entry = unit_entry(tree["own"], "回滚的指标", status=EntryStatus.PROPOSED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.approve_entries(user=users["admin"], entries=[entry])
        raise RuntimeError("later step failed")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PROPOSED
    assert callbacks == [] and not Notice.objects.exists() and mail.outbox == []
