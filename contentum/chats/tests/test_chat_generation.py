"""A finished chat queues a generation; its result comes back as a chat message."""

import io

import pytest
from PIL import Image

from contentum.chats.models import Chat, ChatStatus, Message, MessageKind
from contentum.chats.tests.factories import (
    ALL_ANSWERS,
    ALL_BUT_LAST,
    DEFAULT_ANSWERS,
    FINAL_ANSWER,
    make_chat,
)
from contentum.generation.models import GenerationTask, TaskStatus


def finish_chat(client, chat):
    return client.post(
        "/api/messages/",
        {"chat": str(chat.id), "content": FINAL_ANSWER},
        format="json",
    )


@pytest.mark.django_db
def test_the_final_answer_queues_generation_and_answers_at_once(employee_client, employee):
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    response = finish_chat(employee_client, chat)

    assert response.status_code == 201
    body = response.json()
    assert body["message"].startswith("Flow завершён")
    task = GenerationTask.objects.get(pk=body["data"]["generation_task_id"])
    assert (task.width, task.height) == (576, 1024)  # what the provider draws…
    assert (task.poster_canvas["width"], task.poster_canvas["height"]) == (
        1080,
        1920,
    )  # …the poster
    assert task.poster_text["title"] == DEFAULT_ANSWERS["event_name"]
    assert task.chat_id == chat.id
    assert task.prompt == task.prompt_history.assembled_prompt
    started = body["data"]["system_message"]
    assert started["kind"] == MessageKind.GENERATION_STARTED
    assert "1080×1920" in started["content"]
    assert started["payload"]["format"] == "story"
    chat.refresh_from_db()
    assert chat.status == ChatStatus.GENERATING


@pytest.mark.django_db
def test_a_generated_image_arrives_as_the_success_message(
    employee_client, employee, django_capture_on_commit_callbacks
):
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    with django_capture_on_commit_callbacks(execute=True):
        response = finish_chat(employee_client, chat)

    task_id = response.json()["data"]["generation_task_id"]
    chat.refresh_from_db()
    assert chat.status == ChatStatus.COMPLETED
    result = chat.last_message
    assert result.kind == MessageKind.GENERATION_SUCCEEDED
    assert result.content.startswith("✅ Генерация завершена!")
    download_url = f"http://testserver/api/generation-tasks/{task_id}/download/"
    assert result.content.splitlines()[-1] == download_url
    assert result.payload["download_url"] == download_url
    assert result.payload["thumbnail_url"].endswith(f"/api/generation-tasks/{task_id}/thumbnail/")

    download = employee_client.get(download_url)
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    image = Image.open(io.BytesIO(b"".join(download.streaming_content)))
    assert image.format == "PNG"
    assert image.size == (1080, 1920)  # a 9:16 brief gives a story poster
    assert "Постер 1080×1920 готов." in result.content


@pytest.mark.django_db
def test_a_failed_generation_posts_the_reason_and_how_to_retry(
    employee_client, employee, django_capture_on_commit_callbacks, settings
):
    settings.SIMULATION_FAILURE_MODE = "blank"
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    with django_capture_on_commit_callbacks(execute=True):
        response = finish_chat(employee_client, chat)

    task = GenerationTask.objects.get(pk=response.json()["data"]["generation_task_id"])
    assert task.status == TaskStatus.FAILED
    chat.refresh_from_db()
    assert chat.status == ChatStatus.FAILED
    failure = chat.last_message
    assert failure.kind == MessageKind.GENERATION_FAILED
    assert failure.content.startswith("❌ Не удалось сгенерировать изображение")
    assert "Повторить" in failure.content
    assert failure.payload["reason"] == task.last_error
    assert failure.payload["retry_url"].endswith(f"/api/generation-tasks/{task.pk}/retry/")


@pytest.mark.django_db
def test_a_failed_chat_does_not_block_a_new_one(employee_client, employee, settings):
    settings.SIMULATION_FAILURE_MODE = "error"
    chat = make_chat(employee, answers=ALL_ANSWERS)
    Chat.objects.filter(pk=chat.pk).update(status=ChatStatus.FAILED)
    assert employee_client.post("/api/chats/", {}, format="json").status_code == 201
    assert Message.objects.filter(chat=chat).exists()
