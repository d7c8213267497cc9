"""axe-core accessibility checks for the browser tests (WCAG 2.2 AA, docs/accessibility.md).

axe-core is the npm package pinned in tests/browser/axe/package.json, installed by `make setup`
(`npm ci`) into tests/browser/axe/node_modules; it is never fetched while the tests run. The
script is injected into the page the test is looking at, through WebDriver (the page's
Content-Security-Policy does not apply to it), and run there:

    from tests.browser.axe_check import assert_no_axe_violations

    browser.get(url)
    assert_no_axe_violations(browser)                 # the whole page, WCAG 2.0-2.2 A/AA
    assert_no_axe_violations(browser, context="main") # only part of it

A failure lists every violated rule with its impact, what it asks for, and each offending
element (CSS selector, HTML excerpt and axe's explanation), so it can be fixed from the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# The rule tags of WCAG 2.0, 2.1 and 2.2, levels A and AA (2.2 adds only AA rules to axe's set).
WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# axe's own best practices that the issue asks for too (one h1 a page, content in landmarks,
# headings in order); run by `structure=True`.
STRUCTURE_RULES: tuple[str, ...] = (
    "page-has-heading-one",
    "heading-order",
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "region",
    "empty-heading",
    "empty-table-header",
)

_RUN_SCRIPT = """
const [context, options, done] = arguments;
axe.run(context || document, options)
  .then((results) => done({ok: true, violations: results.violations}))
  .catch((error) => done({ok: false, error: String(error && error.stack || error)}));
"""


@cache
def axe_source() -> str:
    """The text of axe.min.js; fails the test with the install command when it is missing."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"the accessibility checks need axe-core at {AXE_JS}, which is missing. "
            "Install it with `make setup` (or `npm ci --prefix tests/browser/axe`).",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_version(driver: WebDriver) -> str:
    _inject(driver)
    return driver.execute_script("return axe.version;")


def _inject(driver: WebDriver) -> None:
    if not driver.execute_script("return typeof window.axe === 'object';"):
        driver.execute_script(axe_source())


def axe_violations(
    driver: WebDriver,
    *,
    tags: Sequence[str] = WCAG_TAGS,
    structure: bool = False,
    context: str | None = None,
    disable: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Run axe on the current page and return its violations (axe's own result objects).

    `tags` picks the rules by WCAG level; `structure` adds STRUCTURE_RULES; `context` is a CSS
    selector limiting the check to part of the page; `disable` names rules to leave out (say
    why wherever it is used).
    """
    _inject(driver)
    if structure:
        options: dict[str, Any] = {
            "runOnly": {"type": "rule", "values": _rules_for(driver, tags) + list(STRUCTURE_RULES)}
        }
    else:
        options = {"runOnly": {"type": "tag", "values": list(tags)}}
    options["resultTypes"] = ["violations"]
    options["rules"] = {rule: {"enabled": False} for rule in disable}
    driver.set_script_timeout(60)
    outcome = driver.execute_async_script(_RUN_SCRIPT, context, options)
    if not outcome.get("ok"):
        raise AssertionError(f"axe-core could not check {driver.current_url}: {outcome['error']}")
    return outcome["violations"]


def _rules_for(driver: WebDriver, tags: Sequence[str]) -> list[str]:
    return driver.execute_script(
        "return axe.getRules(arguments[0]).map((rule) => rule.ruleId);", list(tags)
    )


def format_violations(violations: list[dict[str, Any]], *, url: str = "") -> str:
    """A readable report: one block per rule, one line per offending element."""
    count = sum(len(v["nodes"]) for v in violations)
    lines = [f"{len(violations)} axe rule(s) violated on {url or 'the page'} ({count} element(s)):"]
    for violation in violations:
        wcag = ", ".join(t for t in violation.get("tags", []) if t.startswith("wcag"))
        lines.append("")
        lines.append(
            f"[{violation.get('impact') or '?'}] {violation['id']}: {violation['help']} ({wcag})"
        )
        lines.append(f"    {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(json.dumps(t, ensure_ascii=False) for t in node.get("target", []))
            html = " ".join(node.get("html", "").split())
            if len(html) > 160:
                html = html[:157] + "..."
            lines.append(f"  - {target}")
            lines.append(f"      {html}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(
    driver: WebDriver,
    *,
    tags: Sequence[str] = WCAG_TAGS,
    structure: bool = False,
    context: str | None = None,
    disable: Iterable[str] = (),
    page: str = "",
) -> None:
    """Fail with a readable report when axe finds any violation on the current page.

    `page` names the page in the report (defaults to its URL)."""
    violations = axe_violations(
        driver, tags=tags, structure=structure, context=context, disable=disable
    )
    if violations:
        label = f"{page} ({driver.current_url})" if page else driver.current_url
        pytest.fail(format_violations(violations, url=label), pytrace=False)
