"""Browser tests: Playwright for Python driving Debian's Chromium against a live stack.

They skip with the reason where Playwright or Chromium is missing, and fail instead in CI
(CI=true), which must run them. Playwright never downloads a browser here: it launches
the system's Chromium (CONTENTUM_CHROMIUM, default /usr/bin/chromium).
"""

import os
import shutil
from pathlib import Path

import pytest

from conftest import IN_CI
from contentum.settings.environment import BASE_DIR

CHROMIUM = os.environ.get("CONTENTUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = BASE_DIR / "test-artifacts" / "browser"
TIMEOUT_MS = 15_000


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs the playwright package (pip install -e '.[dev]'; no browser download)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser"):
        reason = browser_missing()
        if reason and IN_CI:
            pytest.fail(f"{reason}, and CI must run the browser tests")
        if reason:
            pytest.skip(reason)


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory):
    """Migrations, gunicorn and a Celery worker with beat, on a fresh embedded var dir.
    Their logs are copied to test-artifacts/browser/ when the module is done."""
    from contentum.web.tests.live_stack import LiveStack

    var_dir = tmp_path_factory.mktemp("live")
    stack = LiveStack(var_dir)
    try:
        yield stack.start()
    finally:
        stack.stop()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for log in ("web.log", "worker.log"):
            if (var_dir / log).exists():
                shutil.copy(var_dir / log, ARTIFACTS / log)


@pytest.fixture(scope="module")
def chromium():
    # Module scope: Playwright's event loop must not outlive these tests, or Django would
    # take the tests after them for async code and refuse their database queries.
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_stack):
    """A fresh browser profile (empty localStorage) on the live stack. Uncaught script
    errors fail the test."""
    context = chromium.new_context(
        base_url=live_stack.url,
        locale="ru-RU",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    yield page
    context.close()
    assert not script_errors, f"uncaught script errors: {script_errors}"


@pytest.fixture
def shoot(page):
    """`shoot("name")` saves a screenshot as test-artifacts/browser/name.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def screenshot(name: str, **options) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), **options)
        return path

    return screenshot
