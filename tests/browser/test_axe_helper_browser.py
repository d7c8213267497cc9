"""The axe-core helper itself (tests/browser/axe_check.py): it runs the pinned axe-core in the
page, passes a clean page and reports a reintroduced fault readably."""

from __future__ import annotations

import pytest

from tests.browser.axe_check import (
    AXE_DIR,
    assert_no_axe_violations,
    axe_version,
    axe_violations,
    format_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_axe_runs_the_pinned_version_and_passes_the_login_page(browser, live_server):
    browser.get(f"{live_server.url}/accounts/login/")
    lock = (AXE_DIR / "package.json").read_text(encoding="utf-8")
    assert f'"axe-core": "{axe_version(browser)}"' in lock
    assert_no_axe_violations(browser, structure=True, page="登录")


def test_an_unlabelled_field_is_reported_with_its_selector(browser, live_server):
    browser.get(f"{live_server.url}/accounts/login/")
    browser.execute_script(
        "const input = document.getElementById('id_password');"
        "document.querySelector(`label[for=${input.id}]`).remove();"
        "input.id = 'unlabelled-password';"
    )
    violations = axe_violations(browser)
    assert [v["id"] for v in violations] == ["label"]
    report = format_violations(violations, url="登录")
    assert "[critical] label: Form elements must have labels" in report
    assert '"#unlabelled-password"' in report
