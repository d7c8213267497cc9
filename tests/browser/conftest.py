"""Headless Debian Chromium for the browser tests, driven by Selenium through chromedriver.

The binary and the driver are Debian's (`chromium`, `chromium-driver`), given explicitly so
Selenium Manager never tries to download a browser. They are test requirements, not optional:
when either is missing the tests fail with instructions (scripts/install-system-packages.sh
installs them), they are never skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--window-size=1400,1800",
]


def _require_executable(path: str, package: str) -> None:
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"browser tests need {path} (Debian package `{package}`), which is missing. "
            f"Install it with scripts/install-system-packages.sh or "
            f"`sudo apt-get install --no-install-recommends chromium chromium-driver`.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser_driver(live_server) -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the whole session, with a fresh throw-away profile.

    It depends on `live_server` so that it quits first: Chromium's idle keep-alive connections
    then close while the server still shares its in-memory SQLite connection with its threads.
    """
    _require_executable(CHROMIUM, "chromium")
    _require_executable(CHROMEDRIVER, "chromium-driver")
    profile = tempfile.mkdtemp(prefix="budgetapp-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.fail(f"could not start headless Chromium through {CHROMEDRIVER}: {error}")
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(browser_driver: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    """The session's browser, starting each test logged out on a blank page.

    Afterwards it leaves the page the test ended on; should a form left with unsaved changes
    ask before unloading, the prompt is accepted here rather than met by the next test.
    """
    driver = browser_driver
    driver.delete_all_cookies()
    yield driver
    with contextlib.suppress(WebDriverException):
        driver.get("about:blank")
    with contextlib.suppress(NoAlertPresentException, WebDriverException):
        driver.switch_to.alert.accept()
    driver.delete_all_cookies()
