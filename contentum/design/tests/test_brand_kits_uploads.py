"""Logos and fonts sent with a kit: checked before anything is stored, served to readers."""

import json

import pytest
from PIL import Image

from contentum.audit.models import AuditLog
from contentum.design.models import BrandKit
from contentum.design.services import brand_kit_create
from contentum.design.tests.factories import (
    animated_png_bytes,
    cyrillic_font_bytes,
    font_upload,
    jpeg_bytes,
    latin_only_font_bytes,
    logo_upload,
    png_bytes,
    stored_files,
    webp_bytes,
)

URL = "/api/brand-kits/"
COLORS = json.dumps([{"hex": "#102030", "role": "primary"}, {"hex": "#ffffff", "role": "text"}])


def form(**files) -> dict:
    return {"name": "С логотипом", "colors": COLORS, "logo_corner": "top-right", **files}


def assert_refused(response, field: str, fragment: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == "error"
    assert fragment in " ".join(body["errors"][field]), body
    assert fragment in body["message"], body


@pytest.mark.django_db
def test_a_kit_with_a_logo_and_both_fonts_is_stored_under_design(admin_client_api, media):
    response = admin_client_api.post(
        URL,
        form(
            logo=logo_upload(),
            title_font_file=font_upload(),
            body_font_file=font_upload(name="body.TTF"),
        ),
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title_font_uploaded"] is body["body_font_uploaded"] is True
    assert body["logo_url"] == f"http://testserver/api/brand-kits/{body['id']}/logo/"
    kit = BrandKit.objects.get()
    assert kit.logo.name.startswith("design/logos/") and kit.logo.name.endswith(".png")
    assert kit.title_font_file.name.startswith("design/fonts/")
    assert kit.title_font_file.name.endswith(".ttf")
    assert kit.title_font_file.name != kit.body_font_file.name
    assert len(stored_files(media)) == 3
    assert kit.title_font_file.read() == cyrillic_font_bytes()


@pytest.mark.django_db
def test_the_logo_is_served_to_admins_and_while_active_to_everyone(
    admin_client_api, employee_client
):
    kit = brand_kit_create(actor=None, name="Лого", logo=logo_upload(webp_bytes(), "logo.webp"))
    url = f"{URL}{kit.id}/logo/"

    served = admin_client_api.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert b"".join(served.streaming_content) == webp_bytes()
    assert employee_client.get(url).status_code == 404  # not the active kit

    kit.is_active = True
    kit.save()
    assert employee_client.get(url).status_code == 200
    assert employee_client.get(f"{URL}active/").json()["data"]["logo_url"].endswith(url)


@pytest.mark.django_db
def test_a_kit_without_a_logo_answers_404_for_its_logo(admin_client_api):
    kit = brand_kit_create(actor=None, name="Без лого")
    response = admin_client_api.get(f"{URL}{kit.id}/logo/")
    assert response.status_code == 404
    assert response.json()["message"] == "У этого фирменного стиля нет логотипа."


BAD_LOGOS = [
    pytest.param(b"definitely not a picture", "не распознан как изображение", id="not-an-image"),
    pytest.param(animated_png_bytes(), "анимирован", id="animated"),
    pytest.param(jpeg_bytes(), "JPEG", id="jpeg"),
    pytest.param(png_bytes((2100, 8)), "не больше 2048", id="too-many-pixels"),
    pytest.param(png_bytes((16, 16), noise=False)[:40], "", id="truncated"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "fragment"), BAD_LOGOS)
def test_a_bad_logo_with_good_fields_writes_nothing(admin_client_api, media, data, fragment):
    before = AuditLog.objects.count()
    response = admin_client_api.post(
        URL, form(logo=logo_upload(data), title_font_file=font_upload()), format="multipart"
    )
    assert_refused(response, "logo", fragment)
    assert "title_font_file" not in response.json()["errors"]
    assert not BrandKit.objects.exists()
    assert AuditLog.objects.count() == before
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_logo_over_the_byte_limit_is_refused(admin_client_api, media, settings):
    settings.DESIGN_LOGO_MAX_BYTES = 20_000
    big = png_bytes((200, 200), noise=True)
    assert len(big) > 20_000
    response = admin_client_api.post(URL, form(logo=logo_upload(big)), format="multipart")
    assert_refused(response, "logo", "не больше 0,0 МБ")
    assert not BrandKit.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        pytest.param(png_bytes(), "не является шрифтом", id="a-picture"),
        pytest.param(b"\x00\x01\x00\x00" + b"junk" * 50, "не является шрифтом", id="broken"),
        pytest.param(latin_only_font_bytes(), "нет кириллицы", id="latin-only"),
    ],
)
@pytest.mark.parametrize("field", ["title_font_file", "body_font_file"])
def test_a_bad_font_with_good_fields_writes_nothing(admin_client_api, media, field, data, fragment):
    response = admin_client_api.post(
        URL, form(logo=logo_upload(), **{field: font_upload(data)}), format="multipart"
    )
    assert_refused(response, field, fragment)
    assert "logo" not in response.json()["errors"]
    assert not BrandKit.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="brand_kit").exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_font_over_the_byte_limit_is_refused(admin_client_api, media, settings):
    settings.DESIGN_FONT_MAX_BYTES = 10_000
    response = admin_client_api.post(URL, form(body_font_file=font_upload()), format="multipart")
    assert_refused(response, "body_font_file", "больше 0,0 МБ")
    assert stored_files(media) == []


@pytest.mark.django_db
def test_an_empty_upload_is_refused(admin_client_api, media):
    response = admin_client_api.post(URL, form(logo=logo_upload(b"")), format="multipart")
    assert response.status_code == 400
    assert "logo" in response.json()["errors"]
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_bad_upload_on_an_edit_leaves_the_kit_and_its_files_as_they_were(admin_client_api, media):
    kit = brand_kit_create(actor=None, name="Был", logo=logo_upload())
    files = stored_files(media)
    logo_name = kit.logo.name

    response = admin_client_api.patch(
        f"{URL}{kit.id}/",
        {"name": "Стал", "logo": logo_upload(animated_png_bytes())},
        format="multipart",
    )

    assert_refused(response, "logo", "анимирован")
    kit.refresh_from_db()
    assert (kit.name, kit.logo.name) == ("Был", logo_name)
    assert stored_files(media) == files
    assert not AuditLog.objects.filter(action="brand_kit.updated").exists()


@pytest.mark.django_db
def test_a_new_logo_replaces_the_old_file_once_committed(
    admin_client_api, media, django_capture_on_commit_callbacks
):
    kit = brand_kit_create(actor=None, name="Лого", logo=logo_upload())
    old = kit.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(
            f"{URL}{kit.id}/", {"logo": logo_upload(webp_bytes(), "new.webp")}, format="multipart"
        )

    assert response.status_code == 200, response.content
    kit.refresh_from_db()
    assert kit.logo.name.endswith(".webp")
    assert stored_files(media) == [kit.logo.name]
    assert old not in stored_files(media)
    assert AuditLog.objects.get(action="brand_kit.updated").details["fields"] == ["logo"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "format"),
    [({"logo": None}, "json"), ({"logo": ""}, "multipart")],
    ids=["json-null", "empty-form-field"],
)
def test_a_logo_is_removed_by_null_or_an_empty_form_field(
    admin_client_api, media, django_capture_on_commit_callbacks, body, format
):
    kit = brand_kit_create(
        actor=None, name="Лого", logo=logo_upload(), body_font_file=font_upload()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(f"{URL}{kit.id}/", body, format=format)

    assert response.status_code == 200, response.content
    assert response.json()["logo_url"] is None
    assert response.json()["body_font_uploaded"] is True
    kit.refresh_from_db()
    assert not kit.logo
    assert stored_files(media) == [kit.body_font_file.name]


@pytest.mark.django_db
def test_deleting_a_kit_removes_its_files(
    admin_client_api, media, django_capture_on_commit_callbacks
):
    kit = brand_kit_create(
        actor=None, name="Лого", logo=logo_upload(), title_font_file=font_upload()
    )
    assert len(stored_files(media)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client_api.delete(f"{URL}{kit.id}/").status_code == 204

    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_stored_logo_loads_as_the_picture_that_was_sent(admin_client_api):
    response = admin_client_api.post(URL, form(logo=logo_upload()), format="multipart")
    kit = BrandKit.objects.get(pk=response.json()["id"])
    with kit.logo.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert (image.format, image.size) == ("PNG", (64, 32))


@pytest.mark.django_db
def test_files_stored_before_a_lost_name_race_are_removed(monkeypatch, media):
    """The name was free when checked, taken by a concurrent create before the insert:
    the answer is the 400 a taken name gets, and the uploads just stored are removed."""
    from contentum.common.exceptions import ApplicationError
    from contentum.design import services

    checked = services.brand_kit_check

    def check_then_lose_the_race(**kwargs):
        result = checked(**kwargs)
        BrandKit.objects.create(name="Гонка")
        return result

    monkeypatch.setattr(services, "brand_kit_check", check_then_lose_the_race)
    with pytest.raises(ApplicationError) as refused:
        brand_kit_create(actor=None, name="Гонка", logo=logo_upload(), body_font_file=font_upload())

    assert refused.value.errors == {"name": ["Фирменный стиль с таким названием уже есть."]}
    assert stored_files(media) == []
    assert list(BrandKit.objects.values_list("name", "logo")) == [("Гонка", "")]
