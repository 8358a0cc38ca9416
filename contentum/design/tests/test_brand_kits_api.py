import json

import pytest
from django.db import IntegrityError, transaction

from conftest import client_for
from contentum.audit.models import AuditLog
from contentum.design.models import BrandKit
from contentum.design.services import brand_kit_create
from contentum.design.tests.factories import BrandKitFactory

URL = "/api/brand-kits/"
FIELDS = {
    "id",
    "name",
    "colors",
    "title_font",
    "body_font",
    "title_font_uploaded",
    "body_font_uploaded",
    "logo_url",
    "logo_corner",
    "logo_width_pct",
    "is_active",
    "style_words",
    "negative_prompt",
    "createdAt",
    "updatedAt",
}
PUBLIC_FIELDS = FIELDS - {"is_active", "style_words", "negative_prompt", "createdAt", "updatedAt"}
COLORS = [
    {"hex": "#1A2B3C", "role": "primary"},
    {"hex": "#ff8800", "role": "accent"},
    {"hex": "#fafafa", "role": "text"},
]
NEW = {
    "name": "Театр «Чайка»",
    "colors": COLORS,
    "title_font": "inter",
    "body_font": "noto-serif",
    "logo_corner": "top-left",
    "logo_width_pct": 12,
    "style_words": "бархатный занавес, тёплый свет",
    "negative_prompt": "неон",
}


def assert_refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error"
    assert body["message"]
    if field:
        assert field in body["errors"], body
    return body


def world() -> tuple:
    return (
        list(BrandKit.objects.order_by("name").values()),
        AuditLog.objects.count(),
    )


@pytest.mark.django_db
def test_admin_creates_a_kit_from_json_with_an_audit_row(admin_client_api, admin_user):
    response = admin_client_api.post(URL, NEW, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert body["colors"][0] == {"hex": "#1a2b3c", "role": "primary"}  # stored lower-case
    assert (body["title_font"], body["body_font"], body["logo_corner"]) == (
        "inter",
        "noto-serif",
        "top-left",
    )
    assert (body["logo_url"], body["is_active"], body["logo_width_pct"]) == (None, False, 12)
    assert body["title_font_uploaded"] is False
    row = AuditLog.objects.get(action="brand_kit.created")
    assert (row.actor, row.target_id) == (admin_user, body["id"])


@pytest.mark.django_db
def test_a_kit_needs_only_a_name(admin_client_api):
    response = admin_client_api.post(URL, {"name": "Пустой"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["colors"], body["title_font"], body["body_font"]) == ([], "noto-serif", "inter")
    assert (body["logo_corner"], body["logo_width_pct"]) == ("bottom-right", 18)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"colors": [{"hex": "#12345", "role": "primary"}]}, "colors.0.hex", "#rrggbb"),
        ({"colors": [{"hex": "red", "role": "primary"}]}, "colors.0.hex", "«red»"),
        ({"colors": [{"hex": "#GGGGGG", "role": "primary"}]}, "colors.0.hex", "#rrggbb"),
        ({"colors": [{"hex": "#1234567", "role": "primary"}]}, "colors.0.hex", "#rrggbb"),
        ({"colors": [{"hex": 123456, "role": "primary"}]}, "colors.0.hex", "#rrggbb"),
        ({"colors": [{"hex": "#123456", "role": "background"}]}, "colors.0.role", "background"),
        ({"colors": [{"hex": "#123456"}]}, "colors.0.role", "primary, accent, text"),
        (
            {"colors": [{"hex": "#123456", "role": "text"}, {"hex": "#000000", "role": "text"}]},
            "colors",
            "только один",
        ),
        ({"colors": [{"hex": "#123456", "role": "text", "alpha": 1}]}, "colors.0", "alpha"),
        ({"colors": ["#123456"]}, "colors.0", "объект"),
        ({"colors": {"hex": "#123456"}}, "colors", "список"),
        ({"colors": [{"hex": "#123456", "role": "accent"}] * 13}, "colors", "12"),
        ({"title_font": "comic-sans"}, "title_font", "comic-sans"),
        ({"body_font": "arial"}, "body_font", "inter"),
        ({"logo_corner": "center"}, "logo_corner", "center"),
        ({"logo_width_pct": 4}, "logo_width_pct", "от 5 до 40"),
        ({"logo_width_pct": 41}, "logo_width_pct", "от 5 до 40"),
        ({"logo_width_pct": "18"}, "logo_width_pct", "число"),
        ({"name": ""}, "name", ""),
        ({"name": "   "}, "name", "пуст"),
        ({"style_words": "я" * 501}, "style_words", "500"),
        ({"negative_prompt": "я" * 501}, "negative_prompt", "500"),
        ({"is_active": "yes"}, "is_active", ""),
        ({"logo": "iVBORw0KGgo="}, "logo", ""),
        ({"palette": []}, "palette", "Неизвестное"),
    ],
)
def test_bad_kit_input_is_refused_naming_the_problem_and_writes_nothing(
    admin_client_api, body, field, fragment
):
    kit = BrandKitFactory(name="Уже есть")
    before = world()

    created = admin_client_api.post(URL, {**NEW, **body}, format="json")
    assert_refused(created, 400, field)
    assert fragment in " ".join(created.json()["errors"][field])

    edited = admin_client_api.patch(f"{URL}{kit.id}/", body, format="json")
    assert_refused(edited, 400, field)
    assert world() == before


@pytest.mark.django_db
def test_one_bad_colour_is_the_message_itself(admin_client_api):
    colors = [{"hex": "#123456", "role": "primary"}, {"hex": "#zzz", "role": "accent"}]
    response = admin_client_api.post(URL, {**NEW, "colors": colors}, format="json")
    body = assert_refused(response, 400, "colors.1.hex")
    assert body["message"] == "Цвет «#zzz» не в формате #rrggbb (например, #1a2b3c)."


@pytest.mark.django_db
def test_a_taken_name_is_refused(admin_client_api):
    BrandKitFactory(name=NEW["name"])
    assert_refused(admin_client_api.post(URL, NEW, format="json"), 400, "name")
    assert BrandKit.objects.count() == 1


@pytest.mark.django_db
def test_employees_cannot_list_create_edit_activate_or_delete_kits(employee_client):
    kit = BrandKitFactory()
    before = world()
    detail = f"{URL}{kit.id}/"
    assert_refused(employee_client.get(URL), 403)
    assert_refused(employee_client.get(detail), 403)
    assert_refused(employee_client.post(URL, NEW, format="json"), 403)
    assert_refused(employee_client.patch(detail, {"name": "Моё"}, format="json"), 403)
    assert_refused(employee_client.post(f"{detail}activate/"), 403)
    assert_refused(employee_client.delete(detail), 403)
    assert world() == before


@pytest.mark.django_db
def test_anonymous_callers_cannot_even_read_the_active_kit(api_client):
    BrandKitFactory(is_active=True)
    assert_refused(api_client.get(f"{URL}active/"), 401)


@pytest.mark.django_db
def test_employees_read_the_active_kit_or_null(employee_client):
    empty = employee_client.get(f"{URL}active/")
    assert empty.status_code == 200
    assert empty.json() == {
        "status": "success",
        "message": "Фирменный стиль не выбран",
        "data": None,
    }

    kit = BrandKitFactory(is_active=True, name="Филармония")
    BrandKitFactory(name="Другой")
    body = employee_client.get(f"{URL}active/").json()
    assert body["status"] == "success"
    assert set(body["data"]) == PUBLIC_FIELDS
    assert (body["data"]["id"], body["data"]["name"]) == (str(kit.id), "Филармония")
    assert body["data"]["colors"] == kit.colors
    assert body["data"]["logo_url"] is None


@pytest.mark.django_db
def test_activating_switches_the_other_off_with_an_audit_row(admin_client_api, admin_user):
    old = BrandKitFactory(is_active=True, name="Старый")
    new = BrandKitFactory(name="Новый")

    response = admin_client_api.post(f"{URL}{new.id}/activate/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["message"]) == ("success", "Фирменный стиль включён")
    assert (body["data"]["id"], body["data"]["is_active"]) == (str(new.id), True)
    assert list(BrandKit.objects.filter(is_active=True)) == [new]
    old.refresh_from_db()
    assert old.is_active is False
    row = AuditLog.objects.get(action="brand_kit.activated")
    assert (row.actor, row.target_id, row.details["replaced"]) == (
        admin_user,
        str(new.id),
        "Старый",
    )


@pytest.mark.django_db
def test_creating_an_active_kit_switches_the_old_one_off(admin_client_api):
    BrandKitFactory(is_active=True, name="Старый")
    response = admin_client_api.post(URL, {**NEW, "is_active": True}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is True
    assert BrandKit.objects.get(is_active=True).name == NEW["name"]


@pytest.mark.django_db
def test_patching_is_active_false_leaves_no_kit_active(admin_client_api):
    kit = BrandKitFactory(is_active=True)
    response = admin_client_api.patch(f"{URL}{kit.id}/", {"is_active": False}, format="json")
    assert response.status_code == 200, response.content
    assert not BrandKit.objects.filter(is_active=True).exists()
    assert AuditLog.objects.filter(action="brand_kit.deactivated").count() == 1


@pytest.mark.django_db
def test_the_database_allows_only_one_active_kit():
    BrandKitFactory(is_active=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        BrandKitFactory(is_active=True)


@pytest.mark.django_db
def test_an_activation_that_loses_the_race_is_a_conflict_and_changes_nothing(monkeypatch):
    """The second of two simultaneous activations meets the first one's committed row: the
    unique index refuses it, and the service answers 409 instead of a second active kit.
    (The real race runs on PostgreSQL in test_brand_kits_concurrency.py.)"""
    from contentum.common.exceptions import ConflictError
    from contentum.design import services

    winner = BrandKitFactory(name="Первый", is_active=True)
    loser = BrandKitFactory(name="Второй")
    real_filter = BrandKit.objects.filter

    def filter_missing_the_winner(*args, **kwargs):
        # The loser's snapshot predates the winner's commit: it sees no active kit.
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if kwargs == {"is_active": True} else queryset

    monkeypatch.setattr(BrandKit.objects, "filter", filter_missing_the_winner)
    with pytest.raises(ConflictError):
        services.brand_kit_activate(actor=None, kit=loser)
    monkeypatch.undo()

    assert list(BrandKit.objects.filter(is_active=True)) == [winner]
    assert not AuditLog.objects.filter(action="brand_kit.activated").exists()


@pytest.mark.django_db
def test_admin_edits_a_kit_and_the_edit_is_audited(admin_client_api):
    kit = brand_kit_create(actor=None, name="Старое имя", colors=COLORS)
    response = admin_client_api.patch(
        f"{URL}{kit.id}/", {"name": "Новое имя", "logo_corner": "top-right"}, format="json"
    )
    assert response.status_code == 200, response.content
    kit.refresh_from_db()
    assert (kit.name, kit.logo_corner, len(kit.colors)) == ("Новое имя", "top-right", 3)
    row = AuditLog.objects.get(action="brand_kit.updated")
    assert sorted(row.details["fields"]) == ["logo_corner", "name"]


@pytest.mark.django_db
def test_admin_deletes_a_kit_with_an_audit_row(admin_client_api):
    kit = BrandKitFactory(is_active=True)
    assert admin_client_api.delete(f"{URL}{kit.id}/").status_code == 204
    assert not BrandKit.objects.exists()
    assert AuditLog.objects.get(action="brand_kit.deleted").details["was_active"] is True


@pytest.mark.django_db
def test_the_admin_list_filters_searches_and_orders(admin_client_api):
    BrandKitFactory(name="Бета", is_active=True)
    BrandKitFactory(name="Альфа", style_words="акварель")
    BrandKitFactory(name="Гамма")

    def names(**params) -> list[str]:
        response = admin_client_api.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names() == ["Альфа", "Бета", "Гамма"]
    assert names(is_active="true") == ["Бета"]
    assert names(search="акварел") == ["Альфа"]
    assert names(ordering="-name") == ["Гамма", "Бета", "Альфа"]


@pytest.mark.django_db
def test_the_kit_list_takes_three_queries_however_many_kits(django_assert_num_queries, admin_user):
    client = client_for(admin_user)
    BrandKitFactory()
    with django_assert_num_queries(3):  # the account, the count, the page
        assert client.get(URL).json()["count"] == 1
    BrandKitFactory.create_batch(25)
    with django_assert_num_queries(3):
        assert client.get(URL, {"page_size": 100}).json()["count"] == 26


@pytest.mark.django_db
def test_reading_the_active_kit_takes_two_queries(django_assert_num_queries, employee):
    client = client_for(employee)
    BrandKitFactory(is_active=True)
    with django_assert_num_queries(2):  # the account, the kit
        assert client.get(f"{URL}active/").json()["data"]


@pytest.mark.django_db
def test_colours_arrive_as_json_text_in_a_multipart_form(admin_client_api):
    form = {"name": "Из формы", "colors": json.dumps(COLORS), "is_active": "true"}
    response = admin_client_api.post(URL, form, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is True
    assert len(response.json()["colors"]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"colors": "[{"}, "colors"),
        ({"colors": json.dumps([{"hex": "#12", "role": "text"}])}, "colors.0.hex"),
        ({"is_active": "yes"}, "is_active"),
        ({"logo_width_pct": "широкий"}, "logo_width_pct"),
        ({"logo_width_pct": "nan"}, "logo_width_pct"),
    ],
)
def test_bad_multipart_values_are_refused(admin_client_api, form, field):
    response = admin_client_api.post(URL, {"name": "Из формы", **form}, format="multipart")
    assert_refused(response, 400, field)
    assert not BrandKit.objects.exists()
