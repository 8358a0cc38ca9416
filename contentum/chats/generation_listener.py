"""Tells a chat how its generation ended: the result message and the chat's final status.

Registered with the generation app at start-up; runs inside the transaction that finishes
the task (exactly once per task), so the message and the status commit with it.
"""

from typing import Any

from contentum.chats.failures import failure_kind, failure_text
from contentum.chats.messages import next_seq, save_messages
from contentum.chats.models import Chat, ChatStatus, Message, MessageKind, MessageType
from contentum.generation.models import TaskStatus
from contentum.generation.selectors import poster_summary, task_urls

SUCCESS_HEADLINE = "✅ Генерация завершена!"


def _success_text(task: Any, urls: dict[str, str]) -> str:
    canvas = task.poster_canvas
    if canvas:
        ready = f"Постер {canvas['width']}×{canvas['height']} готов."
    else:
        ready = f"Изображение {task.width}×{task.height} готово."
    lines = [SUCCESS_HEADLINE, ready]
    if task.has_variants:
        lines.append(_variants_line(task))
    if task.attempts > 1:
        lines.append(
            f"Понадобилось попыток: {task.attempts} (проверка качества отсеяла неудачные)."
        )
    if canvas:
        lines.append("Текст на постере можно поправить («Изменить текст») без новой генерации.")
    lines.append("Скачать:")
    lines.append(urls["download_url"])
    return "\n".join(lines)


def _variants_line(task: Any) -> str:
    variants = list(task.variants.all())
    made = sum(1 for v in variants if v.status == TaskStatus.SUCCESS)
    chosen = task.chosen_variant
    return (
        f"Готово вариантов: {made} из {len(variants)}; по оценке качества лучший — "
        f"№ {chosen.variant_number}. Выбрать другой можно в карточке постера."
    )


def _locked_chat(task: Any) -> Chat | None:
    if task.chat_id is None:
        return None
    return Chat.objects.select_for_update().filter(pk=task.chat_id).first()


def _post(chat: Chat, *, kind: str, text: str, payload: dict, fields: list[str]) -> None:
    message = Message(
        chat=chat,
        seq=next_seq(chat),
        message_type=MessageType.SYSTEM,
        kind=kind,
        content=text,
        payload=payload,
    )
    save_messages(chat, [message], fields=fields)


class ChatGenerationListener:
    def task_finished(self, task: Any) -> None:
        chat = _locked_chat(task)
        if chat is None:
            return
        urls = task_urls(task)
        payload = {"generation_task_id": str(task.pk), "status": task.status, **urls}
        if poster := poster_summary(task):
            payload["poster"] = poster
        if task.status == TaskStatus.SUCCESS:
            status, kind, text = (
                ChatStatus.COMPLETED,
                MessageKind.GENERATION_SUCCEEDED,
                _success_text(task, urls),
            )
        else:
            status, kind = ChatStatus.FAILED, MessageKind.GENERATION_FAILED
            # The employee reads what happened and what to do; the pipeline's own words
            # (attempts, provider, status codes) stay in `reason` for admins and API clients.
            failure = failure_kind(task)
            text = failure_text(failure)
            payload["reason"] = task.last_error
            payload["failure"] = failure.value
        chat.status = status
        _post(chat, kind=kind, text=text, payload=payload, fields=["status"])

    def variant_chosen(self, task: Any, variant: Any) -> None:
        """A later choice adds a message (the success message above stays as it was); its
        last line is the download link, which now serves the chosen variant."""
        chat = _locked_chat(task)
        if chat is None:
            return
        urls = task_urls(task)
        text = f"Выбран вариант № {variant.variant_number}.\nСкачать:\n{urls['download_url']}"
        payload = {"generation_task_id": str(task.pk), "variant": variant.variant_number, **urls}
        _post(chat, kind=MessageKind.NOTICE, text=text, payload=payload, fields=[])


listener = ChatGenerationListener()
