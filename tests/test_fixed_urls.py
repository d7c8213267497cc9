"""URL names without arguments reversed once (budgetapp/core/fixed_urls.py) give what reverse()
and {% url %} give: under another script prefix and another URLconf too, and base.html with
{% fixed_url %} is byte for byte the page it was with {% url %} (issue 17: what every page
pays)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages.storage import default_storage
from django.template import engines
from django.urls import include, path, reverse, set_script_prefix

from budgetapp.core.fixed_urls import fixed_reverse
from budgetapp.identity import sessions

# A URLconf that puts the whole site under /elsewhere/ (used by the test marked with it).
urlpatterns = [path("elsewhere/", include("budgetapp.urls"))]

BASE = Path(settings.BASE_DIR) / "templates" / "base.html"
NAMES = re.findall(r"\{% fixed_url '([a-z_:]+)' %\}", BASE.read_text())


def test_base_html_uses_it_for_its_navigation():
    assert len(NAMES) == 12 and "logout" in NAMES and "review:notices" in NAMES


@pytest.mark.parametrize("name", [*NAMES, "identity:otp_verify", "identity:session_extend"])
def test_the_same_as_reverse_under_any_script_prefix(name):
    assert fixed_reverse(name) == reverse(name)
    set_script_prefix("/jx/")
    try:
        assert fixed_reverse(name) == reverse(name)
        assert fixed_reverse(name).startswith("/jx/")
    finally:
        set_script_prefix("/")
    assert fixed_reverse(name) == reverse(name)
    assert not fixed_reverse(name).startswith("/jx/")


@pytest.mark.urls("tests.test_fixed_urls")
def test_the_same_as_reverse_under_another_urlconf():
    assert fixed_reverse("login") == reverse("login") == "/elsewhere/accounts/login/"


def _masked(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("who", ["owner", "reviewer", "admin"])
def test_base_html_is_the_page_url_tags_gave(rf, users, who):
    """base.html against itself with every {% fixed_url %} put back to {% url %}."""
    source = BASE.read_text()
    reference = re.sub(r"\{% fixed_url ('[a-z_:]+') %\}", r"{% url \1 %}", source)
    reference = reference.replace("{% load static fixed_urls %}", "{% load static %}")
    assert "fixed_url" not in reference and reference != source
    request = rf.get("/")
    request.user = users[who]
    request.session = {sessions.STARTED_KEY: 0, sessions.LAST_SEEN_KEY: 0}
    request._messages = default_storage(request)
    engine = engines["django"]
    built = engine.from_string(source).render({}, request)
    expected = engine.from_string(reference).render({}, request)
    assert _masked(built) == _masked(expected)
    assert f'href="{reverse("units:profile")}"' in built
    assert ('href="/admin/"' in built) == (who == "admin")
