"""Settings read from the environment: strict, and loud where production needs a value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from budgetapp.core.env import env_url

ROOT = Path(__file__).resolve().parent.parent


def _settings(show: str = "s.SITE_URL", **env: str) -> subprocess.CompletedProcess:
    """Import the real settings module in a fresh interpreter with exactly these variables and
    print `show` (an expression of the module `s`)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SITE_URL",
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "DB_SERVER_SIDE_BINDING",
            "DB_JIT",
        }
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", f"import budgetapp.settings as s; print({show})"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_start_up_fails_loudly_without_site_url():
    result = _settings(DEBUG="false", SECRET_KEY="a-real-secret")
    assert result.returncode != 0
    assert "ImproperlyConfigured: Environment variable SITE_URL is required." in result.stderr
    assert "notice e-mails link to it" in result.stderr


def test_production_takes_the_site_url_given():
    result = _settings(DEBUG="false", SECRET_KEY="a-real-secret", SITE_URL="https://jx.example.cn/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://jx.example.cn"


def test_debug_defaults_to_the_development_server():
    result = _settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "value", ["jx.example.cn", "ftp://jx.example.cn", "https://", "https://jx.example.cn/?a=1"]
)
def test_a_site_url_that_is_no_absolute_http_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("SITE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="is not an absolute http"):
        env_url("SITE_URL", "http://127.0.0.1:8000")


def test_a_blank_site_url_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SITE_URL", "  ")
    assert env_url("SITE_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    with pytest.raises(ImproperlyConfigured, match="SITE_URL is required"):
        env_url("SITE_URL", None)


OPTIONS = "sorted(s.DATABASES['default'].get('OPTIONS', {}).items())"
POSTGRES = "postgres://user@db.example.cn:5432/budgetapp"


def test_prepared_statements_are_on_by_default_and_can_be_switched_off():
    result = _settings(OPTIONS, DEBUG="true", DATABASE_URL=POSTGRES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[('options', '-c jit=off'), ('prepare_threshold', 5), ('server_side_binding', True)]"
    )
    off = _settings(OPTIONS, DEBUG="true", DATABASE_URL=POSTGRES, DB_SERVER_SIDE_BINDING="false")
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "[('options', '-c jit=off')]"


def test_jit_is_off_unless_asked_for_and_keeps_the_urls_own_options():
    url = POSTGRES + "?options=-c%20statement_timeout%3D5000"
    env = {"DEBUG": "true", "DB_SERVER_SIDE_BINDING": "false"}
    kept = _settings(OPTIONS, DATABASE_URL=url, **env)
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.strip() == "[('options', '-c statement_timeout=5000 -c jit=off')]"
    on = _settings(OPTIONS, DATABASE_URL=POSTGRES, DB_JIT="true", **env)
    assert on.returncode == 0, on.stderr
    assert on.stdout.strip() == "[]"


def test_server_side_binding_prepares_statements_on_postgresql():
    on = _settings(OPTIONS, DEBUG="true", DATABASE_URL=POSTGRES, DB_SERVER_SIDE_BINDING="true")
    assert on.returncode == 0, on.stderr
    # Django leaves psycopg's prepare_threshold at None (never prepare) unless it is given.
    assert on.stdout.strip() == (
        "[('options', '-c jit=off'), ('prepare_threshold', 5), ('server_side_binding', True)]"
    )
    sqlite = _settings(OPTIONS, DEBUG="true", DB_SERVER_SIDE_BINDING="true")
    assert sqlite.returncode == 0, sqlite.stderr
    assert sqlite.stdout.strip() == "[]"


def test_the_checks_findings_have_a_cache_of_their_own():
    """CACHES["checks"] (checks/cached.py): a process's own LocMemCache apart from the default
    one without REDIS_URL, the shared Redis under a prefix of its own with it."""
    show = "(s.CACHES['checks']['BACKEND'], s.CACHES['checks'].get('LOCATION'), s.CACHES['checks'].get('KEY_PREFIX'))"
    local = _settings(show, DEBUG="true", REDIS_URL="", CACHE_KEY_PREFIX="budgetapp")
    assert local.returncode == 0, local.stderr
    assert (
        local.stdout.strip() == "('django.core.cache.backends.locmem.LocMemCache', 'checks', None)"
    )
    shared = _settings(
        show, DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/0", CACHE_KEY_PREFIX="budgetapp"
    )
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.strip() == (
        "('django.core.cache.backends.redis.RedisCache', 'redis://127.0.0.1:6379/0', 'budgetapp-checks')"
    )
