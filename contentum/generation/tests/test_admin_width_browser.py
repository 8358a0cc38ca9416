"""The admin's task and user lists fit a 1280 px window: no horizontal scroll inside the
table, with long e-mails and names, every status and variants (Chromium via Playwright)."""

import contextlib
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from conftest import IN_CI
from contentum.accounts.tests.factories import UserFactory
from contentum.generation.models import TaskStatus
from contentum.generation.tests.factories import FinishedTaskFactory, GenerationTaskFactory
from contentum.settings.environment import BASE_DIR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = os.environ.get("CONTENTUM_CHROMIUM", "/usr/bin/chromium")
THUMBNAIL = "generation/admin-width/thumbnail.webp"
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = BASE_DIR / "test-artifacts" / "browser"
# How far the table reaches past what its scrolling box shows, in CSS pixels.
OVERFLOW = """() => {
    const box = document.querySelector('#changelist-form .results');
    const table = document.querySelector('#result_list');
    return {table: table.scrollWidth, box: box.clientWidth, page: document.body.scrollWidth};
}"""


@pytest.fixture
def browser_ready() -> None:
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "needs the playwright package"
    if reason is None and not os.access(CHROMIUM, os.X_OK):
        reason = f"needs Chromium at {CHROMIUM}"
    if reason and IN_CI:
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


@contextlib.contextmanager
def chromium():
    """Started after the test's rows: Django refuses database queries from a thread that
    runs Playwright's event loop."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def session_cookie(admin_user, live_server) -> dict:
    """The admin's session for the browser, made with the test client."""
    client = Client()
    client.force_login(admin_user)
    cookie = client.cookies["sessionid"]
    return {"name": "sessionid", "value": cookie.value, "url": live_server.url}


def busy_team() -> None:
    """Long addresses, every status, briefs with variants, previews and errors."""
    default_storage.save(THUMBNAIL, ContentFile(b"not drawn: the width is the tag's"))
    for number in range(6):
        owner = UserFactory(
            email=f"marketing.department.lead.{number}@very-long-company-domain.example.com",
            full_name="Константин Константинопольский-Верхнеднепровский",
        )
        for status in TaskStatus.values:
            GenerationTaskFactory(
                owner=owner,
                status=status,
                width=1536,
                height=1024,
                attempts=2,
                max_attempts=10,
                thumbnail=THUMBNAIL,
            )
        brief = FinishedTaskFactory(owner=owner, has_variants=True, variants_asked=4)
        FinishedTaskFactory(
            owner=owner,
            brief=brief,
            variant_number=1,
            provider="fusionbrain",
            started_at=timezone.now() - timedelta(minutes=12),
        )


@pytest.mark.parametrize("page", ["/admin/generation/generationtask/", "/admin/accounts/user/"])
def test_the_list_fits_1280_px(browser_ready, live_server, session_cookie, page):
    busy_team()
    with chromium() as browser:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_cookies([session_cookie])
        browser_page = context.new_page()
        browser_page.goto(live_server.url + page)
        sizes = browser_page.evaluate(OVERFLOW)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser_page.screenshot(path=str(ARTIFACTS / f"admin-{page.split('/')[2]}-1280.png"))
        context.close()

    assert sizes["table"] <= sizes["box"], sizes
    assert sizes["page"] <= VIEWPORT["width"], sizes
