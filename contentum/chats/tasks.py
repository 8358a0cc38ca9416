from celery import shared_task

from contentum.chats.services import chats_expire


@shared_task(name="chats.expire_temporary_chats", ignore_result=True)
def expire_temporary_chats() -> int:
    """Periodic (beat): removes temporary chats nobody answered in time."""
    return chats_expire()
