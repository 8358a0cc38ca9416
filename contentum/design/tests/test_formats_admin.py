import pytest

from contentum.audit.models import AuditLog
from contentum.design.models import Format

pytestmark = pytest.mark.django_db

ADD = "/admin/design/format/add/"
FORM = {
    "key": "afisha-a2",
    "name": "Афиша A2",
    "platform": "print",
    "width": "2480",
    "height": "3508",
    "safe_top_pct": "0",
    "safe_right_pct": "0",
    "safe_bottom_pct": "0",
    "safe_left_pct": "0",
    "is_active": "on",
    "sort_order": "80",
}


def test_format_admin_pages_open_in_russian(admin_browser):
    story = Format.objects.get(key="story")
    listing = admin_browser.get("/admin/design/format/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Истории / клипы 9:16" in html and "1080×1920" in html and "14 / 0 / 20 / 0" in html
    assert admin_browser.get(f"/admin/design/format/{story.pk}/change/").status_code == 200
    assert admin_browser.get(ADD).status_code == 200
    assert "Форматы" in admin_browser.get("/admin/").content.decode()


def test_adding_a_format_in_the_admin_goes_through_the_service(admin_browser, admin_user):
    response = admin_browser.post(ADD, FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Format.objects.get(key="afisha-a2")
    assert (created.width, created.height, created.platform) == (2480, 3508, "print")
    assert AuditLog.objects.get(action="format.created").actor == admin_user


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"width": "5000"}, "4096"),
        ({"safe_top_pct": "50", "safe_bottom_pct": "45"}, "не оставляет места"),
        ({"key": "story"}, "уже существует"),  # Django's own unique check
    ],
)
def test_the_admin_form_refuses_what_the_api_refuses(admin_browser, changes, fragment):
    before = Format.objects.count()
    response = admin_browser.post(ADD, {**FORM, **changes})
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert Format.objects.count() == before
    assert not AuditLog.objects.filter(action="format.created").exists()


def test_the_key_is_read_only_once_created(admin_browser):
    story = Format.objects.get(key="story")
    form = {**FORM, "key": "renamed", "width": "1080", "height": "1920", "safe_top_pct": "14"}
    response = admin_browser.post(f"/admin/design/format/{story.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert (story.key, story.name, story.safe_top_pct) == ("story", "Афиша A2", 14)
    assert AuditLog.objects.get(action="format.updated").details["key"] == "story"


def test_deleting_a_format_in_the_admin_audits_it(admin_browser, admin_user):
    fmt = Format.objects.get(key="print-a3")
    response = admin_browser.post(f"/admin/design/format/{fmt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Format.objects.filter(key="print-a3").exists()
    row = AuditLog.objects.get(action="format.deleted")
    assert (row.actor, row.details["key"]) == (admin_user, "print-a3")
