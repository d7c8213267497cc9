"""Published pages are cached (budgetapp/portal/cache.py) and dropped when what is public
changes: a publication, a reopening. The shared cache is Redis when REDIS_URL is set."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgetapp.exports.frozen import freeze_table
from budgetapp.exports.public_state import EPOCH_KEY
from budgetapp.review import services
from budgetapp.targets.models import ProjectTable, Status

from .conftest import publish

REDIS_URL = "redis://127.0.0.1:6379/0"


def _frozen(table):
    type(table).objects.filter(pk=table.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )
    table.refresh_from_db()
    freeze_table(table=table, user=None)
    return table


def _get(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_portal_page_is_rendered_once_then_served_from_the_cache(client, project):
    _frozen(project)
    url = reverse("portal:unit", args=[project.unit_id])
    first_queries, first = _get(client, url)
    again_queries, again = _get(client, url)
    assert again == first and project.title in again
    assert first_queries > 1 and again_queries == 1  # the public token only


def test_a_publication_is_seen_at_once(client, project, users, year):
    _frozen(project)
    unit_url = reverse("portal:unit", args=[project.unit_id])
    search_url = reverse("portal:search") + "?q=康复"
    assert "残疾人康复服务经费" not in _get(client, unit_url)[1]
    assert "残疾人康复服务经费" not in _get(client, search_url)[1]
    second = ProjectTable.objects.create(
        unit=project.unit, year=year, framework=year.framework, money_unit="元", sequence=2,
        name="残疾人康复服务经费", budget_total=1000,
    )  # fmt: skip
    publish(second, users)
    assert "残疾人康复服务经费" in _get(client, unit_url)[1]
    assert "残疾人康复服务经费" in _get(client, search_url)[1]


def test_reopening_drops_the_cached_pages(
    client, project, users, django_capture_on_commit_callbacks
):
    publish(project, users)
    url = reverse("portal:table", args=["project", project.pk])
    _get(client, url)
    assert _get(client, url)[0] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_table(table=project, user=users["admin"], reason="指标值有误")
    assert _get(client, url)[0] > 1  # rendered again (and still the published version)
    assert caches["default"].get(EPOCH_KEY) == 1


def test_an_unpublished_address_is_not_cached(client, project):
    url = reverse("portal:table", args=["project", project.pk])
    assert client.get(url).status_code == 404
    _frozen(project)
    assert client.get(url).status_code == 200


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis at 127.0.0.1:6379 (CI starts one: .ci/run)")


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis, as with REDIS_URL, under a key prefix of this test's own."""
    _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_pages_are_kept_in_redis_and_dropped_on_publication(client, project, users, year,
                                                           redis_cache):  # fmt: skip
    import redis

    publish(project, users)
    url = reverse("portal:unit", args=[project.unit_id])
    _get(client, url)
    assert _get(client, url)[0] == 1
    kept = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_cache}:*portal:page:*"))
    assert kept, "the page is in Redis"
    second = ProjectTable.objects.create(
        unit=project.unit, year=year, framework=year.framework, money_unit="元", sequence=2,
        name="残疾人托养服务经费", budget_total=1000,
    )  # fmt: skip
    publish(second, users)
    queries, page = _get(client, url)
    assert queries > 1 and "残疾人托养服务经费" in page


def test_the_portal_answers_when_the_cache_is_down(client, project, settings):
    _frozen(project)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }
    response = client.get(reverse("portal:unit", args=[project.unit_id]))
    assert response.status_code == 200 and project.title in response.content.decode()
