"""«One login» in a real browser: an admin signed in to the web client opens the Django
admin from «Панель администратора» with no second login form; employees see no such link.

Screenshots go to test-artifacts/browser/ (admin-link-*.png).
"""

import re

import pytest

from contentum.web.tests.live_stack import ADMIN_EMAIL, ADMIN_PASSWORD
from contentum.web.tests.steps import expect, log_in, new_email, register

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PANEL = "Панель администратора"


def test_an_admin_opens_the_admin_from_the_client_without_a_second_login(page, shoot):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    link = page.get_by_role("link", name=PANEL)
    expect(link).to_be_visible()
    shoot("admin-link-01-client-header")

    issued = []
    page.on(
        "response",
        lambda r: issued.append(r.status) if r.url.endswith("/api/auth/admin-link/") else None,
    )
    link.click()

    # The admin's index, in this tab, with a session and no login form.
    page.wait_for_url(re.compile(r"^https?://[^/]+/admin/$"))
    assert issued == [201]
    expect(page.locator("#content-main")).to_be_visible()
    expect(page.locator("#login-form")).to_have_count(0)
    expect(page.locator("#user-tools")).to_be_visible()
    shoot("admin-link-02-admin-index")

    # The session is the admin's own: another page of the admin opens as well.
    page.goto("/admin/accounts/user/")
    expect(page.locator("#login-form")).to_have_count(0)
    expect(page.locator("#changelist")).to_be_visible()


def test_a_link_opened_a_second_time_lands_on_the_login_form_with_a_reason(
    page, shoot, chromium, live_stack
):
    page.goto("/")
    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page.get_by_role("link", name=PANEL)).to_be_visible()
    token = page.evaluate("localStorage.getItem('contentum.access')")
    answer = page.request.post(
        "/api/auth/admin-link/", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 201
    url = answer.json()["data"]["url"]
    assert "no-store" in answer.headers["cache-control"]

    # Someone else's browser opens it first.
    elsewhere = chromium.new_context(base_url=live_stack.url)
    try:
        opened = elsewhere.request.get(url, max_redirects=0)
        assert opened.status == 302
        assert opened.headers["location"] == "/admin/"
        assert opened.headers["referrer-policy"] == "no-referrer"
        assert "no-store" in opened.headers["cache-control"]
    finally:
        elsewhere.close()

    page.goto(url)  # used already: the admin's login form, which says why
    page.wait_for_url(re.compile(r"/admin/login/"))
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator(".messagelist")).to_contain_text(
        "Ссылка для входа недействительна или устарела."
    )
    shoot("admin-link-03-used-link-refused")


def test_employees_see_no_admin_link_and_the_phone_header_still_fits(page, shoot):
    page.set_viewport_size(PHONE)
    register(page, new_email(), name="Ольга Смирнова")
    expect(page.locator("#admin-link")).to_be_hidden()
    expect(page.get_by_role("link", name=PANEL)).to_have_count(0)
    page.get_by_role("button", name="Выйти").click()

    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    link = page.get_by_role("link", name=PANEL)
    expect(link).to_be_visible()
    # On a phone the header wraps but nothing runs off the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    expect(page.get_by_role("button", name=re.compile("^Мои чаты"))).to_be_visible()
    shoot("admin-link-04-phone-header-390x844")
