"""Deletions made in the Django admin are written to the audit log, like the API's."""

import pytest

from contentum.audit.models import AuditLog
from contentum.chats.models import Chat
from contentum.chats.tests.factories import make_chat

pytestmark = pytest.mark.django_db


def deletions() -> list[tuple]:
    return list(
        AuditLog.objects.filter(action="admin.deleted").values_list(
            "actor_id", "target_type", "target_id"
        )
    )


def test_deleting_one_chat_on_its_delete_page_is_audited(admin_browser, admin_user, employee):
    chat = make_chat(employee)

    response = admin_browser.post(f"/admin/chats/chat/{chat.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Chat.objects.filter(pk=chat.pk).exists()
    assert deletions() == [(admin_user.pk, "chats.chat", str(chat.pk))]


def test_deleting_a_selection_is_audited_once_per_object(admin_browser, admin_user, employee):
    from contentum.accounts.tests.factories import UserFactory

    chats = [make_chat(employee), make_chat(UserFactory())]

    response = admin_browser.post(
        "/admin/chats/chat/",
        {
            "action": "delete_selected",
            "_selected_action": [str(chat.pk) for chat in chats],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Chat.objects.exists()
    assert sorted(deletions()) == sorted(
        (admin_user.pk, "chats.chat", str(chat.pk)) for chat in chats
    )


def test_deleting_an_account_in_the_admin_is_audited(admin_browser, admin_user):
    from contentum.accounts.models import User
    from contentum.accounts.tests.factories import UserFactory

    account = UserFactory()

    response = admin_browser.post(f"/admin/accounts/user/{account.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=account.pk).exists()
    assert deletions() == [(admin_user.pk, "accounts.user", str(account.pk))]


def test_every_model_the_admin_may_delete_is_audited(rf, admin_user):
    from django.contrib import admin

    from contentum.audit.admin import AuditedDeletionsAdmin
    from contentum.design.models import BrandKit, Format
    from contentum.prompts.models import PromptTemplate

    # Deleted through their services (`template_delete`, `format_delete`, `brand_kit_delete`),
    # which audit each as its own event.
    audited_by_their_service = {PromptTemplate, Format, BrandKit}
    request = rf.get("/admin/")
    request.user = admin_user
    deletable = [
        entry["model"]
        for app in admin.site.get_app_list(request)
        for entry in app["models"]
        if admin.site.get_model_admin(entry["model"]).has_delete_permission(request)
    ]

    assert deletable  # chats, tasks, scenarios, accounts, blacklist entries…
    for model in set(deletable) - audited_by_their_service:
        assert isinstance(admin.site.get_model_admin(model), AuditedDeletionsAdmin), model


def test_a_template_deleted_in_the_admin_is_audited_by_its_service(admin_browser, admin_user):
    from contentum.prompts.events import TEMPLATE_DELETED
    from contentum.prompts.tests.factories import make_template

    template = make_template(name="Старый")

    response = admin_browser.post(
        f"/admin/prompts/prompttemplate/{template.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert list(
        AuditLog.objects.filter(action=TEMPLATE_DELETED).values_list("actor_id", "target_id")
    ) == [(admin_user.pk, str(template.pk))]
