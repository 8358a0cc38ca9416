"""Share links are stored and revocable: a signed download opens only while its link is
live. Revoking is audited, as making one is."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from conftest import client_for
from contentum.accounts.tests.factories import AdminFactory, UserFactory
from contentum.audit.models import AuditLog
from contentum.generation import events, sharing
from contentum.generation.models import ShareLink
from contentum.generation.tests.factories import signed_share

URL = "/api/generation-tasks/"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("contentum.generation.tests.urls"),
    pytest.mark.usefixtures("simulation"),
]


def share(client, task) -> dict:
    response = client.post(f"{URL}{task.pk}/share/")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def opens(client, link: str) -> bool:
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code in (200, 403), response.content
    return response.status_code == 200


def test_each_share_is_stored_with_its_maker_and_expiry_and_named_in_the_answer(
    employee, employee_client, done
):
    data = share(employee_client, done)

    link = ShareLink.objects.get(pk=data["share_id"])
    assert (link.task, link.created_by, link.revoked_at) == (done, employee, None)
    assert link.expires_at == datetime.fromisoformat(data["expires_at"])
    audit = AuditLog.objects.get(action="generation.shared")
    assert audit.details["share"] == data["share_id"]


def test_a_revoked_link_opens_nothing_and_the_revocation_is_audited(
    employee, employee_client, api_client, done
):
    data = share(employee_client, done)
    assert opens(api_client, data["download_url"])

    response = employee_client.delete(f"{URL}{done.pk}/share/{data['share_id']}/")

    assert response.status_code == 200, response.content
    assert response.json()["data"]["revoked_at"]
    for name in ("download_url", "image_url", "thumbnail_url"):
        refused = api_client.get(data[name].removeprefix("http://testserver"))
        assert refused.status_code == 403, name
        assert refused.json()["status"] == "error"
    revoked = AuditLog.objects.get(action=events.SHARE_REVOKED)
    assert (revoked.actor, revoked.target_id) == (employee, str(done.pk))
    assert revoked.details == {"shares": [data["share_id"]]}


def test_revoking_one_link_leaves_the_others_open(employee_client, api_client, done):
    first, second = share(employee_client, done), share(employee_client, done)

    employee_client.delete(f"{URL}{done.pk}/share/{first['share_id']}/")

    assert not opens(api_client, first["image_url"])
    assert opens(api_client, second["image_url"])


def test_delete_on_share_revokes_every_link_of_the_task(employee_client, api_client, done):
    links = [share(employee_client, done) for _ in range(2)]

    response = employee_client.delete(f"{URL}{done.pk}/share/")

    assert response.status_code == 200, response.content
    assert response.json()["data"] == {"revoked": 2}
    assert not any(opens(api_client, link["download_url"]) for link in links)
    assert AuditLog.objects.filter(action=events.SHARE_REVOKED).count() == 1


def test_revoking_a_revoked_link_again_changes_nothing(employee_client, done):
    data = share(employee_client, done)
    url = f"{URL}{done.pk}/share/{data['share_id']}/"
    first = employee_client.delete(url).json()["data"]["revoked_at"]

    again = employee_client.delete(url)

    assert again.status_code == 200
    assert again.json()["data"]["revoked_at"] == first
    assert AuditLog.objects.filter(action=events.SHARE_REVOKED).count() == 1


def test_only_who_may_see_the_task_may_revoke_its_links(employee_client, done):
    data = share(employee_client, done)
    url = f"{URL}{done.pk}/share/{data['share_id']}/"

    assert client_for(UserFactory()).delete(url).status_code == 404
    assert client_for(UserFactory()).delete(f"{URL}{done.pk}/share/").status_code == 404
    assert client_for(AdminFactory()).delete(url).status_code == 200


def test_a_link_of_another_task_is_not_found_under_this_one(employee_client, done, queue_task):
    other = queue_task(max_attempts=1)
    data = share(employee_client, other)

    response = employee_client.delete(f"{URL}{done.pk}/share/{data['share_id']}/")

    assert response.status_code == 404
    assert response.json()["message"] == sharing.SHARE_NOT_FOUND
    assert ShareLink.objects.get(pk=data["share_id"]).revoked_at is None


def test_a_link_dies_when_its_owner_is_deactivated(employee, employee_client, api_client, done):
    data = share(employee_client, done)

    employee.is_active = False
    employee.save(update_fields=["is_active"])

    assert not opens(api_client, data["download_url"])


def test_a_link_made_by_an_admin_dies_when_the_admin_is_deactivated(api_client, done):
    admin = AdminFactory()
    data = share(client_for(admin), done)

    admin.is_active = False
    admin.save(update_fields=["is_active"])

    assert not opens(api_client, data["download_url"])


def test_a_link_dies_with_its_task(employee_client, api_client, done):
    data = share(employee_client, done)

    done.delete()

    assert not ShareLink.objects.exists()
    response = api_client.get(data["download_url"].removeprefix("http://testserver"))
    assert response.status_code == 403


def test_a_stored_link_past_its_expiry_is_refused(api_client, done):
    link, signature = signed_share(done)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api_client.get(f"{URL}{done.pk}/download/", {"signature": signature})

    assert response.status_code == 403


def test_a_signature_that_names_no_stored_link_opens_nothing(api_client, done):
    unstored = sharing.sign(done.pk, ttl_seconds=3600)  # valid, but nothing can revoke it

    response = api_client.get(f"{URL}{done.pk}/download/", {"signature": unstored.signature})

    assert response.status_code == 403


def test_a_download_without_the_trailing_slash_is_the_file_not_a_redirect(
    employee_client, api_client, done
):
    data = share(employee_client, done)

    own = employee_client.get(f"{URL}{done.pk}/download")
    shared = api_client.get(
        data["download_url"].removeprefix("http://testserver").replace("/download/?", "/download?")
    )

    assert (own.status_code, own["Content-Type"]) == (200, "image/png")
    assert (shared.status_code, shared["Content-Type"]) == (200, "image/png")
