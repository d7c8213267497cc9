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
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.template import engines
from django.templatetags.static import static
from django.urls import include, path, reverse, set_script_prefix

from budgetapp.core.fixed_urls import fixed_reverse, fixed_reverses, fixed_static
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


def test_several_at_once_are_the_same_as_reverse():
    names = ("identity:otp_verify", "logout", "login")
    assert fixed_reverses(names) == tuple(reverse(name) for name in names)
    set_script_prefix("/jx/")
    try:
        assert fixed_reverses(names) == tuple(reverse(name) for name in names)
        assert fixed_reverses(names)[0].startswith("/jx/")
    finally:
        set_script_prefix("/")


@pytest.mark.urls("tests.test_fixed_urls")
def test_the_same_as_reverse_under_another_urlconf():
    assert fixed_reverse("login") == reverse("login") == "/elsewhere/accounts/login/"


@pytest.mark.parametrize("name", ["css/app.css", "js/behaviours.js", "js/draft-keeper.js"])
def test_static_urls_are_what_static_gives_under_any_storage(settings, monkeypatch, name):
    assert fixed_static(name) == static(name) == f"/static/{name}"
    settings.STATIC_URL = "/assets/"
    assert fixed_static(name) == static(name) == f"/assets/{name}"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "tests.test_fixed_urls.HashedNames"},
    }
    assert fixed_static(name) == static(name) == f"/assets/{name}?v=1"
    monkeypatch.setattr(HashedNames, "version", 2)  # the new storage of new settings: its URLs
    settings.STORAGES = {**settings.STORAGES}
    assert fixed_static(name) == static(name) == f"/assets/{name}?v=2"
    settings.DEBUG = True
    assert fixed_static(name) == static(name) == f"/assets/{name}?v=2&debug"


class HashedNames(StaticFilesStorage):
    """A storage whose URLs differ from the plain one's (as a manifest's do), and with DEBUG."""

    version = 1

    def url(self, name: str | None) -> str:
        debug = "&debug" if settings.DEBUG else ""
        return f"{super().url(name)}?v={self.version}{debug}"


def _masked(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("who", ["owner", "reviewer", "admin"])
def test_base_html_is_the_page_url_tags_gave(rf, users, who):
    """base.html against itself with every {% fixed_url %} put back to {% url %} and every
    {% fixed_static %} to {% static %}."""
    source = BASE.read_text()
    reference = re.sub(r"\{% fixed_url ('[a-z_:]+') %\}", r"{% url \1 %}", source)
    reference = re.sub(r"\{% fixed_static ('[a-z_./-]+') %\}", r"{% static \1 %}", reference)
    reference = reference.replace("{% load fixed_urls %}", "{% load static %}")
    assert "fixed_" not in reference and reference != source
    assert reference.count("{% static '") == 7
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
