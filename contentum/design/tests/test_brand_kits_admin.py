import pytest

from contentum.audit.models import AuditLog
from contentum.design.models import BrandKit
from contentum.design.services import brand_kit_create
from contentum.design.tests.factories import (
    BrandKitFactory,
    font_upload,
    latin_only_font_bytes,
    logo_upload,
    stored_files,
)

pytestmark = pytest.mark.django_db

ADD = "/admin/design/brandkit/add/"
FORM = {
    "name": "Из админки",
    "colors": '[{"hex": "#102030", "role": "primary"}]',
    "title_font": "noto-serif",
    "body_font": "inter",
    "logo_corner": "bottom-right",
    "logo_width_pct": "18",
    "style_words": "",
    "negative_prompt": "",
}


def test_brand_kit_admin_pages_open_in_russian(admin_browser):
    kit = BrandKitFactory(is_active=True)
    listing = admin_browser.get("/admin/design/brandkit/")
    assert listing.status_code == 200
    assert "#1a2b3c" in listing.content.decode()
    assert admin_browser.get(f"/admin/design/brandkit/{kit.pk}/change/").status_code == 200
    assert admin_browser.get(ADD).status_code == 200
    assert "Фирменные стили" in admin_browser.get("/admin/").content.decode()


def test_adding_a_kit_with_a_logo_in_the_admin_stores_and_audits_it(admin_browser, media):
    response = admin_browser.post(ADD, {**FORM, "logo": logo_upload()})
    assert response.status_code == 302, response.content.decode()[:3000]
    kit = BrandKit.objects.get(name="Из админки")
    assert kit.colors == [{"hex": "#102030", "role": "primary"}]
    assert kit.logo.name.startswith("design/logos/")
    assert stored_files(media) == [kit.logo.name]
    assert AuditLog.objects.filter(action="brand_kit.created").count() == 1


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"colors": '[{"hex": "blue", "role": "primary"}]'}, "#rrggbb"),
        ({"logo_width_pct": "50"}, "от 5 до 40"),
        ({"body_font_file": "latin"}, "нет кириллицы"),
        ({"logo": "junk"}, "не распознан"),
    ],
)
def test_the_admin_form_refuses_bad_colours_and_uploads(admin_browser, media, changes, fragment):
    if changes.get("body_font_file") == "latin":
        changes = {"body_font_file": font_upload(latin_only_font_bytes())}
    if changes.get("logo") == "junk":
        changes = {"logo": logo_upload(b"junk")}
    response = admin_browser.post(ADD, {**FORM, **changes})
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not BrandKit.objects.exists()
    assert stored_files(media) == []


def test_the_activate_action_makes_one_kit_active(admin_browser):
    old = BrandKitFactory(is_active=True)
    new = BrandKitFactory()
    response = admin_browser.post(
        "/admin/design/brandkit/",
        {"action": "activate", "_selected_action": [str(new.pk)]},
    )
    assert response.status_code == 302
    assert list(BrandKit.objects.filter(is_active=True)) == [new]
    old.refresh_from_db()
    assert not old.is_active


def test_clearing_the_logo_in_the_admin_removes_it(
    admin_browser, media, django_capture_on_commit_callbacks
):
    kit = brand_kit_create(actor=None, name="С лого", logo=logo_upload())
    form = {**FORM, "name": "С лого", "logo-clear": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(f"/admin/design/brandkit/{kit.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    kit.refresh_from_db()
    assert not kit.logo
    assert stored_files(media) == []


def test_deleting_a_kit_in_the_admin_removes_its_files_and_audits_it(
    admin_browser, admin_user, media, django_capture_on_commit_callbacks
):
    kit = brand_kit_create(actor=None, name="Удаляемый", logo=logo_upload())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(f"/admin/design/brandkit/{kit.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not BrandKit.objects.exists()
    assert stored_files(media) == []
    actions = set(AuditLog.objects.filter(target_id=str(kit.pk)).values_list("action", flat=True))
    assert "brand_kit.deleted" in actions and "admin.deleted" not in actions  # one row
