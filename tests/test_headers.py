"""Transport and headers: CSP without inline script or style, HTTPS redirect and HSTS in the
production settings, no-store on everything a logged-in user sees, `check --deploy` clean."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from .conftest import login

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# A <script> element that runs code without a src, a <style> element, a style attribute, an
# inline event handler or a javascript: URL. JSON data blocks (json_script) run nothing.
_INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),
    re.compile(r"javascript:", re.I),
]


def _inline_in(text: str) -> list[str]:
    return [match.group(0) for pattern in _INLINE for match in pattern.finditer(text)]


def test_no_template_has_inline_script_or_style():
    found = {
        str(path.relative_to(TEMPLATES)): hits
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (hits := _inline_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "move these into static/js or static/css (CSP): " + repr(found)


@pytest.mark.django_db
def test_pages_carry_a_csp_without_unsafe_inline(client, users, project):
    login(client, users["owner"])
    response = client.get(reverse("review:table", args=["project", project.pk]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    # The official layout's column widths come as classes, not inline style.
    page = response.content.decode()
    assert "official-grid" in page and 'class="cw-' in page
    assert _inline_in(page) == []


@pytest.mark.django_db
def test_print_keeps_exact_inline_widths_and_pages_use_classes(project):
    from budgetapp.exports.pdf import _printable
    from budgetapp.layouts import document_for
    from budgetapp.layouts.html import render_html

    document = document_for(project)
    printed = str(_printable(document))
    assert re.search(r'<col style="width:\d+\.\d\d%">', printed)
    page = str(render_html(document))
    assert "<col style" not in page
    groups = re.findall(r"<colgroup>(.*?)</colgroup>", page)
    assert groups
    for group in groups:  # each grid's columns still fill its width, to half a percent each
        widths = [int(n) / 2 for n in re.findall(r'<col class="cw-(\d+)">', group)]
        assert widths and abs(sum(widths) - 100) <= len(widths) * 0.25


@pytest.mark.django_db
def test_logged_in_pages_and_draft_downloads_are_not_stored(client, users, project):
    login(client, users["owner"])
    for url in (
        reverse("targets:home"),
        reverse("review:table", args=["project", project.pk]),
        reverse("exports:table", args=["project", project.pk, "xlsx"]),
        reverse("units:profile"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_public_pages_for_anonymous_visitors_are_not_marked_no_store(client, tree):
    response = client.get(reverse("portal:index"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_gets_hsts(client, settings, tree):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("portal:index"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    secure = client.get(reverse("portal:index"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # Behind the proxy: X-Forwarded-Proto says the client spoke HTTPS.
    proxied = client.get(reverse("portal:index"), HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="budgetapp.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="jx.example.cn",
        SITE_URL="https://jx.example.cn",
        **extra,
    )
    return env


def _deploy_check(**extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_fails_when_https_is_switched_off():
    result = _deploy_check(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
