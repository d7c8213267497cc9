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


def _settings(**env: str) -> subprocess.CompletedProcess:
    """Import the real settings module in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DEBUG", "SECRET_KEY"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", "import budgetapp.settings as s; print(s.SITE_URL)"],
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
