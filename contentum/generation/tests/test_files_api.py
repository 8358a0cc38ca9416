"""download/, image/, thumbnail/ and the signed links made by share/."""

import io
import time
from datetime import UTC, datetime

import pytest
from PIL import Image

from conftest import client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.generation.models import TaskStatus
from contentum.generation.tests.factories import (
    FinishedTaskFactory,
    GenerationTaskFactory,
    signed_share,
)

URL = "/api/generation-tasks/"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("contentum.generation.tests.urls"),
    pytest.mark.usefixtures("simulation"),
]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_refused(response, status: int) -> None:
    assert response.status_code == status, response
    body = response.json()
    assert body["status"] == "error" and body["message"]


def test_download_is_the_png_as_an_attachment(employee_client, done):
    response = employee_client.get(f"{URL}{done.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="contentum-{done.pk}.png"'
    image = Image.open(io.BytesIO(body_of(response)))
    assert (image.format, image.size) == ("PNG", (256, 256))


def test_image_is_the_same_png_shown_inline(employee_client, done):
    download = body_of(employee_client.get(f"{URL}{done.pk}/download/"))

    response = employee_client.get(f"{URL}{done.pk}/image/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert body_of(response) == download


def test_thumbnail_is_a_small_webp(employee_client, done):
    response = employee_client.get(f"{URL}{done.pk}/thumbnail/", HTTP_ACCEPT="image/webp")

    assert (response.status_code, response["Content-Type"]) == (200, "image/webp")
    thumbnail = Image.open(io.BytesIO(body_of(response)))
    assert thumbnail.format == "WEBP" and max(thumbnail.size) <= 256


def test_an_attempts_own_image_is_served_to_its_owner(employee_client, done):
    response = employee_client.get(f"{URL}{done.pk}/attempts/1/image/")
    missing = employee_client.get(f"{URL}{done.pk}/attempts/7/image/")

    assert response.status_code == 200 and body_of(response).startswith(b"\x89PNG")
    assert_refused(missing, 404)


def test_downloading_another_users_image_is_not_found(done):
    stranger = client_for(UserFactory())

    for kind in ("download", "image", "thumbnail", "attempts/1/image"):
        assert_refused(stranger.get(f"{URL}{done.pk}/{kind}/"), 404)


def test_an_admin_may_download_anyones_image(admin_user, done):
    response = client_for(admin_user).get(f"{URL}{done.pk}/download/")

    assert response.status_code == 200


def test_without_a_token_or_a_signature_the_image_needs_a_login(api_client, done):
    assert_refused(api_client.get(f"{URL}{done.pk}/download/"), 401)


def test_an_image_that_is_not_ready_is_not_found_saying_so(employee, employee_client):
    task = GenerationTaskFactory(owner=employee, status=TaskStatus.RUNNING)

    response = employee_client.get(f"{URL}{task.pk}/download/")

    assert_refused(response, 404)
    assert response.json()["message"] == "Изображение ещё не готово: генерация идёт."


def test_a_shared_link_opens_the_image_without_a_token(employee, employee_client, api_client, done):
    response = employee_client.post(f"{URL}{done.pk}/share/")

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    base = f"http://testserver/api/generation-tasks/{done.pk}"
    assert data["url"] == data["download_url"]
    assert data["download_url"].startswith(f"{base}/download/?signature=")
    expires = datetime.fromisoformat(data["expires_at"])
    assert abs((expires - datetime.now(tz=UTC)).total_seconds() - 24 * 3600) < 60
    for name in ("download_url", "image_url", "thumbnail_url"):
        opened = api_client.get(data[name].removeprefix("http://testserver"))
        assert opened.status_code == 200, name
        assert body_of(opened)
    shared = AuditLog.objects.get(action="generation.shared")
    assert (shared.actor, shared.target_id) == (employee, str(done.pk))


def test_an_expired_signature_is_forbidden(settings, api_client, done):
    _, signature = signed_share(done, ttl_seconds=60, now=time.time() - 120)

    response = api_client.get(f"{URL}{done.pk}/download/", {"signature": signature})

    assert_refused(response, 403)
    assert "истёк" in response.json()["message"]


@pytest.mark.parametrize(
    "forge",
    [
        lambda signature: signature[:-2] + ("AA" if not signature.endswith("AA") else "BB"),
        lambda signature: "garbage",
        lambda signature: "",
    ],
    ids=["tampered", "garbage", "empty"],
)
def test_a_forged_signature_is_forbidden(api_client, done, forge):
    _, signature = signed_share(done)

    response = api_client.get(f"{URL}{done.pk}/image/", {"signature": forge(signature)})

    assert_refused(response, 403)


def test_a_signature_opens_only_the_task_it_was_made_for(employee, api_client, done, queue_task):
    other = queue_task(max_attempts=1)
    _, signature = signed_share(done)

    response = api_client.get(f"{URL}{other.pk}/download/", {"signature": signature})

    assert_refused(response, 403)


def test_only_a_finished_image_can_be_shared(employee, employee_client):
    failed = FinishedTaskFactory(owner=employee)

    response = employee_client.post(f"{URL}{failed.pk}/share/")

    assert_refused(response, 409)
    assert not AuditLog.objects.filter(action="generation.shared").exists()


def test_another_users_image_cannot_be_shared(done):
    assert_refused(client_for(UserFactory()).post(f"{URL}{done.pk}/share/"), 404)
