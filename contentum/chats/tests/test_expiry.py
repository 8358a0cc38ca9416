from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.celery import app as celery_app
from contentum.chats.models import Chat, Message
from contentum.chats.services import chats_expire
from contentum.chats.tests.factories import make_chat


@pytest.mark.django_db
def test_unanswered_chats_expire_after_ten_minutes():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        temporary = make_chat(UserFactory())
        answered = make_chat(UserFactory(), answers=1)

    with time_machine.travel(start + timedelta(minutes=9, seconds=59), tick=False):
        assert chats_expire() == 0
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert chats_expire() == 1

    assert not Chat.objects.filter(pk=temporary.pk).exists()
    assert not Message.objects.filter(chat_id=temporary.pk).exists()
    assert Chat.objects.filter(pk=answered.pk).exists()
    row = AuditLog.objects.get(action="chat.expired")
    assert row.target_id == str(temporary.pk)
    assert row.actor_id is None  # the system removed it, not the owner
    assert row.details["owner"] == str(temporary.user_id)


@pytest.mark.django_db
def test_expiry_works_in_batches_with_one_audit_row_each():
    past = timezone.now() - timedelta(minutes=30)
    with time_machine.travel(past, tick=False):
        for _ in range(7):
            make_chat(UserFactory())
    assert chats_expire(batch_size=3) == 7
    assert AuditLog.objects.filter(action="chat.expired").count() == 7


@pytest.mark.django_db
def test_the_management_command_expires_chats(capsys):
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        make_chat(UserFactory())
    call_command("expire_chats")
    assert "1" in capsys.readouterr().out
    assert not Chat.objects.exists()


def test_the_expiry_job_is_registered_with_beat_every_minute():
    celery_app.loader.import_default_modules()
    schedule = celery_app.conf.beat_schedule
    entry = next(e for e in schedule.values() if e["task"] == "chats.expire_temporary_chats")
    assert entry["schedule"] == 60
    assert "chats.expire_temporary_chats" in celery_app.tasks


@pytest.mark.django_db
def test_a_deleted_temporary_chat_also_expires():
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        chat = make_chat(UserFactory())
    Chat.objects.filter(pk=chat.pk).update(is_active=False)
    assert chats_expire() == 1
