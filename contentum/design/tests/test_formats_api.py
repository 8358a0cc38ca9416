import pytest
from django.db import IntegrityError, transaction

from conftest import client_for
from contentum.accounts.tests.factories import AdminFactory
from contentum.audit.models import AuditLog
from contentum.design.models import Format
from contentum.design.tests.factories import FormatFactory

URL = "/api/formats/"
FIELDS = {
    "id",
    "key",
    "name",
    "platform",
    "platform_label",
    "width",
    "height",
    "aspect_ratio",
    "ratio",
    "safe_top_pct",
    "safe_right_pct",
    "safe_bottom_pct",
    "safe_left_pct",
    "is_active",
    "sort_order",
    "createdAt",
    "updatedAt",
}
NEW = {"key": "telegram-post", "name": "Пост Telegram 3:2", "width": 1200, "height": 800}
DEFAULT_SIZES = {
    "square": (1080, 1080),
    "post-4x5": (1080, 1350),
    "story": (1080, 1920),
    "landscape-hd": (1280, 720),
    "landscape-fullhd": (1920, 1080),
    "vk-cover": (1590, 400),
    "print-a3": (1754, 2480),
}


def assert_refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error"
    assert body["message"]
    if field:
        assert field in body["errors"], body
    return body


def unchanged_world() -> tuple:
    return (
        list(
            Format.objects.order_by("key").values_list(
                *sorted(
                    FIELDS - {"platform_label", "aspect_ratio", "ratio", "createdAt", "updatedAt"}
                )
            )
        ),
        AuditLog.objects.count(),
    )


@pytest.mark.django_db
def test_the_default_formats_exist_after_migrate_with_their_exact_sizes():
    formats = {f.key: f for f in Format.objects.all()}
    assert {key: (f.width, f.height) for key, f in formats.items()} == DEFAULT_SIZES
    assert all(f.is_active for f in formats.values())
    story = formats["story"]
    assert story.name == "Истории / клипы 9:16"
    safe = (story.safe_top_pct, story.safe_right_pct, story.safe_bottom_pct, story.safe_left_pct)
    assert safe == (14, 0, 20, 0)
    others = [f for key, f in formats.items() if key != "story"]
    assert all(f.safe_top_pct == f.safe_bottom_pct == 0 for f in others)
    assert formats["vk-cover"].platform == "vk"
    assert formats["print-a3"].platform == "print"


@pytest.mark.django_db
def test_employees_list_the_active_formats_in_menu_order(employee_client):
    response = employee_client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert [row["key"] for row in body["results"]] == list(DEFAULT_SIZES)
    story = next(row for row in body["results"] if row["key"] == "story")
    assert set(story) == FIELDS
    assert (story["aspect_ratio"], story["width"], story["height"]) == ("9:16", 1080, 1920)
    assert story["ratio"] == pytest.approx(0.5625)
    assert (story["safe_top_pct"], story["safe_bottom_pct"]) == (14, 20)
    assert story["platform_label"] == "Любая площадка"


@pytest.mark.django_db
def test_formats_are_retrieved_by_key_with_or_without_the_slash(employee_client):
    assert employee_client.get(f"{URL}print-a3/").json()["aspect_ratio"] == "877:1240"
    assert employee_client.get(f"{URL}vk-cover").json()["aspect_ratio"] == "159:40"
    assert_refused(employee_client.get(f"{URL}no-such-format/"), 404)


@pytest.mark.django_db
def test_the_list_filters_by_platform_and_activity_searches_and_orders(admin_client_api):
    Format.objects.filter(key="landscape-hd").update(is_active=False)

    def keys(**params) -> list[str]:
        response = admin_client_api.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["key"] for row in response.json()["results"]]

    assert keys(platform="vk") == ["vk-cover"]
    assert keys(platform="print") == ["print-a3"]
    assert keys(is_active="false") == ["landscape-hd"]
    assert keys(search="истории") == ["story"]
    assert keys(search="landscape") == ["landscape-hd", "landscape-fullhd"]
    assert keys(ordering="-width")[:2] == ["landscape-fullhd", "print-a3"]
    assert keys(ordering="height")[0] == "vk-cover"
    assert_refused(admin_client_api.get(URL, {"platform": "instagram"}), 400, "platform")


@pytest.mark.django_db
def test_employees_do_not_see_inactive_formats_admins_do(employee_client, admin_client_api):
    Format.objects.filter(key="vk-cover").update(is_active=False)

    assert "vk-cover" not in [r["key"] for r in employee_client.get(URL).json()["results"]]
    assert_refused(employee_client.get(f"{URL}vk-cover/"), 404)
    assert admin_client_api.get(f"{URL}vk-cover/").json()["is_active"] is False


@pytest.mark.django_db
def test_anonymous_callers_are_refused(api_client):
    assert_refused(api_client.get(URL), 401)
    assert_refused(api_client.post(URL, NEW, format="json"), 401)


@pytest.mark.django_db
def test_employees_cannot_create_edit_or_delete_formats(employee_client):
    before = unchanged_world()
    assert_refused(employee_client.post(URL, NEW, format="json"), 403)
    assert_refused(employee_client.patch(f"{URL}story/", {"width": 720}, format="json"), 403)
    assert_refused(employee_client.delete(f"{URL}story/"), 403)
    assert unchanged_world() == before


@pytest.mark.django_db
def test_admin_creates_a_format_with_an_audit_row(admin_client_api, admin_user):
    response = admin_client_api.post(
        URL, {**NEW, "platform": "telegram", "safe_bottom_pct": 12.5}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert (body["aspect_ratio"], body["platform"], body["safe_bottom_pct"]) == (
        "3:2",
        "telegram",
        12.5,
    )
    assert (body["is_active"], body["sort_order"]) == (True, 0)
    created = Format.objects.get(key="telegram-post")
    assert created.canvas().safe_box.bottom == 800 - 100
    row = AuditLog.objects.get(action="format.created")
    assert (row.actor, row.target_id, row.details["key"]) == (
        admin_user,
        str(created.pk),
        "telegram-post",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "fields", "fragment"),
    [
        ({"width": 4097}, ["width"], "4096"),
        ({"height": 5000}, ["height"], "4096"),
        ({"width": 63}, ["width"], "от 64"),
        ({"height": 0}, ["height"], "от 64"),
        (
            {"safe_top_pct": 50, "safe_bottom_pct": 40},
            ["safe_top_pct", "safe_bottom_pct"],
            "не оставляет места",
        ),
        (
            {"safe_left_pct": 45, "safe_right_pct": 45},
            ["safe_left_pct", "safe_right_pct"],
            "не оставляет места",
        ),
        ({"safe_top_pct": 51}, ["safe_top_pct"], "от 0 до 50"),
        ({"safe_left_pct": -1}, ["safe_left_pct"], "от 0 до 50"),
        ({"key": "Bad Key"}, ["key"], "латинских"),
        ({"key": "story"}, ["key"], "уже есть"),
        ({"width": "1080"}, ["width"], "целое"),
        ({"width": 1080.0}, ["width"], "целое"),
        ({"safe_top_pct": "10"}, ["safe_top_pct"], "число"),
        ({"name": ""}, ["name"], ""),
        ({"platform": "instagram"}, ["platform"], "instagram"),
        ({"is_active": "yes"}, ["is_active"], ""),
        ({"dpi": 300}, ["dpi"], "Неизвестное"),
    ],
)
def test_bad_format_input_is_refused_naming_the_problem_and_writes_nothing(
    admin_client_api, body, fields, fragment
):
    before = unchanged_world()

    created = admin_client_api.post(URL, {**NEW, **body}, format="json")

    for field in fields:
        assert_refused(created, 400, field)
        assert fragment in " ".join(created.json()["errors"][field])
    if len(fields) == 1 and fragment:
        assert (
            fragment in created.json()["message"]
            or created.json()["message"] == "Проверьте введённые данные"
        )
    edited = admin_client_api.patch(f"{URL}square/", body, format="json")
    if body != {"key": "story"}:  # the key rule on an edit is its own test
        assert_refused(edited, 400, fields[0])
    assert unchanged_world() == before


@pytest.mark.django_db
def test_the_safe_zone_message_says_what_is_wrong(admin_client_api):
    response = admin_client_api.post(
        URL, {**NEW, "safe_top_pct": 50, "safe_bottom_pct": 45}, format="json"
    )
    assert_refused(response, 400, "safe_top_pct")
    message = response.json()["errors"]["safe_top_pct"][0]
    assert "сверху 50 % + снизу 45 % = 95 %" in message
    assert "меньше 90 %" in message


@pytest.mark.django_db
def test_an_edit_is_checked_against_the_values_it_keeps(admin_client_api):
    """With 45 % kept at the top, 45 % at the bottom leaves no room; 44 % does."""
    top = admin_client_api.patch(f"{URL}story/", {"safe_top_pct": 45}, format="json")
    assert top.status_code == 200, top.content

    refused = admin_client_api.patch(f"{URL}story/", {"safe_bottom_pct": 45}, format="json")
    assert_refused(refused, 400, "safe_bottom_pct")
    assert "= 90 %" in refused.json()["message"]
    assert Format.objects.get(key="story").safe_bottom_pct == 20

    accepted = admin_client_api.patch(f"{URL}story/", {"safe_bottom_pct": 44}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["safe_top_pct"], accepted.json()["safe_bottom_pct"]) == (45, 44)
    fields = [row.details["fields"] for row in AuditLog.objects.filter(action="format.updated")]
    assert sorted(fields) == [["safe_bottom_pct"], ["safe_top_pct"]]


@pytest.mark.django_db
def test_a_key_is_fixed_once_created(admin_client_api):
    same = admin_client_api.patch(f"{URL}story/", {"key": "story", "name": "Сторис"}, format="json")
    assert same.status_code == 200, same.content
    renamed = admin_client_api.patch(f"{URL}story/", {"key": "stories"}, format="json")
    assert_refused(renamed, 400, "key")
    assert "не меняется" in renamed.json()["message"]
    assert Format.objects.filter(key="story", name="Сторис").exists()


@pytest.mark.django_db
def test_an_edit_that_changes_nothing_writes_no_audit_row(admin_client_api):
    response = admin_client_api.patch(f"{URL}story/", {"width": 1080}, format="json")
    assert response.status_code == 200
    assert not AuditLog.objects.filter(action="format.updated").exists()


@pytest.mark.django_db
def test_put_is_not_offered(admin_client_api):
    assert_refused(admin_client_api.put(f"{URL}story/", NEW, format="json"), 405)


@pytest.mark.django_db
def test_admin_deletes_a_format_with_an_audit_row(admin_client_api):
    fmt = FormatFactory()
    response = admin_client_api.delete(f"{URL}{fmt.key}/")
    assert response.status_code == 204
    assert not Format.objects.filter(pk=fmt.pk).exists()
    assert AuditLog.objects.get(action="format.deleted").details["key"] == fmt.key


@pytest.mark.django_db
def test_the_database_refuses_sizes_and_safe_zones_out_of_range():
    for values in (
        {"width": 4097},
        {"height": 63},
        {"safe_top_pct": 50, "safe_bottom_pct": 40},
        {"safe_left_pct": 60},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            FormatFactory(**values)


@pytest.mark.django_db
def test_the_format_list_takes_three_queries_however_many_formats(
    django_assert_num_queries, employee
):
    client = client_for(employee)
    with django_assert_num_queries(3):  # the account, the count, the page
        assert client.get(URL).json()["count"] == 7
    FormatFactory.create_batch(30)
    with django_assert_num_queries(3):
        assert client.get(URL, {"page_size": 100}).json()["count"] == 37


@pytest.mark.django_db
def test_admins_list_in_the_same_three_queries(django_assert_num_queries):
    client = client_for(AdminFactory())
    FormatFactory.create_batch(5, is_active=False)
    with django_assert_num_queries(3):
        assert client.get(URL).json()["count"] == 12
