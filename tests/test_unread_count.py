"""The navigation bar's unread count (review/context_processors.py, written as SQL for speed:
issue 17) is the ORM's count: only the user's own notices, only the unread ones; one query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgetapp.review.context_processors import unread_count
from budgetapp.review.models import Notice

from .conftest import login


def _orm_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def test_the_count_is_the_orms(users):
    owner, reviewer = users["owner"], users["reviewer"]
    assert unread_count(owner.pk) == _orm_count(owner) == 0
    for index in range(3):
        Notice.objects.create(recipient=owner, text=f"通知{index}")
    Notice.objects.create(recipient=owner, text="已读", read_at=timezone.now())
    Notice.objects.create(recipient=reviewer, text="别人的")
    with CaptureQueriesContext(connection) as queries:
        counted = unread_count(owner.pk)
    assert counted == _orm_count(owner) == 3 and len(queries) == 1
    assert unread_count(reviewer.pk) == _orm_count(reviewer) == 1
    assert unread_count(users["admin"].pk) == 0


def test_the_navigation_bar_shows_it(client, users):
    owner = users["owner"]
    for index in range(2):
        Notice.objects.create(recipient=owner, text=f"通知{index}")
    login(client, owner)
    page = client.get(reverse("units:profile")).content.decode()
    assert '<span class="badge text-bg-warning" data-role="unread">2</span>' in page
    client.post(reverse("review:notices_read"))
    page = client.get(reverse("units:profile")).content.decode()
    assert 'data-role="unread"' not in page
